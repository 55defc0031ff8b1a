"""Schema migrations: numbered SQL files, applied in order, recorded in ``meta``.

``NNNN_name.sql`` upgrades a store from version NNNN-1 to NNNN. A store newer than the
code is refused; an older one is upgraded in one transaction, so a failed upgrade leaves
it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with this version of unaccounted, oldest first."""
    found = []
    for entry in resources.files("unaccounted.store").joinpath("migrations").iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(
                Migration(int(number), rest.removesuffix(".sql"), entry.read_text("utf-8"))
            )
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    assert [m.version for m in found] == expected, "migration numbers must be 1..N with no gaps"
    return found


def statements(sql: str) -> list[str]:
    """Split a migration into statements, dropping ``--`` comments.

    Migration files must not put ``;`` or ``--`` inside string literals.
    """
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
