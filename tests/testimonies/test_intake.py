"""Intake: the original kept byte for byte with its SHA-256, sealed when confidential,
the witness's name never in the clear, and the intake in the audit log."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.protect.conftest import store_bytes
from tests.testimonies.conftest import INTERVIEW, REPORT, ROLES, WITNESS, add, editor
from unaccounted.errors import InputError
from unaccounted.protect import KEY_FILE_ENV, is_token
from unaccounted.service import Session, protection
from unaccounted.service import audit as audit_service
from unaccounted.service import testimonies as service
from unaccounted.workspace import Workspace


def test_intake_hashes_the_original_bytes_exactly(ws: Workspace) -> None:
    # a BOM and CRLF line ends are part of the original: kept and hashed as received
    data = b"\xef\xbb\xbf" + REPORT.replace(b"\n", b"\r\n")
    r = add(ws.root, data, kind="media_report", source="gazette")
    assert r["sha256"] == hashlib.sha256(data).hexdigest()
    assert (r["id"], r["size"], r["level"], r["sealed"]) == ("T-1", len(data), "public", False)
    with editor(ws.root) as s:
        stored = s.store.testimony("T-1")
        original = service.testimony_original(s, "T-1")
    assert stored is not None and stored["sha256"] == r["sha256"]
    assert original["data"] == data  # byte for byte, BOM and CRLF included


def test_a_confidential_original_is_not_in_the_store_file(ws: Workspace) -> None:
    r = add(ws.root, INTERVIEW, witness=WITNESS)  # an interview is confidential by default
    add(ws.root, REPORT, kind="media_report", source="gazette")
    assert (r["level"], r["sealed"]) == ("confidential", True)
    data = store_bytes(ws)
    for needle in ("подвале склада у Тихой Заводи", "Командир роты Сомов", WITNESS):
        assert needle.encode() not in data, f"{needle!r} is in the store in the clear"
    assert base64.b64encode(INTERVIEW) not in data  # nor its base64
    # the scan finds what is in the clear: the public report is kept as received
    assert "заставили подписать отказ от жалоб".encode() in data
    with editor(ws.root) as s:
        clear, sealed = s.store.testimony_original("T-1")
        # what is kept is the token, and it opens to the very bytes taken in
        assert clear is None and is_token(sealed)
        assert service.testimony_original(s, "T-1")["data"] == INTERVIEW


def test_a_confidential_files_name_is_not_kept(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "interview-Небывалая.txt"  # file names often name the witness
    path.write_bytes(INTERVIEW)
    with editor(ws.root) as s:
        service.add_testimony_file(s, path, kind="interview", source="team", language="ru")
        assert s.store.testimony("T-1")["file_name"] is None  # type: ignore[index]
    assert "Небывалая".encode() not in store_bytes(ws)


def test_the_witness_gets_a_random_id_and_keeps_it(ws: Workspace) -> None:
    first = add(ws.root, INTERVIEW, witness=WITNESS)
    again = add(ws.root, REPORT, kind="written_statement", source="letter", witness=WITNESS)
    other = add(ws.root, b"another account", source="interview-2", witness="Некто Другой")
    assert re.fullmatch(r"W-[2-9A-HJKMNP-TV-Z]{5}", str(first["witness_id"]))
    # the same name seals alike: the same witness id; another name, another id
    assert again["witness_id"] == first["witness_id"] != other["witness_id"]
    assert WITNESS.encode() not in store_bytes(ws)  # also with a restricted testimony
    with editor(ws.root) as s:
        listed = json.dumps(service.testimonies(s), ensure_ascii=False, default=str)
        shown = json.dumps(service.show_testimony(s, "T-2"), ensure_ascii=False, default=str)
    assert WITNESS not in listed and WITNESS not in shown


def test_intake_and_views_are_the_testimonys_chain_of_custody(ws: Workspace) -> None:
    add(ws.root, INTERVIEW, witness=WITNESS)
    with Session.open(ws.root, "rita", permissions=ROLES) as s:
        service.show_testimony(s, "T-1")  # nothing withheld is opened: no event
        service.show_testimony(s, "T-1", protected=True)
        service.testimony_original(s, "T-1")
        custody = service.custody(s, "T-1")
    assert [(e["actor"], e["command"]) for e in custody] == [
        ("ed", "testimony-add"),
        ("rita", "view-testimony-protected"),
        ("rita", "view-testimony-original"),
    ]
    with editor(ws.root) as s:
        entries = s.store.audit_entries()
        (intake,) = [e for e in entries if e["command"] == "testimony-add"]
        stored = s.store.testimony("T-1")
    # the custody events are links of the audit chain, and name no text and no witness
    assert all(e["entry_hash"] for e in entries)
    with editor(ws.root) as s:
        assert audit_service.verify(s).ok
    assert stored is not None and stored["intake_event"] == intake["event_id"]
    assert json.loads(intake["args"]) == {
        "kind": "interview", "source": "interview-1", "testimony": "T-1",
        "sha256": hashlib.sha256(INTERVIEW).hexdigest(), "level": "confidential",
    }  # fmt: skip
    text = json.dumps(entries, ensure_ascii=False, default=str)
    assert WITNESS not in text and "Тихой Заводи" not in text


def test_key_rotation_seals_testimonies_again(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "keys" / "own.key"))  # rotation moves it
    first = add(ws.root, INTERVIEW, witness=WITNESS)
    with editor(ws.root) as s:
        service.add_incident(s, "torture")
        service.involve(s, "I-1", "victim", actor="Пётр Выдуманный")
        old = (s.store.testimony_original("T-1")[1], s.store.testimony_witness_token("T-1"))
    with Session.open(ws.root, "admin") as s:
        result = protection.rotate_key(s)
    assert result["values_resealed"] == 3  # the original, the witness's name, the victim
    with editor(ws.root) as s:
        new = (s.store.testimony_original("T-1")[1], s.store.testimony_witness_token("T-1"))
        assert service.testimony_original(s, "T-1")["data"] == INTERVIEW
        assert service.incident(s, "I-1", protected=True)["involvements"][0]["actor_name"] == (
            "Пётр Выдуманный")  # fmt: skip
    assert all(a != b and is_token(b) for a, b in zip(old, new, strict=True))
    # the same witness keeps the same id under the new key
    assert add(ws.root, REPORT, kind="written_statement", source="letter", witness=WITNESS)[
        "witness_id"] == first["witness_id"]  # fmt: skip


def test_a_changed_original_is_detected(ws: Workspace) -> None:
    add(ws.root, REPORT, kind="media_report", source="gazette")
    with editor(ws.root) as s:
        assert service.verify_testimony(s, "T-1")["stored_matches"] is True
        # someone with the store file changes one byte of the kept original
        s.store.execute("UPDATE testimonies SET original_clear = ? WHERE id = 'T-1'",
                        [REPORT.replace("подвале".encode(), "сарае".encode())])  # fmt: skip
        assert service.verify_testimony(s, "T-1")["stored_matches"] is False
        with pytest.raises(InputError, match="T-1's original no longer matches its intake hash"):
            service.testimony_original(s, "T-1")
