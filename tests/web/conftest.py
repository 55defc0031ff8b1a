"""A small simulated workspace, linked, with one hostile source, for the web tests.

The world is built once per session (300 simulated persons, about 20 s) and copied for
each test that writes. Its link settings put the match threshold high so that the review
queue holds pairs of records that are still different persons (the queue offers only
those). The hostile source writes script, image and ``javascript:`` payloads into every
text field, to check that every page renders them inert.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web tests need the 'web' extra")

from fastapi.testclient import TestClient

from unaccounted.ingest import IngestOptions, load_mapping
from unaccounted.service import Session, link
from unaccounted.service import ingest as ingest_service
from unaccounted.settings import Settings
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import simulate
from unaccounted.web.app import create_app
from unaccounted.workspace import Workspace

PERSONS, SEED = 300, 7
SCRIPT = "<script>alert('x')</script>"
IMAGE = '<img src=x onerror="alert(1)">'
JS_URL = "javascript:alert(document.cookie)"
#: Every payload that must never reach a page as markup.
PAYLOADS = (SCRIPT, IMAGE)
HOSTILE_SOURCE = f"Hostile {SCRIPT}"
HOSTILE_CSV = (
    "record_id,full_name,birth_date,status,event_date,event_place,unit,rank,category,region,"
    "hometown,url,quote,published,note\n"
    f'x1,"{SCRIPT} Иванов",1990,killed,2023-01-05,"{IMAGE}","{SCRIPT}","{IMAGE}","{SCRIPT}",'
    f'"{IMAGE}","{SCRIPT}",{JS_URL},"{IMAGE} {SCRIPT}",2023-01-09,"{SCRIPT}"\n'
    f'x2,"{IMAGE} Петров",1991,missing,2023-02-05,,,,,,,{JS_URL},"{SCRIPT}",2023-02-09,\n'
)
HOSTILE_MAPPING = yaml.safe_dump(
    {
        "source": HOSTILE_SOURCE,
        "kind": "news",
        "publisher": IMAGE,
        "url": JS_URL,
        "independence_group": f"grp {SCRIPT}",
    }
)


@dataclass
class World:
    root: Path
    ws: Path
    sim: Path


def settings() -> Settings:
    base = Settings()
    link = base.link.model_copy(
        update={"match_threshold": 0.97, "review_low": 0.05, "review_high": 0.97}
    )
    return base.model_copy(update={"link": link})


def write_hostile(folder: Path) -> tuple[Path, Path]:
    data, mapping = folder / "hostile.csv", folder / "hostile.yaml"
    data.write_text(HOSTILE_CSV, "utf-8")
    mapping.write_text(HOSTILE_MAPPING, "utf-8")
    return data, mapping


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("web-world")
    simulate(load_config(None), PERSONS, SEED, root / "sim")
    ws = Workspace.init(root / "ws", settings())
    data, mapping = write_hostile(root)
    # through the service, as a user would: its writes keep the search index current
    with Session.open(ws.root, "builder") as s:
        ingest_service.ingest_simulated_folder(s, root / "sim" / "sources")
        ingest_service.ingest(s, [data], IngestOptions(mapping=load_mapping(mapping)))
        link.normalize(s)
        link.link(s)
    return World(root, root / "ws", root / "sim")


@pytest.fixture
def workspace(world: World, tmp_path: Path) -> Path:
    """A copy of the world's workspace that a test may change."""
    return Path(shutil.copytree(world.ws, tmp_path / "ws"))


def with_csrf(client: TestClient) -> TestClient:
    """Send the session's CSRF token with every request, as the pages' forms and scripts
    do (the token comes from ``/api/session``, which also sets the session cookie)."""
    client.headers.pop("X-CSRF-Token", None)
    client.headers["X-CSRF-Token"] = client.get("/api/session").json()["csrf"]
    return client


@pytest.fixture
def client(workspace: Path) -> Iterator[TestClient]:
    with TestClient(create_app(workspace, "tester")) as c:
        yield with_csrf(c)


@pytest.fixture(scope="module")
def reader(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client for tests that only read (one copy per module)."""
    ws = Path(shutil.copytree(world.ws, tmp_path_factory.mktemp("web-read") / "ws"))
    with TestClient(create_app(ws, "reader")) as c:
        yield with_csrf(c)
