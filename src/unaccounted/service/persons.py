"""Persons and what is said about them: person views, grades, histories, dossiers, unit
aliases, the concealment report, clusterings made elsewhere, and the persons export."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from unaccounted.analyze import Analysis, analyze
from unaccounted.analyze.concealment import ConcealmentReport, UnitEvidence
from unaccounted.analyze.dossier import region_dossier, unit_dossier
from unaccounted.analyze.tables import BY, missing_to_dead, transitions
from unaccounted.errors import InputError
from unaccounted.evaluate.truth import read_clusters
from unaccounted.files import check_output, open_output
from unaccounted.report.export import safe_cell
from unaccounted.resolve import PersonView, all_views, person_view, workspace_rules
from unaccounted.resolve.rules import GRADES, workspace_rules_path
from unaccounted.service import protection
from unaccounted.service.derived import refresh_derived
from unaccounted.service.session import Session
from unaccounted.service.shared import UNIT_ALIASES, confirm_unit_alias, sync_shared_files

__all__ = ["BY", "GRADES", "UnitEvidence", "confirm_unit_alias", "read_clusters"]

#: The columns of ``export persons --out FILE.csv``.
PERSON_CSV = ("person_id", "name", "grade", "rule", "outcome", "status", "birth_date",
              "event_date", "unit", "region", "sources")  # fmt: skip


def analysis(s: Session, action: str) -> Analysis:
    """Every person view with the unit alias groups (the input of the analyses); a viewer's
    has the published persons only."""
    s.check(action)
    return _visible_analysis(s, analyze(s.ws))


# -- publication: a viewer sees published persons only (service/publication.py) ---------


def _visible(s: Session, person_ids: Iterable[str]) -> set[str]:
    """Those of ``person_ids`` the session's actor may see."""
    from unaccounted.service.publication import visible_ids

    allowed = visible_ids(s)
    return set(person_ids) if allowed is None else set(person_ids) & allowed


def _visible_views(s: Session, people: Iterable[PersonView]) -> Iterable[PersonView]:
    from unaccounted.service.publication import visible_ids

    allowed = visible_ids(s)
    return people if allowed is None else (v for v in people if v.person_id in allowed)


def _visible_analysis(s: Session, a: Analysis) -> Analysis:
    """The analysis over the persons the actor may see (unit groups stay as inferred)."""
    from unaccounted.service.publication import visible_ids

    allowed = visible_ids(s)
    if allowed is None:
        return a
    return Analysis(a.rules, [v for v in a.views if v.person_id in allowed], a.units)


def _no_person(s: Session, person_id: str) -> InputError:
    """What asking for an unknown id says (also for a person the actor may not see)."""
    return InputError(_by_name(s, person_id) or
                      f"no person with id {person_id!r} in this workspace")  # fmt: skip


# ----------------------------------------------------------------------------------------


def person(s: Session, person_id: str, *, protected: bool = False) -> dict[str, Any]:
    """One person: best values with their rules, grade, status history, every claim; and,
    for a linked person, the scored links and id history (an old, merged id is followed).

    Sealed values read ``[protected]``; with ``protected`` they are opened for an actor who
    may see them (an audited ``view-protected`` event), and refused to anyone else."""
    from unaccounted.service.link import linkage_of_person

    store = s.read("person")
    try:
        linkage: dict[str, Any] | None = linkage_of_person(s, person_id)
    except InputError:
        linkage = None  # not a linked person: the person view below says why
    current = linkage["person_id"] if linkage else person_id
    if not _visible(s, [current]):
        raise _no_person(s, person_id)  # an unpublished person is not said to exist
    try:
        view = person_view(store, current, workspace_rules(s.workspace)).as_dict()
    except InputError as exc:
        raise InputError(_by_name(s, person_id) or str(exc)) from None
    if linkage:
        view["linkage"] = {k: linkage[k] for k in ("asked", "followed", "records", "links",
                                                    "history")}  # fmt: skip
    shown: dict[str, Any] = protection.shown(
        s, view, f"person {view.get('person_id', current)}", protected=protected
    )
    return shown


def _by_name(s: Session, text: str) -> str | None:
    """For an id that is no person's: the persons whose name it may be, as one line."""
    from unaccounted.service.search import search

    try:
        hits = search(s, text, limit=3).hits
    except InputError:
        return None
    found = [f"{h.person_id} {h.name}" for h in hits if h.person_id]
    if not found:
        return None
    return (f"no person with id {text!r}; by name it may be: {'; '.join(found)} "
            "(see 'unaccounted search')")  # fmt: skip


def views(s: Session, action: str = "export-persons") -> Iterable[PersonView]:
    """Every person view, in person id order."""
    store = s.read(action)
    return _visible_views(s, all_views(store, workspace_rules(s.workspace)))


def grades(s: Session) -> dict[str, Any]:
    """Persons counted by grade and the rule that gave it, and the rules file read."""
    counts: dict[tuple[str, str], int] = {}
    for v in views(s, "grades"):
        key = (v.grade.grade, v.grade.rule)
        counts[key] = counts.get(key, 0) + 1
    rows = [
        {"grade": g, "rule": r, "persons": n}
        for (g, r), n in sorted(counts.items(), key=lambda x: (GRADES.index(x[0][0]), x[0][1]))
    ]
    return {"rules_file": str(workspace_rules_path(s.workspace)), "grades": rows}


def history(s: Session, by: str = "unit", delays: bool = False) -> list[dict[str, Any]]:
    """Status transitions per unit, region or month, or the missing-to-dead delay per unit."""
    if by not in BY:
        raise InputError(f"--by must be one of {', '.join(BY)} (got {by!r})")
    a = analysis(s, "history")
    return missing_to_dead(a.views, a.units) if delays else transitions(a.views, a.units, by)


def concealment(s: Session) -> ConcealmentReport:
    """Units by evidence of concealment, most suspicious first (a sequence of units); its
    ``message`` says what is missing when no unit can be ranked. For a reader who may see
    incidents, the falsified missing-in-action reports naming a unit are its signal 6;
    a viewer's report counts the published ones only (``testimony_publication``)."""
    from unaccounted.service import incident_views
    from unaccounted.service.testimony_publication import published_falsified_reports

    falsified = (incident_views.falsified_reports(s) if incident_views.may_see(s)
                 else published_falsified_reports(s))  # fmt: skip
    return analysis(s, "concealment").concealment(s.workspace, falsified)


def unit(s: Session, key: str) -> dict[str, Any]:
    """A unit's dossier (any key or spelling the alias groups know); sealed values read
    ``[protected]``."""
    dossier: dict[str, Any] = protection.redact(unit_dossier(analysis(s, "unit"), key))
    return dossier


def region(s: Session, code: str) -> dict[str, Any]:
    """A region's dossier (ISO 3166-2 code); sealed values read ``[protected]``."""
    dossier: dict[str, Any] = protection.redact(region_dossier(analysis(s, "region"), code))
    return dossier


def unit_aliases(s: Session) -> list[dict[str, Any]]:
    """Unit alias groups inferred from linked persons (with more than one key)."""
    a = analysis(s, "unit-aliases")
    return [g.as_dict() for g in a.units.groups.values() if len(g.keys) > 1]


def load_clusters(s: Session, rows: Iterable[tuple[str, str, str]], name: str) -> int:
    """Store a clustering made elsewhere as the current one; return the rows stored."""
    sync_shared_files(s)
    with s.write("load-clusters", {"file": name}) as work:
        stored = work.store.load_clusters(rows, "load-clusters")
        refresh_derived(work)
        return stored


def export_persons(
    s: Session, out_path: Path, *, force: bool = False, protected: bool = False
) -> int:
    """Every person view to JSON Lines (whole views) or CSV (best values, grade, status);
    an existing file is replaced only with ``force``. Sealed values read ``[protected]``;
    with ``protected`` (an editor's explicit request, an audited ``export-protected``
    event) they are opened."""
    check_output(out_path, force=force)
    n = 0
    people = views(s)
    ring = protection.export_keyring(s, "persons", {"out": str(out_path)}) if protected else None
    with open_output(out_path, "w", force=force) as fh:
        if out_path.suffix.lower() == ".csv":
            w = csv.DictWriter(fh, fieldnames=list(PERSON_CSV))
            w.writeheader()
            for v in people:
                # Names and units come from untrusted sources: cells that a spreadsheet
                # would run as a formula are written as text, as in 'export records'.
                row = protection.as_shown(_person_row(v), ring)
                w.writerow({k: safe_cell(value) for k, value in row.items()})
                n += 1
        else:
            for v in people:
                data = protection.as_shown(v.as_dict(), ring)
                fh.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
                n += 1
    return n


def _person_row(v: PersonView) -> dict[str, Any]:
    best = {k: b.shown for k, b in v.best.items()}
    return {
        "person_id": v.person_id,
        "name": v.name,
        "grade": v.grade.grade,
        "rule": v.grade.rule,
        "outcome": v.grade.fate,
        "status": v.history.current,
        "birth_date": best.get("birth_date"),
        "event_date": best.get("event_date"),
        "unit": best.get("unit"),
        "region": best.get("region"),
        "sources": "; ".join(sorted({c.source for c in v.claims})),
    }


__all__ += ["UNIT_ALIASES"]
