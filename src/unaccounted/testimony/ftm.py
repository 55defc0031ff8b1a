"""Incidents as FollowTheMoney entities (docs/testimonies.md, "Exporting incidents").

The schema (followthemoney's ``schema/*.yaml``) gives each thing its type and id:

- an incident is an ``Event`` (``uc-incident-I-1``): its ``organizer`` are the perpetrators
  and commanding units, its ``involved`` the victims, witnesses and complaint officials and
  the witnesses of the testimonies behind it, its ``addressEntity`` its place;
- a place is an ``Address`` (``uc-place-PL-1``), a unit an ``Organization`` (``uc-unit-``
  and a hash of its unit key);
- a person of the casualty records is a ``Person`` (``uc-person-P-000123``), a separate
  actor too (``uc-actor-`` and the involvement's number), and a witness of a testimony a
  ``Person`` named by its pseudonymous id only (``uc-witness-W-7F3K2``).

Every value is checked by the property's type (``clean`` must keep it as it is) before
it is written; a value the model would change or drop is a bug, not a silent loss.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from unaccounted.errors import InputError

#: Involvement roles that organise an event (its ``organizer``); the others are ``involved``.
ORGANIZER_ROLES = ("perpetrator", "commanding_unit")


def require() -> None:
    """A one-line error when the followthemoney package is missing."""
    try:
        import followthemoney  # noqa: F401
    except ImportError:
        raise InputError(
            "FollowTheMoney export needs the followthemoney package: pip install 'unaccounted[ftm]'"
        ) from None


class _Entities:
    """Entities by id, in the order first made; each value checked by its type."""

    def __init__(self) -> None:
        from followthemoney import model

        self.model = model
        self.made: dict[str, Any] = {}

    def get(self, schema: str, entity_id: str) -> Any:
        if entity_id not in self.made:
            proxy = self.model.make_entity(schema)
            proxy.id = entity_id
            self.made[entity_id] = proxy
        return self.made[entity_id]

    def add(self, proxy: Any, prop: str, value: Any) -> None:
        if value is None or value == "":
            return
        text = str(value)
        kind = proxy.schema.get(prop).type
        if kind.clean(text) != text:
            raise ValueError(f"{proxy.schema.name}.{prop}: {text!r} is not a clean {kind.name}")
        proxy.add(prop, text, cleaned=True)


def _unit_id(key: str | None, raw: str) -> str:
    return "uc-unit-" + hashlib.sha256((key or raw).encode("utf-8")).hexdigest()[:16]


def _number(value: Any) -> str | None:
    return None if value is None else format(float(value), "g")


def entities(incidents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """FtM entities (as dicts) for incidents as ``service/testimony_io.incident_data``
    gives them: places, units and people first, each once, then the events."""
    out = _Entities()
    events = []
    for r in incidents:
        event = out.model.make_entity("Event")
        event.id = f"uc-incident-{r['id']}"
        out.add(event, "name", f"{r['type'].replace('_', ' ')} ({r['id']})")
        out.add(event, "recordId", r["id"])
        out.add(event, "keywords", r["type"])
        out.add(event, "startDate", r["from_edtf"])
        out.add(event, "endDate", r["to_edtf"])
        out.add(event, "summary", r["summary"])
        g = r["grade"]
        out.add(event, "notes", f"grade {g['grade']} by rule {g['rule']}; testimonies: "
                                f"{', '.join(r['testimony_ids']) or 'none'}")  # fmt: skip
        place = r["place_row"]
        if place:
            address = out.get("Address", f"uc-place-{place['id']}")
            out.add(address, "full", place["name"])
            for alias in place["aliases"]:
                out.add(address, "alias", alias)
            out.add(address, "latitude", _number(place["latitude"]))
            out.add(address, "longitude", _number(place["longitude"]))
            out.add(event, "location", place["name"])
            out.add(event, "addressEntity", address.id)
        for i in r["involved"]:
            if i["person_id"]:
                who = out.get("Person", f"uc-person-{i['person_id']}")
                out.add(who, "name", i["person_name"] or i["person_id"])
            elif i["unit_raw"]:
                who = out.get("Organization", _unit_id(i["unit_key"], i["unit_raw"]))
                out.add(who, "name", i["unit_raw"])
            else:
                who = out.get("Person", f"uc-actor-{i['id']}")
                out.add(who, "name", i["actor_name"])
            role = "organizer" if i["role"] in ORGANIZER_ROLES else "involved"
            out.add(event, role, who.id)
        for witness in r["witness_ids"]:
            who = out.get("Person", f"uc-witness-{witness}")
            out.add(who, "name", witness)
            out.add(event, "involved", who.id)
        events.append(event)
    return [p.to_dict() for p in [*out.made.values(), *events]]
