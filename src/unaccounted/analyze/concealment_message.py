"""What the concealment report lacks when it can rank no unit, in one line with the fix.

The report compares what official notices say with what independent sources say, so it
needs at least one source of kind ``official`` and units with enough officially missing
persons (the setting ``resolve.concealment_min_missing``).
"""

from __future__ import annotations

#: How a source gets its kind: at ingest, by option or by the mapping file.
KIND_FIX = (
    "re-ingest the official notices with 'unaccounted ingest FILE --kind official' "
    "(or 'kind: official' in the file's mapping)"
)


def shortfall(kinds: dict[str, str], missing: dict[str, int], min_missing: int) -> str:
    """The one line for a report with no ranked unit. ``kinds``: every source seen with its
    kind; ``missing``: officially missing persons per unit."""
    if "official" not in kinds.values():
        seen = ", ".join(f"{s} ({k})" for s, k in sorted(kinds.items())[:5])
        more = f" and {len(kinds) - 5} more" if len(kinds) > 5 else ""
        found = f" (sources: {seen}{more})" if kinds else ""
        return (
            f"no source has the kind 'official'{found}, so no notice says who is officially "
            f"missing; {KIND_FIX}"
        )
    unit, most = max(missing.items(), key=lambda x: (x[1], x[0]), default=("", 0))
    where = f" (the most: {most} in {unit})" if most else ""
    return (
        f"no unit has {min_missing} officially missing persons{where}, too few to rank; add "
        "official notices or independent sources, or lower the setting "
        "resolve.concealment_min_missing"
    )
