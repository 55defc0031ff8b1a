"""Accounts in bulk: CSV and JSON tables, ODK Central and KoboToolbox form exports (the
hand-written fixtures of tests/testimonies/data), each account taken in as 'testimony add'
takes one, all or none."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.protect.conftest import store_bytes
from tests.testimonies.conftest import ROLES, editor
from unaccounted.errors import InputError
from unaccounted.protect import KEY_FILE_ENV
from unaccounted.service import PermissionDenied, Session, protection
from unaccounted.service import testimonies as service
from unaccounted.service.testimony_io import import_testimonies
from unaccounted.workspace import Workspace

DATA = Path(__file__).parent / "data"
STATEMENT = (DATA / "statement-1.txt").read_bytes()


def facts(ws: Workspace) -> list[tuple[object, ...]]:
    """What was taken in, testimony by testimony (never a text or a witness's name)."""
    with editor(ws.root) as s:
        return [(r["id"], r["kind"], r["source"], r["date_edtf"], r["language"], r["level"],
                 r["witness_id"] is not None, r["file_name"], r["size"], r["incidents"])
                for r in service.testimonies(s)]  # fmt: skip


def import_as_editor(ws: Workspace, path: Path, **options: object) -> dict[str, object]:
    with editor(ws.root) as s:
        return import_testimonies(s, path, **options)  # type: ignore[arg-type]


def test_csv_import_takes_each_account_in_with_its_incident(ws: Workspace) -> None:
    with editor(ws.root) as s:
        service.add_place(s, "Тихая Заводь, склад", 47.25, 38.5)
    r = import_as_editor(ws, DATA / "accounts.csv")
    assert r == {"file": str(DATA / "accounts.csv"), "format": "csv",
                 "testimonies": ["T-1", "T-2"], "incidents": ["I-1"], "skipped": [],
                 "ignored_fields": []}  # fmt: skip
    text = "Меня держали в подвале склада две недели.\nКомандир роты требовал деньги."
    assert facts(ws) == [
        # an interview is confidential by default: sealed, its witness a random id
        ("T-1", "interview", "field team A", "2024-03", "ru", "confidential", True, None,
         len(text.encode()), ["I-1"]),
        # the second row names a file beside the table: its name is kept (not confidential)
        ("T-2", "written_statement", "field team B", "2024-04-02", "ru", "restricted", False,
         "statement-1.txt", len(STATEMENT), []),
    ]  # fmt: skip
    with editor(ws.root) as s:
        # the original of a cell is the cell's text, byte for byte (its line break too)
        assert service.testimony_original(s, "T-1")["data"] == text.encode()
        assert service.testimony_original(s, "T-2")["data"] == STATEMENT
        incident = service.incident(s, "I-1")
        contact = s.store.scalar("SELECT witness_contact_sealed FROM testimonies WHERE id = 'T-1'")
    assert (incident["type"], incident["from_edtf"], incident["to_edtf"], incident["place"]) == (
        "unlawful_detention",
        "2024-03",
        "2024-03-17",
        "Тихая Заводь, склад",
    )
    assert [x["testimony_id"] for x in incident["support"]] == ["T-1"]
    assert str(contact).startswith("enc:v1:")  # the contacts are sealed, never in the clear
    data = store_bytes(ws)
    for needle in ("Агафья Вымышленная", "+7 900 000-00-01", "Командир роты"):
        assert needle.encode() not in data, f"{needle!r} is in the store in the clear"


def test_each_import_is_one_write_and_each_account_has_its_custody(ws: Workspace) -> None:
    import_as_editor(ws, DATA / "accounts.json")
    with editor(ws.root) as s:
        entries = [e for e in s.store.audit_entries() if e["command"] == "testimony-import"]
        custody = service.custody(s, "T-2")
    args = [json.loads(e["args"]) for e in entries]
    assert args == [
        {"kind": "media_report", "source": "gazette", "file": "accounts.json", "line": 2,
         "testimony": "T-1", "level": "public",
         "sha256": hashlib.sha256("Родственники сообщили о задержанных на складе.".encode())
         .hexdigest()},
        {"kind": "interview", "source": "field team A", "file": "accounts.json", "line": 4,
         "testimony": "T-2", "level": "confidential",
         "sha256": hashlib.sha256(STATEMENT).hexdigest()},
        {"file": "accounts.json", "format": "json"},  # the import itself, with its counts
    ]  # fmt: skip
    assert json.loads(entries[-1]["counts"]) == {"testimonies": 2, "incidents": 0}
    assert [(e["actor"], e["command"]) for e in custody] == [("ed", "testimony-import")]


def test_a_file_taken_in_is_verified_later_and_a_changed_copy_is_detected(
    ws: Workspace, tmp_path: Path
) -> None:
    shutil.copy(DATA / "accounts.json", tmp_path / "accounts.json")
    shutil.copy(DATA / "statement-1.txt", tmp_path / "statement-1.txt")
    import_as_editor(ws, tmp_path / "accounts.json")
    with editor(ws.root) as s:
        same = service.verify_testimony(s, "T-2", tmp_path / "statement-1.txt")
        (tmp_path / "statement-1.txt").write_bytes(STATEMENT.replace("троих".encode(),
                                                                     "двоих".encode()))  # fmt: skip
        changed = service.verify_testimony(s, "T-2", tmp_path / "statement-1.txt")
    assert (same["stored_matches"], same["matches"]) == (True, True)
    assert (changed["stored_matches"], changed["matches"]) == (True, False)
    assert changed["file_sha256"] != changed["sha256"]


def test_odk_central_csv_with_a_mapping_and_media(ws: Workspace) -> None:
    r = import_as_editor(
        ws, DATA / "odk" / "submissions.csv", mapping=DATA / "odk" / "mapping.yaml"
    )
    # the format is told from the header (SubmissionDate, KEY); the tool's own fields are
    # not the form's, and start/end are fields the mapping does not name
    assert (r["format"], r["testimonies"], r["incidents"], r["ignored_fields"]) == (
        "odk",
        ["T-1", "T-2"],
        ["I-1", "I-2"],
        ["start", "end"],
    )
    attached = (DATA / "odk" / "media" / "1712055072000.txt").read_bytes()
    assert facts(ws) == [
        # a form's date is its submission's when no field gives one
        ("T-1", "form_submission", "detention survey", "2024-04-02", "ru", "confidential",
         True, None, len("Нас били каждый день в подвале.".encode()), ["I-1"]),
        ("T-2", "form_submission", "detention survey", "2024-04-03", "ru", "confidential",
         False, None, len(attached), ["I-2"]),
    ]  # fmt: skip
    with editor(ws.root) as s:
        assert service.testimony_original(s, "T-2")["data"] == attached
        events = [json.loads(e["args"]) for e in s.store.audit_entries()
                  if e["command"] == "testimony-import"]  # fmt: skip
        types = [(i["id"], i["type"], i["from_edtf"]) for i in service.incidents(s)]
    assert [(e.get("line"), e.get("record"), e.get("incident")) for e in events] == [
        (2, "uuid:0c1d2e3f-0000-4000-8000-00000000a001", "I-1"),
        (3, "uuid:0c1d2e3f-0000-4000-8000-00000000a002", "I-2"),
        (None, None, None),
    ]
    assert types == [("I-1", "torture", "2024-03"), ("I-2", "forced_signature", "2024-03-20")]


def test_odk_central_json_reads_groups_as_paths(ws: Workspace) -> None:
    r = import_as_editor(ws, DATA / "odk" / "submissions.json",
                         mapping=DATA / "odk" / "mapping.yaml")  # fmt: skip
    assert (r["format"], r["testimonies"], r["incidents"]) == ("odk", ["T-1"], ["I-1"])
    with editor(ws.root) as s:
        csv_id = service.testimonies(s)[0]
        args = json.loads(s.store.audit_entries()[-2]["args"])
    assert (csv_id["date_edtf"], csv_id["witness_id"] is not None) == ("2024-04-02", True)
    assert (args["line"], args["record"]) == (4, "uuid:0c1d2e3f-0000-4000-8000-00000000a001")
    # the form's CSV export holds that submission again: it is skipped, the next one taken in
    r = import_as_editor(
        ws, DATA / "odk" / "submissions.csv", mapping=DATA / "odk" / "mapping.yaml"
    )
    assert (r["testimonies"], r["skipped"]) == (
        ["T-2"],
        ["uuid:0c1d2e3f-0000-4000-8000-00000000a001"],
    )
    # and once everything is in, importing again takes nothing in and writes nothing
    with editor(ws.root) as s:
        events = s.store.counts()["events"]
    r = import_as_editor(
        ws, DATA / "odk" / "submissions.csv", mapping=DATA / "odk" / "mapping.yaml"
    )
    assert (r["testimonies"], len(r["skipped"])) == ([], 2)
    with editor(ws.root) as s:
        assert s.store.counts()["events"] == events


def test_kobo_json_and_csv_with_attachments_per_submission(ws: Workspace) -> None:
    mapping = DATA / "kobo" / "mapping.yaml"
    # the data API's JSON holds submission b002 (its witness field empty, so absent)
    r = import_as_editor(ws, DATA / "kobo" / "data.json", mapping=mapping)
    assert (r["format"], r["testimonies"], r["ignored_fields"]) == ("kobo", ["T-1"], ["start"])
    # the CSV export holds b001 and b002 again: b002 is skipped
    r = import_as_editor(ws, DATA / "kobo" / "export.csv", mapping=mapping)
    assert (r["format"], r["testimonies"], r["incidents"], r["skipped"], r["ignored_fields"]) == (
        "kobo", ["T-2"], ["I-2"], ["5d1e2f3a-0000-4000-8000-00000000b002"],
        ["start", "end", "grp_account/statement_URL"])  # fmt: skip
    attached = (DATA / "kobo" / "attachments" / "5d1e2f3a-0000-4000-8000-00000000b002" /
                "statement.txt").read_bytes()  # fmt: skip
    assert facts(ws) == [
        ("T-1", "form_submission", "medevac survey", "2024-04-06", "ru", "confidential", False,
         None, len(attached), ["I-1"]),
        ("T-2", "form_submission", "medevac survey", "2024-04-05", "ru", "confidential", True,
         None, len("Нам отказали в эвакуации раненого.".encode()), ["I-2"]),
    ]  # fmt: skip
    with editor(ws.root) as s:
        # the attachment is read from the submission's own folder (attachments/<uuid>/)
        assert service.testimony_original(s, "T-1")["data"] == attached
        assert [i["type"] for i in service.incidents(s)] == ["denial_of_medevac"] * 2


def test_bad_rows_refuse_the_import_whole_naming_their_lines(ws: Workspace) -> None:
    with pytest.raises(InputError) as caught:
        import_as_editor(ws, DATA / "bad.csv")
    assert str(caught.value) == (
        f"{DATA / 'bad.csv'} line 3: unknown testimony kind 'rumour'; choose one of interview, "
        "written_statement, media_report, court_document, form_submission; 2 more rows "
        "refused (lines 4, 5); nothing imported"
    )
    assert facts(ws) == []  # the good first row is not taken in either
    with editor(ws.root) as s:
        assert s.store.counts()["events"] == 0 or all(
            e["command"] != "testimony-import" or e["outcome"] == "failed" for e in s.store.events()
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "t.csv",
            "kind,source,language,text,witnes\ninterview,a,ru,x,y\n",
            "t.csv: column 'witnes' is not a testimony column (kind, source, date, language, "
            "text, file, witness, witness_contact, level, confidential, group, incident_type, "
            "incident_from, incident_to, incident_place, incident_summary); a mapping "
            "(--mapping) renames others",
        ),
        (
            "t.csv",
            "kind,source,language,file\ninterview,a,ru,../secret.txt\n",
            "t.csv line 2: file '../secret.txt' must be a name inside {tmp}; nothing imported",
        ),
        (
            "t.csv",
            "kind,source,language,file\ninterview,a,ru,missing.txt\n",
            "t.csv line 2: file 'missing.txt' is not in {tmp}; nothing imported",
        ),
        (
            "t.csv",
            "kind,source,language,text\ninterview,a,ru,\n",
            "t.csv line 2: no text and no file: an account needs one; nothing imported",
        ),
        (
            "t.csv",
            "kind,source,text\ninterview,a,x\n",
            "t.csv line 2: no language (a column, or a default in a mapping); nothing imported",
        ),
        (
            "t.csv",
            "kind,source,language,text,incident_place\ninterview,a,ru,x,Склад\n",
            "t.csv line 2: incident_place without incident_type; nothing imported",
        ),
        (
            "t.csv",
            "kind,source,language,text,confidential\ninterview,a,ru,x,maybe\n",
            "t.csv line 2: confidential 'maybe' is not yes or no; nothing imported",
        ),
        ("t.csv", "kind,source,language,text\n", "t.csv has no rows; nothing imported"),
        (
            "t.csv",
            "kind,source,language,text,incident_type\ninterview,a,ru,x,looting\n",
            "t.csv line 2: unknown incident type 'looting' (see 'unaccounted incident types'; an "
            "editor adds one with 'unaccounted incident type-add'); nothing imported",
        ),
        (
            "t.csv",
            "kind,source,language,text,incident_type,incident_place\n"
            "interview,a,ru,x,torture,Склад\n",
            "t.csv line 2: no place named 'Склад' (add it with 'unaccounted places add', or an "
            "alias with 'unaccounted places alias'); nothing imported",
        ),
        (
            "t.csv",
            "kind,source,language,text,incident_type,incident_from,incident_to\n"
            "interview,a,ru,x,torture,2024-05,2024-04\n",
            "t.csv line 2: incident_to 2024-04 is before incident_from 2024-05; nothing imported",
        ),
        ("t.json", '[{"kind": "interview"},\n 7]', "t.json line 2: not a JSON object"),
        (
            "t.json",
            '[{"kind": "interview",}]',
            "t.json line 1: not JSON (Expecting property name enclosed in double quotes)",
        ),
        (
            "t.csv",
            b"kind,source,language,text\ninterview,a,ru,\xcf\xf0\xe8\n",
            "t.csv line 2: not UTF-8 (byte 41)",
        ),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_taken_in(
    ws: Workspace, tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    with pytest.raises(InputError) as caught:
        import_as_editor(ws, path)
    assert str(caught.value) == f"{tmp_path}/" + message.format(tmp=tmp_path)
    assert "\n" not in str(caught.value)
    assert facts(ws) == []


def test_a_zip_archive_is_named_for_what_it_is(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "detention.zip").write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError) as caught:
        import_as_editor(ws, tmp_path / "detention.zip")
    assert str(caught.value) == (
        "detention.zip is a zip archive: unzip it and import the "
        "submissions' CSV (its attached files are in media/ beside it)"
    )


def test_a_bad_mapping_is_one_line(ws: Workspace, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {account/narrative: story}\n", "utf-8")
    with pytest.raises(InputError) as caught:
        import_as_editor(ws, DATA / "odk" / "submissions.csv", mapping=mapping)
    assert str(caught.value) == (
        f"mapping {mapping}: 'columns': field 'account/narrative' maps to 'story', which is "
        "not a column (kind, source, date, language, text, file, witness, witness_contact, "
        "level, confidential, group, incident_type, incident_from, incident_to, "
        "incident_place, incident_summary)"
    )
    mapping.write_text("columns: {account/story: text}\n", "utf-8")
    with pytest.raises(InputError, match="the mapping names field 'account/story', which is "
                                         "not in the file"):  # fmt: skip
        import_as_editor(ws, DATA / "odk" / "submissions.csv", mapping=mapping)


def test_only_editors_import(ws: Workspace) -> None:
    with (
        Session.open(ws.root, "rita", permissions=ROLES) as s,
        pytest.raises(
            PermissionDenied, match="rita may not import testimonies from a table or a form export"
        ),
    ):
        import_testimonies(s, DATA / "accounts.json")
    assert facts(ws) == []


def test_key_rotation_seals_a_witness_contact_again(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "keys" / "own.key"))  # rotation moves it
    import_as_editor(ws, DATA / "accounts.json")  # T-2: a sealed original and witness
    shutil.copy(DATA / "accounts.csv", tmp_path / "accounts.csv")
    (tmp_path / "statement-1.txt").write_bytes(STATEMENT)
    with editor(ws.root) as s:
        service.add_place(s, "Тихая Заводь, склад")
        import_testimonies(s, tmp_path / "accounts.csv")  # T-3: original, witness, contact
        before = s.store.scalar("SELECT witness_contact_sealed FROM testimonies WHERE id = 'T-3'")
    with Session.open(ws.root, "admin") as s:
        result = protection.rotate_key(s)
    with editor(ws.root) as s:
        after = s.store.scalar("SELECT witness_contact_sealed FROM testimonies WHERE id = 'T-3'")
        assert protection.keyring(s).open_text(after) == "+7 900 000-00-01"
    assert result["values_resealed"] == 5  # two originals, two witnesses, one contact
    assert before != after
