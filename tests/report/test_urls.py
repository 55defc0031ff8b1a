"""A source's URL becomes a link in the report only for http, https or relative URLs."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import write_csv
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.ingest.mapping import Mapping
from unaccounted.normalize.stage import run_normalize
from unaccounted.report.html import write_report
from unaccounted.workspace import Workspace

HEADER = ["record_id", "full_name", "status", "event_date"]


def test_a_javascript_url_is_text_and_an_https_url_a_link(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    urls = {
        "evil": "javascript:alert(document.domain)",
        "tabbed": "java\tscript:alert(2)",
        "good": "https://example.org/list",
    }
    for name, url in urls.items():
        path = write_csv(tmp_path / f"{name}.csv", HEADER, [["r1", "Иванов Иван", "погиб", "2023"]])
        mapping = Mapping(source=name, kind="obituary", url=url)
        ingest_files(ws, [path], IngestOptions(mapping=mapping))
    run_normalize(ws)
    with ws.store() as store:
        clusters = [(f"P{i}", s, "r1") for i, s in enumerate(store.source_names())]
        store.load_clusters(clusters, "test")
    html = (write_report(ws, tmp_path / "report").parent / "sources.html").read_text("utf-8")
    hrefs = re.findall(r'<a href="([^"]*)" rel="noreferrer">', html)
    # Before: all three were links, the first two would run script in the reader's browser.
    assert hrefs == ["https://example.org/list"]
    # The refused URLs are still shown, as escaped text beside the source's name.
    assert 'evil <span class="url">javascript:alert(document.domain)</span>' in html
    assert 'tabbed <span class="url">java\tscript:alert(2)</span>' in html
