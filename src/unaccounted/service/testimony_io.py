"""Accounts in bulk and incidents out (docs/testimonies.md, "Importing accounts" and
"Exporting incidents").

- **Import** (editors, ``testimony-import``): every row of a CSV or JSON table or of an ODK
  Central or KoboToolbox form export (``testimony/formats.py``) is checked as
  ``testimony add`` checks one account — the original is the row's ``text`` or the file its
  ``file`` names — and, when every row passes, all are taken in in one write: each original
  kept unmodified and hashed, sealed when confidential, each witness sealed with a random
  id, and one ``testimony-import`` event per account naming it (its chain of custody) then
  one for the import. One bad row refuses the import whole, naming its line: nothing is
  half taken in.
- **Export** (reviewers, ``export-incidents``): every incident as CSV or as FollowTheMoney
  entities (``testimony/ftm.py``). Sealed names read ``[protected]`` unless an editor asks
  (``protected``, an audited ``export-protected`` event); a witness of a testimony is only
  ever its pseudonymous id, and contacts are never exported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from unaccounted.errors import InputError
from unaccounted.files import check_output, open_output
from unaccounted.protect import Keyring
from unaccounted.report.export import safe_cell
from unaccounted.resolve import person_view, workspace_rules
from unaccounted.service import protection
from unaccounted.service import testimonies as tes
from unaccounted.service.session import Session
from unaccounted.testimony import formats as f
from unaccounted.testimony import text as t

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "export_incidents", "import_testimonies"]

IMPORT_FORMATS = f.FORMATS
EXPORT_FORMATS: tuple[str, ...] = ("csv", "ftm")
_YES = {"yes": True, "true": True, "1": True, "y": True, "да": True,
        "no": False, "false": False, "0": False, "n": False, "нет": False}  # fmt: skip


# -- import ----------------------------------------------------------------------------------


def import_testimonies(
    s: Session, path: Path, fmt: str | None = None, mapping: Path | None = None,
    attachments: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Take in every account of ``path`` (all or none); returns the ids taken in, the
    incidents made, the submissions skipped (imported before: a form's export holds its
    earlier submissions too) and the form's fields left out."""
    s.check("testimony-import")
    rules = f.load_import_mapping(mapping) if mapping is not None else f.ImportMapping()
    chosen = fmt or f.guess_format(path)
    read = f.accounts(f.read_rows(path, chosen, rules.delimiter), chosen, rules, str(path))
    folder = _attachments(path, rules, attachments)
    prepared: list[tuple[f.Account, dict[str, Any], dict[str, Any] | None]] = []
    errors: list[tuple[int, str]] = []
    seen = s.store.imported_submissions()
    skipped: list[str] = []
    for account in read.accounts:
        record = t.clean_line(account.record, 120) if account.record else None
        if record is not None and record in seen:
            skipped.append(record)  # exported again with the form's later submissions
            continue
        if record is not None:
            seen.add(record)
        try:
            prepared.append((account, _intake(account, folder, chosen), _incident(s, account)))
        except InputError as exc:
            errors.append((account.line, str(exc)))
    if errors:
        line, message = errors[0]
        more = ""
        if len(errors) > 1:
            lines = ", ".join(str(n) for n, _ in errors[1:6]) + (", …" if len(errors) > 6 else "")
            more = f"; {len(errors) - 1} more rows refused (lines {lines})"
        raise InputError(f"{path} line {line}: {message}{more}; nothing imported")
    if not prepared:
        return {"file": str(path), "format": chosen, "testimonies": [], "incidents": [],
                "skipped": skipped, "ignored_fields": read.ignored}  # fmt: skip
    needs_key = any(intake["needs_key"] for _, intake, _ in prepared)
    ring = protection.keyring(s, create=True) if needs_key else None
    taken: list[str] = []
    made: list[str] = []
    with s.write("testimony-import", {"file": path.name, "format": chosen}) as work:
        for account, intake, incident in prepared:
            args: dict[str, Any] = {"file": path.name, "line": account.line}
            if account.record:
                args["record"] = t.clean_line(account.record, 120)
            if incident is not None:
                iid = work.store.add_incident(incident, tes.now())
                args["incident"] = iid
                made.append(iid)
            r = tes.store_testimony(work, ring, intake, "testimony-import", args)
            if incident is not None:
                work.store.add_support(made[-1], r["id"], None, None, tes.now())
            taken.append(r["id"])
        work.counts.update({"testimonies": len(taken), "incidents": len(made)})
        work.store.log_event(work.store.next_event_id(), "testimony-import", work.args,
                             work.counts)  # fmt: skip
    return {"file": str(path), "format": chosen, "testimonies": taken, "incidents": made,
            "skipped": skipped, "ignored_fields": read.ignored}  # fmt: skip


def _attachments(path: Path, rules: f.ImportMapping, given: Path | None) -> Path:
    """The folder attached files are named in: ``--attachments``, the mapping's (beside the
    file), ``media/`` beside the file when there is one (ODK Central's), else the file's."""
    if given is not None:
        return given
    if rules.attachments:
        return path.parent / rules.attachments
    media = path.parent / "media"
    return media if media.is_dir() else path.parent


def _original(account: f.Account, folder: Path) -> tuple[bytes, str, str | None]:
    """The original's bytes, what messages call it and its file name (when a file)."""
    text, name = account.values.get("text"), account.values.get("file")
    if text and name:
        raise InputError("give text or file, not both")
    if text:
        return text.encode("utf-8"), "the text", None
    if not name:
        raise InputError("no text and no file: an account needs one")
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or ":" in name:
        raise InputError(f"file '{t.clean_line(name)}' must be a name inside {folder}")
    if account.attachments and pure.name not in account.attachments:
        raise InputError(f"file '{t.clean_line(name)}' is not among the submission's attachments")
    candidates = [folder / pure]
    if account.record and len(pure.parts) == 1:
        candidates.insert(0, folder / account.record.removeprefix("uuid:") / pure)
    for path in candidates:
        if path.is_file():
            size = path.stat().st_size
            if size > t.MAX_BYTES:
                raise InputError(f"file {pure} is {size:,} bytes; a testimony may be at most "
                                 f"{t.MAX_BYTES:,} bytes")  # fmt: skip
            try:
                return path.read_bytes(), f"file {pure}", pure.name
            except OSError as exc:
                raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    raise InputError(f"file '{t.clean_line(name)}' is not in {folder}")


def _intake(account: f.Account, folder: Path, fmt: str) -> dict[str, Any]:
    v = account.values
    data, name, file_name = _original(account, folder)
    flag = v.get("confidential", "").strip().lower()
    if flag and flag not in _YES:
        raise InputError(f"confidential '{t.clean_line(flag)}' is not yes or no")
    for column in ("kind", "source", "language"):
        if not v.get(column):
            raise InputError(f"no {column} (a column, or a default in a mapping)")
    return tes.check_testimony(
        data, kind=v["kind"], source=v["source"], language=v["language"], date=v.get("date"),
        witness=v.get("witness"), witness_contact=v.get("witness_contact"),
        level=v.get("level") or None, confidential=_YES.get(flag, False),
        group=v.get("group"), name=name, file_name=file_name,
    )  # fmt: skip


def _incident(s: Session, account: f.Account) -> dict[str, Any] | None:
    """The incident a row describes (``incident_*`` columns), checked; None when none."""
    v = account.values
    given = [c for c in ("incident_from", "incident_to", "incident_place", "incident_summary")
             if v.get(c)]  # fmt: skip
    if not v.get("incident_type"):
        if given:
            raise InputError(f"{given[0]} without incident_type")
        return None
    try:
        interval = tes.incident_interval(v.get("incident_from"), v.get("incident_to"))
    except InputError as exc:
        raise InputError(str(exc).replace("--from", "incident_from").replace("--to",
                         "incident_to")) from None  # fmt: skip
    place = v.get("incident_place")
    return {"type": tes.incident_type(s, v["incident_type"]), **interval,
            "place_id": tes.place_id_of(s, place) if place else None,
            "summary": t.field(v.get("incident_summary"), "incident_summary") or ""}  # fmt: skip


# -- export ----------------------------------------------------------------------------------

CSV_COLUMNS = ("incident_id", "type", "from", "to", "place_id", "place", "latitude",
               "longitude", "summary", "grade", "rule", "groups", "testimonies", "witnesses",
               "victim", "perpetrator", "witness", "commanding_unit",
               "complaint_official")  # fmt: skip


def incident_data(s: Session, ring: Keyring | None) -> list[dict[str, Any]]:
    """Every incident with its place, grade, supporting testimonies (their witnesses'
    pseudonymous ids) and involvements, sealed names redacted unless ``ring`` opens them."""
    rows = tes.incidents(s)
    places = {str(p["id"]): p for p in s.store.places()}
    rules = workspace_rules(s.workspace)
    names: dict[str, str] = {}
    out = []
    for row in rows:
        iid = str(row["id"])
        support = s.store.support(iid)
        tids = list(dict.fromkeys(str(x["testimony_id"]) for x in support))
        witnesses = []
        for tid in tids:
            found = s.store.testimony(tid)
            if found and found["witness_id"] and found["witness_id"] not in witnesses:
                witnesses.append(str(found["witness_id"]))
        involved = protection.as_shown(s.store.involvements(iid), ring)
        for i in involved:
            pid = i["person_id"]
            if pid and pid not in names:
                try:
                    names[pid] = str(protection.as_shown(person_view(s.store, pid, rules).name,
                                                         ring) or pid)  # fmt: skip
                except InputError:
                    names[pid] = pid
            i["person_name"] = names.get(pid) if pid else None
        out.append({**row, "place_row": places.get(str(row["place_id"])),
                    "testimony_ids": tids, "witness_ids": witnesses,
                    "involved": involved})  # fmt: skip
    return out


def _who(i: dict[str, Any]) -> str:
    if i["person_id"]:
        return f"{i['person_id']} {i['person_name']}" if i["person_name"] != i["person_id"] \
            else str(i["person_id"])  # fmt: skip
    return str(i["unit_raw"] or i["actor_name"] or "")


def _csv_rows(data: list[dict[str, Any]]) -> Iterator[list[str]]:
    yield list(CSV_COLUMNS)
    for r in data:
        place = r["place_row"] or {}
        by_role = {role: "; ".join(_who(i) for i in r["involved"] if i["role"] == role)
                   for role in t.ROLES}  # fmt: skip
        g = r["grade"]
        cells = [safe_cell(x) for x in (r["id"], r["type"], r["from_edtf"], r["to_edtf"],
                                         r["place_id"], r["place"])]  # fmt: skip
        # coordinates are numbers the store holds (a negative one is no formula)
        cells += ["" if place.get(k) is None else str(place[k]) for k in ("latitude", "longitude")]
        cells += [
            safe_cell(x)
            for x in (
                r["summary"],
                g["grade"],
                g["rule"],
                "; ".join(g["groups"]),
                "; ".join(r["testimony_ids"]),
                "; ".join(r["witness_ids"]),
                *by_role.values(),
            )
        ]
        yield cells


def published_data(s: Session) -> list[dict[str, Any]]:
    """The published incidents (``service/testimony_publication.py``) in the shape of
    :func:`incident_data`: no summary, no groups, the published accounts only, and each
    person a separate actor named only when cleared."""
    from unaccounted.service.testimony_publication import published_incidents

    out = []
    places = {str(p["id"]): p for p in s.store.places()}
    for r in published_incidents(s):
        place = places.get(str(r["place_id"])) if r["place_id"] else None
        involved = [{"id": f"{r['id']}-u{n}", "role": u["role"], "person_id": None,
                     "unit_raw": u["unit"], "unit_key": u["unit_key"], "actor_name": None}
                    for n, u in enumerate(r["units"], 1)]  # fmt: skip
        involved += [{"id": f"{r['id']}-p{n}", "role": x["role"], "person_id": None,
                      "unit_raw": None, "unit_key": None, "actor_name": x["name"]}
                     for n, x in enumerate(r["people"], 1)]  # fmt: skip
        out.append({"id": r["id"], "type": r["type"], "from_edtf": r["from"], "to_edtf": r["to"],
                    "place_id": r["place_id"], "place": r["place"], "summary": "",
                    "grade": {"grade": r["grade"], "rule": r["rule"], "groups": []},
                    "place_row": {**place, "aliases": []} if place else None,
                    "testimony_ids": r["testimonies"], "witness_ids": r["witnesses"],
                    "involved": involved})  # fmt: skip
    return out


def export_incidents(
    s: Session, fmt: str, out_path: Path | None = None, *, protected: bool = False,
    force: bool = False, stream: IO[str] | None = None, published: bool = False,
) -> int:  # fmt: skip
    """Write every incident as CSV or FollowTheMoney JSON lines to ``out_path`` (or
    ``stream``); returns the rows (CSV) or entities (FtM) written. ``published``: the
    published incidents in their published form only (viewers too)."""
    if published and protected:
        raise InputError("--published and --protected exclude each other")
    s.check("export-published-incidents" if published else "export-incidents")
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format '{fmt}'; use one of: {', '.join(EXPORT_FORMATS)}")
    if fmt == "ftm":
        from unaccounted.testimony import ftm

        ftm.require()
    if out_path is not None:
        check_output(out_path, force=force)
    ring = protection.export_keyring(s, "incidents", {"format": fmt}) if protected else None
    data = published_data(s) if published else incident_data(s, ring)
    if fmt == "csv":
        lines: list[str] = []
        for cells in _csv_rows(data):
            buf = _Line()
            csv.writer(buf).writerow(cells)
            lines.append(buf.text)
        count = len(lines) - 1
    else:
        from unaccounted.testimony import ftm

        entities = ftm.entities(data)
        lines = [json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entities]
        count = len(lines)
    if out_path is not None:
        with open_output(out_path, "w", force=force) as fh:
            fh.writelines(lines)
    elif stream is not None:
        stream.writelines(lines)
    return count


class _Line:
    def __init__(self) -> None:
        self.text = ""

    def write(self, value: str) -> int:
        self.text += value
        return len(value)
