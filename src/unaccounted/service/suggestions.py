"""Assisted extraction (docs/testimonies.md, "Assisted extraction"): rules read people,
places, dates, units, sums and incident types from a testimony's Russian text
(``testimony/extract.py``) and store them as *suggestions*; a person accepts, corrects or
rejects each one, and only then does anything enter the record (through the same service
functions as by hand: an incident, a place, an involvement, an incident's dates).

- ``suggest`` (reviewers and up): reads the text (a sealed original is opened with the key)
  and stores each suggestion with its span. A suggestion whose span touches a confidential
  character keeps its quote and value sealed at rest.
- ``list_suggestions``: a suggestion whose span touches a character that is not public
  reads ``[protected]`` (quote, value and decided value), as its passage does; asking to see
  it (``protected=True``) is an audited ``view-testimony-protected`` event.
- ``decide``: ``accept`` and ``correct`` (editors) enter the record; ``reject`` (reviewers)
  changes nothing but the suggestion. Every decision is its own audited action naming the
  suggestion and the testimony, so it is part of the testimony's chain of custody.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from unaccounted.errors import InputError
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import Normalizer
from unaccounted.service import protection
from unaccounted.service import testimonies as tes
from unaccounted.service.session import Session
from unaccounted.testimony import text as t
from unaccounted.testimony.extract import extract

__all__ = ["DECISIONS", "Suggestion", "decide", "list_suggestions", "suggest"]

DECISIONS: tuple[str, ...] = ("accept", "correct", "reject")
_STATUS = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}


@dataclass(frozen=True)
class Suggestion:
    """One suggestion as the reader may see it (``[protected]`` where withheld)."""

    id: str
    testimony_id: str
    kind: str
    start: int
    end: int
    quote: str
    value: str
    detail: str
    status: str
    decided_value: str | None
    result: str | None
    withheld: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _normalizer(s: Session) -> Normalizer:
    cfg = s.workspace.settings.normalize
    pack = s.workspace.root / cfg.pack_dir if cfg.pack_dir else None
    return Normalizer(load_pack(cfg.locale, pack))


def _levels(s: Session, row: dict[str, Any]) -> list[str]:
    return t.levels_of(int(row["chars"]), str(row["level"]), s.store.passages(str(row["id"])))


def _as_suggestion(row: dict[str, Any], withheld: bool) -> Suggestion:
    hide = t.REDACTED if withheld else None
    decided = row["decided_value"]
    return Suggestion(
        str(row["id"]), str(row["testimony_id"]), str(row["kind"]), int(row["start"]),
        int(row["end"]), hide or str(row["quote"]), hide or str(row["value"]),
        str(row["detail"]), str(row["status"]), hide if decided is not None and hide else decided,
        row["result"], withheld,
    )  # fmt: skip


def suggest(s: Session, testimony_id: str) -> list[Suggestion]:
    """Read suggestions from a testimony's text and store the new ones (a span already
    suggested for the same kind is not suggested again); returns them as the reader may
    see them."""
    s.check("testimony-suggest")
    row = tes._testimony(s, testimony_id)
    tid = str(row["id"])
    if str(row["language"]) != "ru":
        raise InputError(f"testimony {tid} is in '{row['language']}'; assisted extraction "
                         "reads Russian (ru) only")  # fmt: skip
    normalizer = _normalizer(s)
    text = tes._original(s, tid).decode("utf-8")
    found = extract(text, normalizer)
    levels = _levels(s, row)
    known = {(x["kind"], x["start"], x["end"]) for x in s.store.suggestions(tid)}
    fresh = [f for f in found if (f.kind, f.start, f.end) not in known]
    secret = any("confidential" in levels[f.start : f.end] for f in fresh)
    ring = protection.keyring(s) if secret else None
    rows = []
    for f in fresh:
        sealed = "confidential" in levels[f.start : f.end]
        quote, value = text[f.start : f.end], f.value
        if sealed:
            assert ring is not None
            quote, value = ring.seal(quote), ring.seal(value)
        rows.append({"kind": f.kind, "start": f.start, "end": f.end, "quote": quote,
                     "value": value, "detail": f.detail, "sealed": sealed})  # fmt: skip
    with s.write("testimony-suggest", {"testimony": tid}) as work:
        ids = work.store.add_suggestions(tid, rows, datetime.now(UTC))
        work.counts.update({"found": len(found), "suggestions": len(ids)})
    made = set(ids)
    return [x for x in list_suggestions(s, tid) if x.id in made]


def list_suggestions(s: Session, testimony_id: str, *, protected: bool = False) -> list[Suggestion]:
    """A testimony's suggestions in the order of its text, with their decisions. Those
    whose span touches a character that is not public read ``[protected]`` unless the
    reader may and asks (``protected``: an audited ``view-testimony-protected`` event)."""
    s.read("testimonies")
    row = tes._testimony(s, testimony_id)
    tid = str(row["id"])
    if protected:
        s.check("view-testimony-protected")
    levels = _levels(s, row)
    rows = s.store.suggestions(tid)
    hidden = [any(x != "public" for x in levels[r["start"] : r["end"]]) for r in rows]
    if not (protected and any(hidden)):
        return [_as_suggestion(r, h) for r, h in zip(rows, hidden, strict=True)]
    ring = protection.keyring(s) if any(r["sealed"] for r in rows) else None
    opened = []
    for r in rows:
        if r["sealed"]:
            assert ring is not None
            r = {**r, "quote": ring.open(r["quote"]), "value": ring.open(r["value"]),
                 "decided_value": None if r["decided_value"] is None
                 else ring.open(r["decided_value"])}  # fmt: skip
        opened.append(_as_suggestion(r, False))
    with s.write("view-testimony-protected", {"testimony": tid}) as work:
        work.counts["suggestions"] = sum(hidden)
    return opened


def _enter(
    s: Session, row: dict[str, Any], final: str, incident: str | None, role: str | None
) -> str | None:
    """Put an accepted (or corrected) suggestion into the record; returns what it made or
    changed (an incident, a place, an involvement), None when only the decision is kept."""
    kind, tid = str(row["kind"]), str(row["testimony_id"])
    passage = f"{row['start']}:{row['end']}"
    if kind in ("person", "unit") and incident and not role:
        raise InputError(f"give --role with --incident for a {kind} (victim, perpetrator, ...)")
    if role and not incident:
        raise InputError("--role goes with --incident")
    if kind == "incident_type":
        if incident:
            tes.edit_incident(s, incident, kind=final)
            iid = str(tes._incident(s, incident)["id"])
        else:
            iid = tes.add_incident(s, final)
        tes.link(s, iid, tid, passage)
        return iid
    if kind == "place":
        key = s.store.place_of_key(t.place_key(final))
        place_id = key or tes.add_place(s, final)
        if incident:
            tes.edit_incident(s, incident, place=place_id)
        return place_id
    if not incident:
        return None
    if kind == "date":
        tes.edit_incident(s, incident, start=final)
        return str(tes._incident(s, incident)["id"])
    if kind == "person":
        return f"involvement {tes.involve(s, incident, role or '', actor=final)}"
    if kind == "unit":
        return f"involvement {tes.involve(s, incident, role or '', unit=final)}"
    raise InputError(f"a {kind} suggestion does not enter an incident; accept it without "
                     "--incident to keep the decision")  # fmt: skip


def decide(
    s: Session, suggestion_id: str, decision: str, value: str | None = None, *,
    incident: str | None = None, role: str | None = None,
) -> Suggestion:  # fmt: skip
    """Accept, correct (with ``value``) or reject a suggestion. Accepting or correcting
    enters it into the record (``incident``/``role`` say where, for people, units and
    dates); rejecting changes nothing else. Each decision is an audited action."""
    chosen = t.choice(decision, DECISIONS, "decision")
    action = f"suggestion-{chosen}"
    s.check(action)
    rows = s.store.suggestions(suggestion_id=suggestion_id.strip())
    if not rows:
        raise InputError(f"no suggestion '{t.clean_line(suggestion_id)}' "
                         "(see 'unaccounted testimony suggestions')")  # fmt: skip
    row = rows[0]
    if row["status"] != "open":
        raise InputError(f"suggestion {row['id']} was {row['status']} by {row['decided_by']}")
    given = t.field(value, "the value")
    if chosen == "correct" and not given:
        raise InputError("correct needs --value, the right value")
    if chosen != "correct" and given is not None:
        raise InputError(f"--value goes with correct, not {chosen}")
    if chosen == "reject" and (incident or role):
        raise InputError("--incident and --role go with accept or correct, not reject")
    if incident:  # checked before anything is written, so that a refusal leaves no trace
        incident = str(tes._incident(s, incident)["id"])
    ring = protection.keyring(s) if row["sealed"] else None
    final = given or str(row["value"] if ring is None else ring.open(str(row["value"])))
    if row["kind"] == "unit" and chosen == "accept":  # a unit enters as written
        final = str(row["quote"] if ring is None else ring.open(str(row["quote"])))
    result = _enter(s, row, final, incident, role) if chosen != "reject" else None
    kept = None if given is None else (ring.seal(given) if ring else given)
    args = {"suggestion": row["id"], "testimony": row["testimony_id"], "kind": row["kind"],
            "result": result}  # fmt: skip
    with s.write(action, args) as work:
        work.store.decide_suggestion(str(row["id"]), _STATUS[chosen], kept, result,
                                     datetime.now(UTC))  # fmt: skip
    (done,) = [x for x in list_suggestions(s, str(row["testimony_id"])) if x.id == row["id"]]
    return done
