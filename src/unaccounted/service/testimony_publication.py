"""Publication of accounts and incidents (docs/testimonies.md, "Publication").

- **Published accounts** (everyone, viewers too: ``published-accounts``): an account is
  published as its public passages only — the runs of characters whose level is
  ``public`` — with every person's name in them withheld (``[name withheld]``, in the
  reader's language) unless an editor cleared that name in that account
  (``testimony/publish.py`` does the cutting). Names are found by the extraction rules
  (``testimony/extract.py``), the account's person suggestions, the names of the people
  involved in the incidents it supports, and, more strictly, every capitalised word of
  quoted speech. An account with no public character is not published at all; its
  witness is only ever its pseudonymous id, and its source, file and contacts never.
- **Clearing** (editors): ``testimony-name-clear`` and ``testimony-name-withhold`` are
  audited actions naming the testimony (so they are in its chain of custody).
- **Published incidents**: an incident is published when an editor marks it so
  (``incident-publish``, audited). Its published form has its type, dates, place, the
  units involved, its grade and the published accounts behind it; of the people involved
  only the names cleared in an account that supports it, the others withheld. Its
  summary (an editor's free text) is never published.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from unaccounted.errors import InputError, UnaccountedError
from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.ru import RussianPack
from unaccounted.protect import Keyring, is_token
from unaccounted.resolve import person_view, workspace_rules
from unaccounted.service import protection
from unaccounted.service import testimonies as tes
from unaccounted.service.session import Session
from unaccounted.testimony import publish as pub
from unaccounted.testimony import text as t
from unaccounted.testimony.extract import extract, reads_as_name

__all__ = [
    "clear_name",
    "cleared_names",
    "publish_incident",
    "published_incident",
    "published_incidents",
    "published_testimonies",
    "published_testimony",
    "withhold_name",
]

READ = "published-accounts"


def _now() -> datetime:
    return datetime.now(UTC)


# -- clearing and marking ----------------------------------------------------------------------


def _name(name: str) -> tuple[str, str]:
    shown = t.field(name, "the name", required=True)
    assert shown is not None
    key = pub.name_key(shown)
    if not key:
        raise InputError(f"the name '{t.clean_line(shown)}' has no letters")
    return shown, key


def clear_name(s: Session, testimony_id: str, name: str) -> bool:
    """Clear ``name`` for publication in a testimony; False when it was cleared already."""
    s.check("testimony-name-clear")
    row = tes._testimony(s, testimony_id)
    shown, key = _name(name)
    tid = str(row["id"])
    with s.write("testimony-name-clear", {"testimony": tid, "name": shown}) as work:
        added = work.store.clear_name(tid, key, shown, _now())
        work.counts["cleared"] = int(added)
    return added


def withhold_name(s: Session, testimony_id: str, name: str) -> bool:
    """Withdraw a name's clearance in a testimony; a name not cleared there is refused."""
    s.check("testimony-name-withhold")
    row = tes._testimony(s, testimony_id)
    shown, key = _name(name)
    tid = str(row["id"])
    if key not in {str(r["name_key"]) for r in s.store.cleared_names(tid)}:
        raise InputError(f"'{t.clean_line(shown)}' is not cleared in testimony {tid} "
                         f"(see 'unaccounted testimony cleared {tid}')")  # fmt: skip
    with s.write("testimony-name-withhold", {"testimony": tid, "name": shown}) as work:
        work.store.withhold_name(tid, key)
    return True


def cleared_names(s: Session, testimony_id: str) -> list[dict[str, Any]]:
    """The names cleared in a testimony (reviewers and up), oldest first."""
    s.read("testimonies")
    return s.store.cleared_names(str(tes._testimony(s, testimony_id)["id"]))


def publish_incident(s: Session, incident_id: str, published: bool = True) -> bool:
    """Mark an incident published (or, ``published=False``, not); returns what it was."""
    s.check("incident-publish")
    row = tes._incident(s, incident_id)
    iid = str(row["id"])
    with s.write("incident-publish", {"incident": iid, "published": published}) as work:
        was = work.store.set_incident_published(iid, published, _now())
        work.counts["changed"] = int(was != published)
    return was


# -- published accounts ------------------------------------------------------------------------


def _levels(s: Session, row: dict[str, Any]) -> list[str]:
    return t.levels_of(int(row["chars"]), str(row["level"]), s.store.passages(str(row["id"])))


def _facts(row: dict[str, Any], published: set[str], s: Session) -> dict[str, Any]:
    tid = str(row["id"])
    supported = [i for i in s.store.incidents_of_testimony(tid) if i in published]
    return {"id": tid, "kind": row["kind"], "date": row["date_edtf"],
            "language": row["language"], "witness_id": row["witness_id"],
            "incidents": supported}  # fmt: skip


def published_testimonies(s: Session) -> list[dict[str, Any]]:
    """The published accounts (those with a public character), earliest first: kind, date,
    language, pseudonymous witness id and the published incidents they support."""
    store = s.read(READ)
    published = store.published_incidents()
    out = []
    for row in store.testimonies():
        if "public" in _levels(s, row):
            out.append(_facts(row, published, s))
    return out


def _ring(s: Session) -> Keyring | None:
    """The key, to compare sealed names with cleared ones; None when it is not there."""
    try:
        return protection.keyring(s)
    except UnaccountedError:
        return None


def _involved_names(s: Session, incident_ids: list[str], ring: Keyring | None) -> list[str]:
    """The names of the people involved in the incidents: persons of the casualty records and
    separate actors (a sealed one opened with ``ring``; left out without it)."""
    rules = workspace_rules(s.workspace)
    names = []
    for iid in incident_ids:
        for i in s.store.involvements(iid):
            if i["person_id"]:
                try:
                    names.append(str(person_view(s.store, str(i["person_id"]), rules).name))
                except InputError:
                    continue
            elif i["actor_name"]:
                names.append(str(protection.as_shown(i["actor_name"], ring)))
    return [n for n in names if n != t.REDACTED and not is_token(n)]


def name_spans(s: Session, row: dict[str, Any], text: str) -> list[pub.Span]:
    """Where the account's text names people (see the module docstring)."""
    tid = str(row["id"])
    cfg = s.workspace.settings.normalize
    pack = load_pack(cfg.locale, s.workspace.root / cfg.pack_dir if cfg.pack_dir else None)
    spans: list[pub.Span] = []
    quotes = pub.quoted(text)
    if str(row["language"]) == "ru" and isinstance(pack, RussianPack):
        normalizer = Normalizer(pack)
        spans += [pub.span(text, f.start, f.end, f.value)
                  for f in extract(text, normalizer) if f.kind == "person"]  # fmt: skip
        spans += pub.capitalised_in(text, quotes, lambda w: reads_as_name(normalizer, w))
    else:  # the rules read Russian only: every capitalised word is withheld
        spans += pub.capitalised_in(text, [(0, len(text))], lambda w: True)
    known = _involved_names(s, s.store.incidents_of_testimony(tid), _ring(s))
    for x in s.store.suggestions(tid):
        if x["kind"] != "person" or x["status"] == "rejected":
            continue
        readings = [str(v) for v in (x["value"], x["decided_value"]) if v and not is_token(v)]
        spans.append(pub.span(text, int(x["start"]), int(x["end"]), *readings))
        known += readings if x["status"] != "open" else []
    spans += pub.known_names(text, known)
    return spans


def published_testimony(s: Session, testimony_id: str, lang: str = "en") -> dict[str, Any]:
    """An account's published form: its facts and its public passages with names withheld
    (``lang``: the marker's language). An account with no public character is refused as
    if it did not exist."""
    store = s.read(READ)
    row = store.testimony(testimony_id.strip())
    levels = _levels(s, row) if row is not None else []
    if row is None or "public" not in levels:
        raise InputError(f"no published testimony '{t.clean_line(testimony_id)}'")
    text = tes._original(s, str(row["id"])).decode("utf-8")
    cleared = {str(r["name_key"]) for r in store.cleared_names(str(row["id"]))}
    passages = pub.published_passages(
        text, levels, name_spans(s, row, text), cleared, pub.withheld_marker(lang)
    )
    return {**_facts(row, store.published_incidents(), s), "passages": passages,
            "withheld": sum(int(str(p["withheld"])) for p in passages)}  # fmt: skip


# -- published incidents -----------------------------------------------------------------------


def _published_accounts(s: Session, tids: list[str]) -> list[str]:
    out = []
    for tid in tids:
        row = s.store.testimony(tid)
        if row is not None and "public" in _levels(s, row):
            out.append(tid)
    return out


def _person(s: Session, i: dict[str, Any], ring: Keyring | None, cleared: dict[str, str],
            marker: str) -> dict[str, Any]:  # fmt: skip
    """One person involved, named only when the name is cleared (``cleared``: name key →
    the name as cleared)."""
    if i["person_id"]:
        try:
            rules = workspace_rules(s.workspace)
            name = str(person_view(s.store, str(i["person_id"]), rules).name)
        except InputError:
            name = ""
    else:
        name = str(protection.as_shown(i["actor_name"] or "", ring))
    key = pub.name_key(name) if name and not is_token(name) else ""
    shown = cleared.get(key) if key else None
    return {"role": i["role"], "name": shown or marker, "withheld": shown is None}


def _published(s: Session, row: dict[str, Any], ring: Keyring | None, marker: str,
               places: dict[str, dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    iid = str(row["id"])
    support = s.store.support(iid)
    tids = list(dict.fromkeys(str(x["testimony_id"]) for x in support))
    accounts = _published_accounts(s, tids)
    cleared = {str(c["name_key"]): str(c["name"]) for tid in tids
               for c in s.store.cleared_names(tid)}  # fmt: skip
    units, people = [], []
    for i in s.store.involvements(iid):
        if i["unit_raw"]:
            units.append({"role": i["role"], "unit": i["unit_raw"], "unit_key": i["unit_key"]})
        else:
            people.append(_person(s, i, ring, cleared, marker))
    place = places.get(str(row["place_id"])) if row["place_id"] else None
    witnesses = []
    for tid in accounts:
        found = s.store.testimony(tid)
        if found and found["witness_id"] and found["witness_id"] not in witnesses:
            witnesses.append(str(found["witness_id"]))
    g = row["grade"]
    return {"id": iid, "type": row["type"], "from": row["from_edtf"], "to": row["to_edtf"],
            "place_id": row["place_id"], "place": row["place"],
            "latitude": place["latitude"] if place else None,
            "longitude": place["longitude"] if place else None,
            "grade": g["grade"], "rule": g["rule"], "units": units, "people": people,
            "testimonies": accounts, "witnesses": witnesses}  # fmt: skip


def published_incidents(s: Session, lang: str = "en") -> list[dict[str, Any]]:
    """The published incidents' published forms, earliest first."""
    store = s.read(READ)
    chosen = store.published_incidents()
    rows = [r for r in tes.graded_incidents(s) if str(r["id"]) in chosen]
    if not rows:
        return []
    places = {str(p["id"]): p for p in store.places()}
    ring = _ring(s)
    marker = pub.withheld_marker(lang)
    return [_published(s, r, ring, marker, places) for r in rows]


def published_incident(s: Session, incident_id: str, lang: str = "en") -> dict[str, Any]:
    """One published incident's published form; one not published is refused as if it did
    not exist."""
    for row in published_incidents(s, lang):
        if row["id"] == incident_id.strip():
            return row
    raise InputError(f"no published incident '{t.clean_line(incident_id)}'")


def published_at(s: Session, place: str, lang: str = "en") -> tuple[str, list[dict[str, Any]]]:
    """A place (by its id, name or any alias) and its published incidents; a place with
    none is refused as if it did not exist."""
    s.read(READ)
    try:
        place_id = tes.place_id_of(s, place)
    except InputError:
        place_id = ""
    rows = [r for r in published_incidents(s, lang) if r["place_id"] == place_id]
    if not rows:
        raise InputError(f"no published incident at '{t.clean_line(place)}'")
    return str(rows[0]["place"]), rows


def published_falsified_reports(s: Session) -> dict[str, list[tuple[str, str]]]:
    """Unit key → the published incidents of type ``falsified_mia_report`` that name the
    unit (in any role), each as (incident id, grade): signal 6 of the concealment report for
    a viewer and in the static report, which is made to be published."""
    from unaccounted.service.incident_views import FALSIFIED_MIA

    chosen = s.read(READ).published_incidents()
    out: dict[str, list[tuple[str, str]]] = {}
    for row in tes.graded_incidents(s) if chosen else []:
        iid = str(row["id"])
        if row["type"] != FALSIFIED_MIA or iid not in chosen:
            continue
        keys = {str(i["unit_key"]) for i in s.store.involvements(iid) if i["unit_key"]}
        for key in sorted(keys):
            out.setdefault(key, []).append((iid, str(row["grade"]["grade"])))
    return out


def type_labels(s: Session) -> dict[str, dict[str, str]]:
    """Each incident type's label in English and Russian, for the published pages."""
    from unaccounted.testimony.vocabulary import shipped_types

    labels = {x.code: {"en": x.label, "ru": x.label_ru or x.label} for x in shipped_types()}
    for row in s.read(READ).incident_types():
        labels[str(row["code"])] = {"en": str(row["label"]), "ru": str(row["label"])}
    return labels


def published_places(s: Session) -> list[dict[str, Any]]:
    """The places of published incidents, each with its coordinates and how many."""
    count: dict[str, int] = {}
    for row in published_incidents(s):
        if row["place_id"]:
            count[str(row["place_id"])] = count.get(str(row["place_id"]), 0) + 1
    return [{"id": p["id"], "name": p["name"], "latitude": p["latitude"],
             "longitude": p["longitude"], "incidents": count[str(p["id"])]}
            for p in s.store.places() if str(p["id"]) in count]  # fmt: skip


def published_map(s: Session) -> dict[str, Any]:
    """The places of published incidents drawn as the map of places is, over the same
    outline (:func:`unaccounted.service.incident_views.drawing`)."""
    from unaccounted.service import incident_views as views

    return views.drawing(published_places(s))
