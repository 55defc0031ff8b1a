"""Errors that reach the user as one line, never as a traceback."""


class UnaccountedError(Exception):
    """A problem the user can fix: bad input, a missing file, a workspace that does not exist.

    The command line prints ``error: <message>`` and exits non-zero; the message must name
    the problem and, where possible, the way out.
    """


class WorkspaceError(UnaccountedError):
    """The workspace is missing, unreadable or of an incompatible schema version."""


class InputError(UnaccountedError):
    """An input file or mapping cannot be read as given."""
