"""A small literal workspace for the publication tests: four sources, seven persons.

Protected values are planted as markers — in ``url`` and ``quote``, in extra ``contact`` and
``witness`` columns, in the record ids, and in every field of the confidential source — so
a test can scan the memorial site's bytes for each of them. One name carries a script.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_csv
from unaccounted.ingest import IngestOptions
from unaccounted.service import Session, link, persons
from unaccounted.service import ingest as ingest_service
from unaccounted.store import Store
from unaccounted.workspace import Workspace

XSS = "<script>alert('x')</script>"
HEADER = ["record_id", "full_name", "birth_date", "status", "unit", "region", "event_date",
          "published", "url", "quote", "contact", "witness"]  # fmt: skip
_OPEN = ["https://example.org/MARKERURL", "MARKERQUOTE", "MARKERCONTACT", "MARKERWITNESS"]
MOD = [  # official
    ["RIDMOD1", "Иванов Иван Иванович", "", "погиб", "102 ОМСБр", "Курская обл.", "2023-05-01",
     "2023-05-20", *_OPEN],
    ["RIDMOD2", "Петров Пётр Петрович", "", "погиб", "в/ч 52548", "Курская обл.", "2023-06-02",
     "2023-06-10", *_OPEN],
    ["RIDMOD3", "Сидоров Семён", "", "ранен", "102 ОМСБр", "Брянская обл.", "2023-07-03",
     "2023-07-09", *_OPEN],
]  # fmt: skip
OBITS = [  # obituary
    ["RIDOBI1", "Иванов Иван", "", "погиб", "102-я бригада", "Курская обл.", "2023-05-01",
     "2023-05-05", *_OPEN],
    ["RIDOBI2", "Петров Пётр", "", "погиб", "102 ОМСБр", "Курская обл.", "2023-06", "2023-06-08",
     *_OPEN],
    ["RIDOBI4", "Кузнецов Олег", "", "погиб", "", "Белгородская обл.", "2023-08-11",
     "2023-08-20", *_OPEN],
    ["RIDOBI7", f"{XSS} Волков Артём", "", "погиб", "", "Курская обл.", "2023-09-01",
     "2023-09-03", *_OPEN],
]  # fmt: skip
SOCIAL = [  # social: one unverified person
    ["RIDSOC5", "Смирнов Андрей", "", "погиб", "", "Курская обл.", "2023-10-01", "2023-10-02",
     *_OPEN],
]  # fmt: skip
SECRET = [  # roster, confidential: everything in it is a marker
    ["RIDSEC1", "Иванов Иван Тайнович", "1977-07-07", "погиб", "SECRETUNIT",
     "Тамбовская обл.", "2023-04-30", "2023-05-02", "https://example.org/SECRETURL",
     "SECRETQUOTE", "SECRETCONTACT", "SECRETWITNESS"],
    ["RIDSEC6", "Тайнов Скрытый Петрович", "1966-06-06", "погиб", "SECRETUNIT",
     "Тамбовская обл.", "2023-03-03", "2023-03-04", "https://example.org/SECRETURL",
     "SECRETQUOTE", "SECRETCONTACT", "SECRETWITNESS"],
]  # fmt: skip
CLUSTERS = [
    ("P1", "mod", "RIDMOD1"), ("P1", "obits", "RIDOBI1"), ("P1", "secret", "RIDSEC1"),
    ("P2", "mod", "RIDMOD2"), ("P2", "obits", "RIDOBI2"),
    ("P3", "mod", "RIDMOD3"),
    ("P4", "obits", "RIDOBI4"),
    ("P5", "social", "RIDSOC5"),
    ("P6", "secret", "RIDSEC6"),
    ("P7", "obits", "RIDOBI7"),
]  # fmt: skip
#: Published by the default rule (grade probable or better, not confidential only).
PUBLISHED = frozenset({"P1", "P2", "P4", "P7"})
#: Grades by person (the default grading rules).
GRADES = {"P1": "confirmed", "P2": "confirmed", "P3": "rejected", "P4": "probable",
          "P5": "unverified", "P6": "probable", "P7": "probable"}  # fmt: skip
#: Text that must never reach the memorial site.
MARKERS = (
    "MARKERURL", "MARKERQUOTE", "MARKERCONTACT", "MARKERWITNESS", "example.org", "SECRET",
    "Тайнович", "тайнович", "tainovic", "Тайнов", "тайнов", "Скрытый", "1977-07-07",
    "1966-06-06", "Тамбовская", "RIDMOD", "RIDOBI", "RIDSEC", "RIDSOC",
)  # fmt: skip


def mark_confidential(store: Store, source: str) -> None:
    """Mark a source confidential in the store (its ``sources.confidential`` flag only; the
    service's ``sources confidential`` also seals its values)."""
    store.set_confidential(source, True)


def build(folder: Path) -> Workspace:
    """Ingested, normalized, clustered as :data:`CLUSTERS`, 'secret' marked confidential."""
    ws = Workspace.init(folder / "ws")
    with Session.open(ws.root, "builder") as s:
        sources = (("mod", "official", MOD), ("obits", "obituary", OBITS),
                   ("social", "social", SOCIAL), ("secret", "roster", SECRET))  # fmt: skip
        for name, kind, rows in sources:
            path = write_csv(folder / f"{name}.csv", HEADER, rows)
            ingest_service.ingest(s, [path], IngestOptions(source=name, kind=kind))
        link.normalize(s)
        persons.load_clusters(s, CLUSTERS, "clusters")
    with ws.store() as store:
        mark_confidential(store, "secret")
        store.checkpoint()
    return ws
