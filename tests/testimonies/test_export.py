"""Incidents out: CSV, and FollowTheMoney entities each validated by the followthemoney
package; sealed names only for an editor who asks (an audited event), witnesses of
testimonies only by their pseudonymous ids, their contacts never."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.protect.conftest import world  # noqa: F401  (a fixture: persons P1 and P2)
from tests.testimonies.conftest import ROLES, editor
from unaccounted.errors import InputError
from unaccounted.service import PermissionDenied, Session
from unaccounted.service import testimonies as service
from unaccounted.service.testimony_io import export_incidents, import_testimonies
from unaccounted.workspace import Workspace

DATA = Path(__file__).parent / "data"
VICTIM = "Пётр Вымышленный"
#: What the witness of T-1 gave at intake (tests/testimonies/data/accounts.csv).
WITNESS, CONTACT = "Агафья Вымышленная", "+7 900 000-00-01"


@pytest.fixture
def incidents(world: Workspace) -> Workspace:  # noqa: F811
    """I-1 (from accounts.csv, supported by T-1 whose witness has an id) with a unit, a
    sealed victim, a person of the casualty records and an official; I-2 with nothing."""
    ws = world
    with editor(ws.root) as s:
        service.add_place(s, "Тихая Заводь, склад", 47.25, 38.5)
        service.alias_place(s, "Тихая Заводь, склад", "Tikhaya Zavod warehouse")
        import_testimonies(s, DATA / "accounts.csv")
        service.involve(s, "I-1", "perpetrator", unit="25 ОМСБр")
        service.involve(s, "I-1", "victim", actor=VICTIM)
        service.involve(s, "I-1", "victim", person="P1")
        service.involve(s, "I-1", "complaint_official", actor="прокурор гарнизона")
        service.add_incident(s, "threat", start="2024-05")
    return ws


def export(ws: Workspace, actor: str, fmt: str, *, protected: bool = False) -> str:
    buf = io.StringIO()
    with Session.open(ws.root, actor, permissions=ROLES) as s:
        export_incidents(s, fmt, stream=buf, protected=protected)
    return buf.getvalue()


def witness_id(ws: Workspace) -> str:
    with editor(ws.root) as s:
        return str(service.testimonies(s)[0]["witness_id"])


def test_csv_export_redacts_sealed_names(incidents: Workspace) -> None:
    rows = list(csv.DictReader(io.StringIO(export(incidents, "rita", "csv"))))
    assert [r["incident_id"] for r in rows] == ["I-1", "I-2"]
    first = rows[0]
    assert first == {
        "incident_id": "I-1", "type": "unlawful_detention", "from": "2024-03",
        "to": "2024-03-17", "place_id": "PL-1", "place": "Тихая Заводь, склад",
        "latitude": "47.25", "longitude": "38.5", "summary": "", "grade": "unverified",
        "rule": "single-source", "groups": "field team A", "testimonies": "T-1",
        "witnesses": witness_id(incidents),
        # a sealed victim reads [protected]; a person of the records by id and name
        "victim": "[protected]; P1 Белоярцев Ефим Глебович", "perpetrator": "25 ОМСБр",
        "witness": "", "commanding_unit": "", "complaint_official": "прокурор гарнизона",
    }  # fmt: skip
    assert (rows[1]["type"], rows[1]["testimonies"], rows[1]["victim"]) == ("threat", "", "")


def _check_entity(data: dict[str, Any]) -> None:
    """Strict: a known schema, every property known, every required one present, every
    value as the property's type cleans it, and the proxy reads back the same."""
    from followthemoney import model

    schema = model.get(data["schema"])
    assert schema is not None and not schema.abstract, data
    for name, values in data["properties"].items():
        prop = schema.get(name)
        assert prop is not None, f"{schema.name} has no property {name}"
        for value in values:
            assert prop.type.clean(value) == value, (schema.name, name, value)
    for name in schema.required:
        assert data["properties"].get(name), f"{schema.name} {data['id']} lacks {name}"
    assert schema.validate(data) is None
    assert model.get_proxy(data, cleaned=False).to_dict() == data


def test_ftm_export_is_valid_and_links_as_the_schema_says(incidents: Workspace) -> None:
    lines = export(incidents, "rita", "ftm").splitlines()
    entities = [json.loads(line) for line in lines]
    for data in entities:
        _check_entity(data)
    by_id = {e["id"]: e for e in entities}
    wid = witness_id(incidents)
    assert {e["id"]: e["schema"] for e in entities} == {
        "uc-place-PL-1": "Address",
        "uc-unit-" + next(i[8:] for i in by_id if i.startswith("uc-unit-")): "Organization",
        "uc-actor-2": "Person", "uc-person-P1": "Person", "uc-actor-4": "Person",
        f"uc-witness-{wid}": "Person", "uc-incident-I-1": "Event", "uc-incident-I-2": "Event",
    }  # fmt: skip
    event = by_id["uc-incident-I-1"]["properties"]
    unit = next(i for i in by_id if i.startswith("uc-unit-"))
    assert event == {
        "name": ["unlawful detention (I-1)"], "recordId": ["I-1"],
        "keywords": ["unlawful_detention"], "startDate": ["2024-03"],
        "endDate": ["2024-03-17"],
        "notes": ["grade unverified by rule single-source; testimonies: T-1"],
        "location": ["Тихая Заводь, склад"], "addressEntity": ["uc-place-PL-1"],
        "organizer": [unit],
        "involved": ["uc-actor-2", "uc-person-P1", "uc-actor-4", f"uc-witness-{wid}"],
    }  # fmt: skip
    assert by_id["uc-place-PL-1"]["properties"] == {
        "full": ["Тихая Заводь, склад"], "alias": ["Tikhaya Zavod warehouse"],
        "latitude": ["47.25"], "longitude": ["38.5"]}  # fmt: skip
    assert by_id[unit]["properties"] == {"name": ["25 ОМСБр"]}
    assert by_id["uc-actor-2"]["properties"] == {"name": ["[protected]"]}
    assert by_id["uc-person-P1"]["properties"] == {"name": ["Белоярцев Ефим Глебович"]}
    # the witness of a testimony is its pseudonymous id, never its name or contacts
    assert by_id[f"uc-witness-{wid}"]["properties"] == {"name": [wid]}
    text = "\n".join(lines)
    for secret in (VICTIM, WITNESS, CONTACT):
        assert secret not in text


def test_protected_names_only_for_an_editor_who_asks(incidents: Workspace) -> None:
    with pytest.raises(PermissionDenied, match="vera may not export incidents"):
        export(incidents, "vera", "csv")
    with pytest.raises(PermissionDenied, match="vera may not export incidents"):
        export(incidents, "vera", "ftm", protected=True)
    with pytest.raises(PermissionDenied, match="rita may not export protected fields"):
        export(incidents, "rita", "csv", protected=True)
    opened = export(incidents, "ed", "ftm", protected=True)
    assert json.dumps(VICTIM, ensure_ascii=False) in opened
    # even opened, a testimony's witness stays a pseudonymous id and contacts stay home
    assert WITNESS not in opened and CONTACT not in opened
    with editor(incidents.root) as s:
        events = [(e["actor"], json.loads(e["args"])) for e in s.store.audit_entries()
                  if e["command"] == "export-protected"]  # fmt: skip
    assert events == [("ed", {"what": "incidents", "format": "ftm"})]


def test_cli_export_writes_the_file_and_says_how_many(
    incidents: Workspace, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    out = tmp_path / "incidents.ftm.json"
    r = cli("incident", "export", "--format", "ftm", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert r.stderr.strip() == f"exported 8 entities to {out}"
    assert len(out.read_text("utf-8").splitlines()) == 8
    # the command line prints these errors in one line and exits 2 (tests/cli)
    with pytest.raises(InputError, match="already exists; pass --force to replace it"):
        cli("incident", "export", "--format", "ftm", "--out", str(out))
    with pytest.raises(InputError, match="^unknown export format 'xml'; use one of: csv, ftm$"):
        cli("incident", "export", "--format", "xml")


def test_cli_import_says_what_it_took_in(ws: Workspace, cli: Callable[..., Any]) -> None:
    r = cli("testimony", "import", str(DATA / "kobo" / "export.csv"), "--mapping",
            str(DATA / "kobo" / "mapping.yaml"))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [
        f"imported 2 testimonies (T-1..T-2), 2 incidents from {DATA / 'kobo' / 'export.csv'} "
        "as kobo",
        "fields left out: start, end, grp_account/statement_URL",
    ]
    r = cli("testimony", "import", str(DATA / "kobo" / "data.json"), "--mapping",
            str(DATA / "kobo" / "mapping.yaml"))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [
        f"imported 0 testimonies from {DATA / 'kobo' / 'data.json'} as kobo",
        "skipped 1 submissions imported before",
        "fields left out: start",
    ]


def test_a_missing_followthemoney_is_one_line(
    incidents: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "followthemoney", None)  # import fails as if missing
    with pytest.raises(InputError) as caught:
        export(incidents, "rita", "ftm")
    assert str(caught.value) == (
        "FollowTheMoney export needs the followthemoney package: pip install 'unaccounted[ftm]'"
    )


def test_csv_cells_are_spreadsheet_safe_and_coordinates_numbers(ws: Workspace) -> None:
    with editor(ws.root) as s:
        service.add_place(s, "Западный пост", -12.5, -38.25)
        service.add_incident(s, "threat", start="2024", place="Западный пост", summary="=1+2")
    (row,) = csv.DictReader(io.StringIO(export(ws, "rita", "csv")))
    # a summary a spreadsheet would run is text; a negative coordinate stays a number
    assert (row["summary"], row["latitude"], row["longitude"]) == ("'=1+2", "-12.5", "-38.25")
