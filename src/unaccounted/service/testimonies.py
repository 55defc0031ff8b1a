"""Accounts of abuse ("testimonies"), incidents, places and involvements (docs/testimonies.md).

- **Intake** (editors): the original's bytes are kept unmodified and hashed (SHA-256); a
  confidential testimony's original is sealed (``protect.py``) before it reaches the store;
  a witness's name is only ever sealed, and the witness gets a random id (``W-7F3K2``; the
  same name, sealed alike, keeps its id).
- **Reading** (reviewers and up; viewers see nothing of testimonies): passages that are
  not public read ``[protected]``; asking to see them (``protected=True``) is an audited
  ``view-testimony-protected`` event, and reading the original a
  ``view-testimony-original`` event. Every event naming a testimony — its intake, every
  view, every passage mark and link — is its chain of custody, kept in the audit log.
- **Incidents** (editors): typed from the vocabulary, dated as intervals, placed in the
  place registry, with involvements and the testimonies (or passages) that support them,
  graded with the workspace's grading rules (``testimony/grade.py``).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError
from unaccounted.files import check_output, open_output
from unaccounted.normalize.api import normalize_rows
from unaccounted.protect import KEY_ID_META, Keyring, is_token, store_key_facts
from unaccounted.resolve.rules import workspace_rules
from unaccounted.service import protection
from unaccounted.service.session import Session, Work
from unaccounted.testimony import text as t
from unaccounted.testimony.grade import IncidentGrade, grade_incident, supports
from unaccounted.testimony.vocabulary import CODE_RE, IncidentType, shipped_types, type_code

__all__ = [
    "add_testimony",
    "incident",
    "incident_interval",
    "incident_type",
    "incidents",
    "now",
    "place_id_of",
    "remove_involvement",
    "show_testimony",
    "testimonies",
    "with_grades",
]


def now() -> datetime:
    """The time stored with what is written (UTC)."""
    return datetime.now(UTC)


def _seal(work: Work, ring: Keyring, value: str) -> str:
    """``value`` sealed; the key's facts stored with the first sealed value."""
    if work.store.meta_value(KEY_ID_META) is None:
        store_key_facts(work.store, ring)
    return ring.seal(value)


def _testimony(s: Session, testimony_id: str) -> dict[str, Any]:
    row = s.store.testimony(testimony_id.strip())
    if row is None:
        raise InputError(
            f"no testimony '{t.clean_line(testimony_id)}' (see 'unaccounted testimony list')"
        )
    return row


# -- intake ----------------------------------------------------------------------------------


def add_testimony(
    s: Session, data: bytes, *, kind: str, source: str, language: str,
    date: str | None = None, witness: str | None = None, level: str | None = None,
    confidential: bool = False, group: str | None = None, name: str = "the testimony",
    file_name: str | None = None, witness_contact: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Take in one testimony (an original's bytes, UTF-8 text); returns its id, hash,
    witness id and level. Everything is checked before anything is written. ``name`` is
    what messages call it; ``file_name`` is kept unless the testimony is confidential (a
    file's name often names its witness)."""
    s.check("testimony-add")
    intake = check_testimony(
        data, kind=kind, source=source, language=language, date=date, witness=witness,
        level=level, confidential=confidential, group=group, name=name, file_name=file_name,
        witness_contact=witness_contact,
    )  # fmt: skip
    ring = protection.keyring(s, create=True) if intake["needs_key"] else None
    with s.write("testimony-add", {"kind": intake["kind"], "source": intake["source"]}) as work:
        return store_testimony(work, ring, intake, "testimony-add")


def check_testimony(
    data: bytes, *, kind: str, source: str, language: str, date: str | None = None,
    witness: str | None = None, level: str | None = None, confidential: bool = False,
    group: str | None = None, name: str = "the testimony", file_name: str | None = None,
    witness_contact: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Everything intake checks, before anything is written: the facts of one testimony
    as :func:`store_testimony` takes them, or a one-line :class:`InputError`."""
    kind = t.choice(kind, t.KINDS, "testimony kind")
    chosen = "confidential" if confidential else level
    if confidential and level not in (None, "confidential"):
        raise InputError("--confidential and --level disagree; give one of them")
    chosen = t.choice(chosen, t.LEVELS, "level") if chosen else t.DEFAULT_LEVEL[kind]
    source_name = t.field(source, "the source", required=True)
    lang = (language or "").strip().lower()
    if not (2 <= len(lang) <= 3 and lang.isascii() and lang.isalpha()):
        raise InputError(f"language '{t.clean_line(language)}' is not an ISO 639 code (ru, uk, en)")
    edtf, lo, hi = t.partial_date(date, "the date")
    witness_name = t.field(witness, "the witness's name")
    contact = t.field(witness_contact, "the witness's contacts")
    text = t.original_text(data, name)
    return {"kind": kind, "level": chosen, "source": source_name, "language": lang,
            "date": (edtf, lo, hi), "witness": witness_name, "contact": contact,
            "group": t.field(group, "the independence group"),
            "file_name": None if chosen == "confidential" else t.field(file_name, "the file name"),
            "data": data, "chars": len(text), "sha256": hashlib.sha256(data).hexdigest(),
            "needs_key": chosen == "confidential" or bool(witness_name or contact)}  # fmt: skip


def store_testimony(
    work: Work, ring: Keyring | None, intake: dict[str, Any], command: str,
    args: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Store one testimony checked by :func:`check_testimony` inside ``work`` and log its
    intake event (``command``, with ``args`` and the testimony's id, hash and level): the
    first link of its chain of custody. ``ring`` is needed when ``intake["needs_key"]``."""
    store = work.store
    data: bytes = intake["data"]
    event_id = store.next_event_id()
    tid = store.next_testimony_id()
    sealed = clear = None
    chosen = intake["level"]
    if chosen == "confidential":
        assert ring is not None
        sealed = _seal(work, ring, base64.b64encode(data).decode("ascii"))
    else:
        clear = data
    witness_id = witness_token = contact_token = None
    if intake["witness"]:
        assert ring is not None
        witness_token = _seal(work, ring, intake["witness"])
        witness_id = store.witness_of_token(witness_token) or t.new_witness_id(store.witness_ids())
    if intake["contact"]:
        assert ring is not None
        contact_token = _seal(work, ring, intake["contact"])
    source_name = intake["source"]
    edtf, lo, hi = intake["date"]
    store.add_testimony({
        "id": tid, "kind": intake["kind"], "source": source_name,
        "independence_group": intake["group"] or store.source_group(source_name) or source_name,
        "date_edtf": edtf, "date_lo": lo, "date_hi": hi, "language": intake["language"],
        "file_name": intake["file_name"], "size": len(data), "chars": intake["chars"],
        "sha256": intake["sha256"], "original_clear": clear, "original_sealed": sealed,
        "level": chosen, "witness_id": witness_id, "witness_sealed": witness_token,
        "witness_contact_sealed": contact_token, "received_by": work.session.actor,
        "received_at": now(), "intake_event": event_id,
    })  # fmt: skip
    logged = {"kind": intake["kind"], "source": source_name, **(args or {}),
              "testimony": tid, "sha256": intake["sha256"], "level": chosen}  # fmt: skip
    store.log_event(event_id, command, logged, {"bytes": len(data), "chars": intake["chars"]})
    return {"id": tid, "sha256": intake["sha256"], "size": len(data), "chars": intake["chars"],
            "level": chosen, "sealed": sealed is not None, "witness_id": witness_id}  # fmt: skip


def add_testimony_file(s: Session, path: Path, **facts: Any) -> dict[str, Any]:
    """Take in a file (``-``: standard input) as :func:`add_testimony` does; a file larger
    than a testimony may be is refused before it is read."""
    import sys

    if str(path) == "-":
        data = sys.stdin.buffer.read(t.MAX_BYTES + 1)
        return add_testimony(s, data, name="standard input", **facts)
    try:
        size = path.stat().st_size
        if size > t.MAX_BYTES:
            raise InputError(
                f"{path} is {size:,} bytes; a testimony may be at most {t.MAX_BYTES:,} bytes"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return add_testimony(s, data, name=str(path), file_name=path.name, **facts)


# -- reading ---------------------------------------------------------------------------------


def testimonies(s: Session) -> list[dict[str, Any]]:
    """Every testimony's facts (never its text or its witness's name), earliest first."""
    rows = s.read("testimonies").testimonies()
    for row in rows:
        row["incidents"] = s.store.incidents_of_testimony(str(row["id"]))
    return rows


def _original(s: Session, testimony_id: str) -> bytes:
    """The original's bytes (opened with the key when sealed), checked against its hash."""
    clear, sealed = s.store.testimony_original(testimony_id)
    if sealed is not None:
        data = base64.b64decode(protection.keyring(s).open(sealed))
    else:
        data = clear or b""
    return data


def show_testimony(s: Session, testimony_id: str, *, protected: bool = False) -> dict[str, Any]:
    """A testimony with its text as the reader may see it, its passages, incidents and
    custody. ``protected`` opens the passages that are not public (an audited event);
    asking without the right is refused."""
    s.read("testimonies")
    row = _testimony(s, testimony_id)
    tid = str(row["id"])
    if protected:
        s.check("view-testimony-protected")
    marks = s.store.passages(tid)
    levels = t.levels_of(int(row["chars"]), str(row["level"]), marks)
    withheld = sum(1 for level in levels if level != "public")
    if protected and withheld:
        data = _original(s, tid)
        text = data.decode("utf-8")
        with s.write("view-testimony-protected", {"testimony": tid}) as work:
            work.counts["characters"] = withheld
        shown = text
    elif withheld == len(levels):
        shown = t.REDACTED
    else:
        shown = t.shown_text(_original(s, tid).decode("utf-8"), levels)
    return {**row, "text": shown, "passages": marks, "withheld": 0 if protected else withheld,
            "incidents": s.store.incidents_of_testimony(tid),
            "custody": s.store.custody(tid)}  # fmt: skip


def testimony_original(
    s: Session, testimony_id: str, out_path: Path | None = None, *, force: bool = False
) -> dict[str, Any]:
    """The original's exact bytes for a reader who may see them (an audited
    ``view-testimony-original`` event), refused when they no longer match their hash; with
    ``out_path``, also written there (never replacing a file without ``force``)."""
    s.check("view-testimony-original")
    row = _testimony(s, testimony_id)
    if out_path is not None:
        check_output(out_path, force=force)
    tid = str(row["id"])
    data = _original(s, tid)
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise InputError(f"testimony {tid}'s original no longer matches its intake hash")
    with s.write("view-testimony-original", {"testimony": tid}) as work:
        work.counts["bytes"] = len(data)
    if out_path is not None:
        with open_output(out_path, "wb", force=force) as fh:
            fh.write(data)
    return {"id": tid, "sha256": row["sha256"], "data": data, "file_name": row["file_name"]}


def verify_testimony(s: Session, testimony_id: str, path: Path | None = None) -> dict[str, Any]:
    """Whether the stored original still matches the SHA-256 taken at intake (a sealed
    one is opened with the key, and nothing of it is shown), and, with ``path``, whether
    that file is the original taken in."""
    s.read("testimonies")
    row = _testimony(s, testimony_id)
    stored = hashlib.sha256(_original(s, str(row["id"]))).hexdigest()
    result: dict[str, Any] = {"id": row["id"], "sha256": row["sha256"],
                              "stored_matches": stored == row["sha256"], "file": None}  # fmt: skip
    if path is not None:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        result.update({"file": str(path), "file_sha256": digest,
                       "matches": digest == row["sha256"]})  # fmt: skip
    return result


def custody(s: Session, testimony_id: str) -> list[dict[str, Any]]:
    """The testimony's chain of custody: every audited event naming it, oldest first."""
    s.read("testimonies")
    return s.store.custody(str(_testimony(s, testimony_id)["id"]))


def mark_passage(s: Session, testimony_id: str, passage: str, level: str) -> dict[str, Any]:
    """Set the level of a passage (``START:END``); a confidential passage of an original
    kept in the clear seals the original."""
    s.check("testimony-passage")
    row = _testimony(s, testimony_id)
    tid = str(row["id"])
    start, end = t.passage_range(passage, int(row["chars"]))
    chosen = t.choice(level, t.LEVELS, "level")
    needs_seal = chosen == "confidential" and not row["sealed"]
    ring = protection.keyring(s, create=True) if needs_seal else None
    with s.write("testimony-passage", {"testimony": tid, "passage": f"{start}:{end}",
                                       "level": chosen}) as work:  # fmt: skip
        if ring is not None:
            clear, _ = work.store.testimony_original(tid)
            token = _seal(work, ring, base64.b64encode(clear or b"").decode("ascii"))
            work.store.seal_testimony_original(tid, token)
        seq = work.store.add_passage(tid, start, end, chosen, now())
        work.counts["sealed_original"] = needs_seal
    return {"id": tid, "seq": seq, "start": start, "end": end, "level": chosen,
            "sealed_original": needs_seal}  # fmt: skip


# -- vocabulary and places -------------------------------------------------------------------


def incident_types(s: Session) -> list[IncidentType]:
    """The vocabulary: the shipped types, then the workspace's own."""
    store = s.read("incidents")
    own = [IncidentType(str(r["code"]), str(r["label"]), "", str(r["description"]), "workspace")
           for r in store.incident_types()]  # fmt: skip
    return [*shipped_types(), *own]


def incident_type(s: Session, value: str) -> str:
    """The vocabulary's code for ``value`` (a code or its spelling), or a one-line error."""
    code = type_code(value)
    known = {x.code for x in shipped_types()} | {str(r["code"]) for r in s.store.incident_types()}
    if code not in known:
        raise InputError(
            f"unknown incident type '{t.clean_line(value)}' (see 'unaccounted incident types'; "
            "an editor adds one with 'unaccounted incident type-add')"
        )
    return code


def add_incident_type(s: Session, code: str, label: str, description: str = "") -> str:
    """Add a type to the workspace's vocabulary."""
    s.check("incident-type-add")
    made = type_code(code)
    if not CODE_RE.match(made):
        raise InputError(f"type code '{t.clean_line(code)}' must be lower-case letters, digits "
                         "and underscores, 2 to 40, starting with a letter")  # fmt: skip
    shown = t.field(label, "the label", required=True)
    about = t.field(description, "the description") or ""
    if made in {x.code for x in incident_types(s)}:
        raise InputError(f"incident type '{made}' exists")
    with s.write("incident-type-add", {"code": made}) as work:
        work.store.add_incident_type(made, shown or made, about, now())
    return made


def place_id_of(s: Session, value: str) -> str:
    """The id of the place ``value`` names (its id, name or any alias), or a one-line error."""
    found = s.store.place_of_key(t.place_key(value))
    if found is None and s.store.place(value.strip()) is not None:
        found = value.strip()
    if found is None:
        raise InputError(f"no place named '{t.clean_line(value)}' (add it with 'unaccounted "
                         "places add', or an alias with 'unaccounted places alias')")  # fmt: skip
    return found


def _coordinate(value: float | None, limit: float, what: str) -> float | None:
    if value is not None and not -limit <= value <= limit:
        raise InputError(f"{what} {value} is outside -{limit:g}..{limit:g}")
    return value


def add_place(
    s: Session, name: str, latitude: float | None = None, longitude: float | None = None
) -> str:
    """Add a place (its name is its first alias); returns its id."""
    s.check("place-add")
    shown = t.field(name, "the place's name", required=True)
    assert shown is not None
    if (latitude is None) != (longitude is None):
        raise InputError("give both --lat and --lon, or neither")
    lat = _coordinate(latitude, 90, "latitude")
    lon = _coordinate(longitude, 180, "longitude")
    key = t.place_key(shown)
    if s.store.place_of_key(key) is not None:
        raise InputError(f"a place named '{t.clean_line(shown)}' exists "
                         f"({s.store.place_of_key(key)})")  # fmt: skip
    with s.write("place-add", {"name": shown}) as work:
        place_id = work.store.add_place(shown, lat, lon, now())
        work.store.add_place_alias(key, place_id, shown)
        work.args["place"] = place_id
    return place_id


def alias_place(s: Session, place: str, alias: str) -> str:
    """Another spelling of a place; returns the place's id."""
    s.check("place-alias")
    place_id = place_id_of(s, place)
    shown = t.field(alias, "the alias", required=True)
    assert shown is not None
    key = t.place_key(shown)
    taken = s.store.place_of_key(key)
    if taken is not None:
        raise InputError(f"'{t.clean_line(shown)}' already names {taken}")
    with s.write("place-alias", {"place": place_id, "alias": shown}) as work:
        work.store.add_place_alias(key, place_id, shown)
    return place_id


def places(s: Session) -> list[dict[str, Any]]:
    return s.read("incidents").places()


def place(s: Session, name: str) -> dict[str, Any]:
    """A place found by its id, name or any alias, with its incidents (earliest first, each
    with its grade) and the testimonies that support them."""
    s.read("incidents")
    found = s.store.place(place_id_of(s, name))
    assert found is not None
    at = [row for row in incidents(s) if row["place_id"] == found["id"]]
    testimony_ids = sorted({str(x["testimony_id"]) for row in at
                            for x in s.store.support(str(row["id"]))})  # fmt: skip
    return {**found, "incidents": at, "testimonies": testimony_ids}


# -- incidents -------------------------------------------------------------------------------


def incident_interval(start: str | None, end: str | None) -> dict[str, Any]:
    """An incident's dates as stored (EDTF and bounds), checked: ``end`` needs ``start``
    and may not be before it."""
    from_edtf, from_lo, from_hi = t.partial_date(start, "--from")
    to_edtf, _to_lo, to_hi = t.partial_date(end, "--to")
    if to_edtf and not from_edtf:
        raise InputError("--to needs --from")
    if from_lo and to_hi and to_hi < from_lo:
        raise InputError(f"--to {to_edtf} is before --from {from_edtf}")
    return {"from_edtf": from_edtf, "from_lo": from_lo, "to_edtf": to_edtf,
            "to_hi": to_hi or from_hi}  # fmt: skip


def _incident(s: Session, incident_id: str) -> dict[str, Any]:
    row = s.store.incident(incident_id.strip())
    if row is None:
        raise InputError(
            f"no incident '{t.clean_line(incident_id)}' (see 'unaccounted incident list')"
        )
    return row


def add_incident(
    s: Session, kind: str, *, start: str | None = None, end: str | None = None,
    place: str | None = None, summary: str | None = None,
) -> str:  # fmt: skip
    """Add an incident; returns its id."""
    s.check("incident-add")
    row = {"type": incident_type(s, kind), **incident_interval(start, end),
           "place_id": place_id_of(s, place) if place else None,
           "summary": t.field(summary, "the summary") or ""}  # fmt: skip
    with s.write("incident-add", {"type": row["type"]}) as work:
        incident_id = work.store.add_incident(row, now())
        work.args["incident"] = incident_id
    return incident_id


def edit_incident(
    s: Session, incident_id: str, *, kind: str | None = None, start: str | None = None,
    end: str | None = None, place: str | None = None, summary: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Change an incident's type, interval, place or summary; returns what changed."""
    s.check("incident-edit")
    row = _incident(s, incident_id)
    fields: dict[str, Any] = {}
    if kind is not None:
        fields["type"] = incident_type(s, kind)
    if start is not None or end is not None:
        fields.update(incident_interval(start if start is not None else row["from_edtf"],
                                end if end is not None else row["to_edtf"]))  # fmt: skip
    if place is not None:
        fields["place_id"] = place_id_of(s, place) if place.strip() else None
    if summary is not None:
        fields["summary"] = t.field(summary, "the summary") or ""
    if not fields:
        raise InputError("nothing to change: give --type, --from, --to, --place or --summary")
    with s.write("incident-edit", {"incident": row["id"], "fields": sorted(fields)}) as work:
        work.store.update_incident(str(row["id"]), fields)
    return fields


def involve(
    s: Session, incident_id: str, role: str, *, person: str | None = None,
    unit: str | None = None, actor: str | None = None,
) -> int:  # fmt: skip
    """Name one person of the casualty records, unit or separate actor involved in an
    incident in ``role``; a separate victim's or witness's name is sealed."""
    s.check("incident-involve")
    row = _incident(s, incident_id)
    chosen = t.choice(role, t.ROLES, "role")
    given = [x for x in (person, unit, actor) if x is not None and x.strip()]
    if len(given) != 1:
        raise InputError("name exactly one of --person, --unit or --actor")
    entry: dict[str, Any] = {"role": chosen}
    args: dict[str, Any] = {"incident": row["id"], "role": chosen}
    ring = None
    if person:
        pid = person.strip()
        if not s.store.person_exists(pid):
            raise InputError(
                f"no person '{t.clean_line(pid)}' (find one with 'unaccounted search')"
            )
        entry["person_id"] = args["person"] = pid
    elif unit:
        raw = t.field(unit, "the unit", required=True)
        cfg = s.workspace.settings.normalize
        pack = s.workspace.root / cfg.pack_dir if cfg.pack_dir else None
        key = normalize_rows([{"unit": raw}], cfg.locale, pack)["unit_key"][0]
        entry.update({"unit_raw": raw, "unit_key": key})
        args.update({"unit": raw, "unit_key": key})
    else:
        name = t.field(actor, "the actor's name", required=True)
        assert name is not None
        if chosen in t.SEALED_ROLES:
            ring = protection.keyring(s, create=True)
        else:
            entry["actor_name"] = args["actor"] = name
    with s.write("incident-involve", args) as work:
        if ring is not None:
            entry["actor_name"] = _seal(work, ring, str(t.field(actor, "the actor's name")))
        return work.store.add_involvement(str(row["id"]), entry, now())


def remove_involvement(s: Session, incident_id: str, involvement: int | str) -> dict[str, Any]:
    """Remove one involvement (by its number) from an incident; returns it. The event names
    its role and person or unit, never a sealed name."""
    s.check("incident-uninvolve")
    row = _incident(s, incident_id)
    iid = str(row["id"])
    number = str(involvement).strip()
    found = [i for i in s.store.involvements(iid) if str(i["id"]) == number]
    if not found:
        raise InputError(f"no involvement '{t.clean_line(number)}' in incident {iid}")
    gone = found[0]
    args: dict[str, Any] = {"incident": iid, "involvement": gone["id"], "role": gone["role"]}
    for column, key in (("person_id", "person"), ("unit_raw", "unit"), ("unit_key", "unit_key")):
        if gone[column]:
            args[key] = gone[column]
    if gone["actor_name"] and not is_token(gone["actor_name"]):
        args["actor"] = gone["actor_name"]
    with s.write("incident-uninvolve", args) as work:
        work.store.remove_involvement(int(gone["id"]))
    return {k: v for k, v in args.items() if k != "incident"}


def link(s: Session, incident_id: str, testimony_id: str, passage: str | None = None) -> bool:
    """Link a testimony (or one passage of it, ``START:END``) to an incident it supports;
    False when that link exists."""
    s.check("incident-link")
    row = _incident(s, incident_id)
    tes = _testimony(s, testimony_id)
    start = end = None
    if passage:
        start, end = t.passage_range(passage, int(tes["chars"]))
    args = {"incident": row["id"], "testimony": tes["id"],
            "passage": f"{start}:{end}" if passage else None}  # fmt: skip
    with s.write("incident-link", args) as work:
        added = work.store.add_support(str(row["id"]), str(tes["id"]), start, end, now())
        work.counts["linked"] = int(added)
    return added


def grade(s: Session, incident_id: str) -> IncidentGrade:
    """The incident's corroboration grade (``testimony/grade.py``)."""
    rules = workspace_rules(s.workspace)
    return grade_incident(supports(s.store.support(incident_id)), rules)


def incidents(s: Session) -> list[dict[str, Any]]:
    """Every incident with its grade and counts, earliest first."""
    return with_grades(s, s.read("incidents").incidents())


def graded_incidents(s: Session) -> list[dict[str, Any]]:
    """:func:`incidents` without the permission check: for the published views, which
    check their own and show only what is published."""
    return with_grades(s, s.store.incidents())


def with_grades(s: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` of incidents, each with its grade, its number of testimonies and of
    involvements added. The caller has checked that the reader may see them."""
    rules = workspace_rules(s.workspace)
    for row in rows:
        iid = str(row["id"])
        support = s.store.support(iid)
        row["grade"] = grade_incident(supports(support), rules).as_dict()
        row["testimonies"] = len({r["testimony_id"] for r in support})
        row["involvements"] = len(s.store.involvements(iid))
    return rows


def incident(s: Session, incident_id: str, *, protected: bool = False) -> dict[str, Any]:
    """An incident with its involvements (a sealed name reads ``[protected]`` unless the
    reader may and asks), the testimonies and passages behind it, and its grade."""
    s.read("incidents")
    row = _incident(s, incident_id)
    iid = str(row["id"])
    involved = s.store.involvements(iid)
    if any(is_token(i["actor_name"]) for i in involved):
        involved = protection.shown(s, involved, f"incident {iid}", protected=protected)
    return {**row, "involvements": involved, "support": s.store.support(iid),
            "grade": grade(s, iid).as_dict()}  # fmt: skip
