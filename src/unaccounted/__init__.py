"""unaccounted: count the dead and missing of a war by name, and estimate those nobody counted.

The data flow is ingest → normalize → link → resolve → analyze/estimate → report; each
stage is a subpackage named after it. See the README and ``docs/`` for the commands.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
