"""Small literal testimonies written for the tests (invented people and places), and a
workspace with accounts of every role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from unaccounted.service import RolePermissions, Session
from unaccounted.service import testimonies as service

ROLES = RolePermissions({"vera": "viewer", "rita": "reviewer", "ed": "editor"})

#: An interview (confidential by default): must never be in the store file in the clear.
INTERVIEW = (
    "Меня задержали 3 марта и держали в подвале склада у Тихой Заводи две недели. "
    "Каждый день били. Командир роты Сомов требовал двести тысяч за перевод в тыл.\n"
).encode()
#: A witness's name (invented): never in the store in the clear.
WITNESS = "Ефросинья Тестовая-Небывалая"
#: A media report (public by default) about the same basement.
REPORT = (
    "По словам родственников, военнослужащих удерживали в подвале склада в Тихой Заводи. "
    "Один из них сообщил, что его заставили подписать отказ от жалоб.\n"
).encode()


def editor(ws_root: Path) -> Session:
    return Session.open(ws_root, "ed", permissions=ROLES)


def add(ws_root: Path, data: bytes, **facts: Any) -> dict[str, Any]:
    """Take in ``data`` as the editor, with defaults for what the test does not care about."""
    facts = {"kind": "interview", "source": "interview-1", "language": "ru", **facts}
    with editor(ws_root) as s:
        return service.add_testimony(s, data, **facts)
