"""Ingest throughput and memory on a 1,000,000-row CSV.

Measures ``unaccounted`` ingest (encoding detection, streaming read, staging, content
hashes, versioning, rejects, one transaction) against the named baseline
``duckdb_read_csv``: DuckDB's own multi-threaded CSV loader copying the same file into a
table as plain text, with none of the provenance work. Each run is a fresh process so its
peak RSS is its own. Targets: at least 100,000 rows/s and peak RSS under 1 GiB.

    python bench/ingest.py [--rows N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path

from common import machine, run_measured, write_result

SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Ооржак",
    "Шевченко",
    "Ковальчук",
    "Гарипов",
    "Магомедов",
]
GIVEN = [
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Иван",
    "Евгений",
    "Максим",
    "Михаил",
    "Николай",
    "Владимир",
    "Артём",
    "Роман",
    "Илья",
    "Айдыс",
    "Ринат",
]
UNITS = ["25 ОМСБр", "в/ч 12345", "155-я бригада морской пехоты", "1431 мсп", "ЧВК"]
STATUSES = ["погиб", "пропал без вести", "KIA", "MIA", "в плену", "груз 200"]

HEADER = (
    "record_id,full_name,birth_date,status,event_date,unit,region,hometown,url,published,callsign\n"
)


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    """A deterministic synthetic list: 11 columns, typical name and unit shapes."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(rows):
            name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} {rng.choice(GIVEN)}ович"
            fh.write(
                f"r{i},{name},{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}."
                f"{rng.randint(1960, 2005)},{rng.choice(STATUSES)},"
                f'2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"{rng.choice(UNITS)}",'
                f"Регион {rng.randint(1, 89)},Город {rng.randint(1, 999)},"
                f"https://example.org/p/{i},2024-01-0{rng.randint(1, 9)},\n"
            )


INGEST = """
from pathlib import Path
from unaccounted.workspace import Workspace
from unaccounted.ingest import IngestOptions, ingest_files
def run(ws_dir, csv_path):
    ws = Workspace.init(Path(ws_dir))
    report = ingest_files(ws, [Path(csv_path)], IngestOptions(source="bench", kind="other"))
    return {"accepted": report.accepted, "rejected": report.rejected}
"""

BASELINE = """
import duckdb
def run(db_path, csv_path):
    con = duckdb.connect(db_path, config={"memory_limit": "1GB", "threads": 2})
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}', all_varchar=true)")
    n = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return {"accepted": n, "rejected": 0}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="unaccounted-bench-"))
    try:
        csv_path = work / "list.csv"
        make_csv(csv_path, args.rows)
        size_mib = csv_path.stat().st_size / 2**20
        ours = run_measured(INGEST, str(work / "ws"), str(csv_path))
        base = run_measured(BASELINE, str(work / "baseline.duckdb"), str(csv_path))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for r in (ours, base):
        r["rows_per_second"] = round(args.rows / r["seconds"])
        r["seconds"] = round(r["seconds"], 2)
        r["peak_rss_mib"] = round(r["peak_rss_mib"], 1)
    result = {
        "benchmark": "ingest",
        "machine": machine(),
        "data": {"rows": args.rows, "columns": 11, "file_mib": round(size_mib, 1)},
        "unaccounted_ingest": ours,
        "baseline": {"name": "duckdb_read_csv", **base},
        "ratio_to_baseline": round(ours["seconds"] / base["seconds"], 2),
        "targets": {"rows_per_second": 100_000, "peak_rss_mib": 1024},
        "meets_targets": ours["rows_per_second"] >= 100_000 and ours["peak_rss_mib"] < 1024,
    }
    path = write_result("ingest", result)
    print(
        f"ingest: {ours['rows_per_second']:,} rows/s, peak {ours['peak_rss_mib']} MiB; "
        f"baseline duckdb_read_csv: {base['rows_per_second']:,} rows/s, "
        f"peak {base['peak_rss_mib']} MiB -> {path}"
    )


if __name__ == "__main__":
    main()
