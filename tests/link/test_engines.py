"""The engine seam: the DuckDB-written model in Spark SQL, extra-column blocking, and the
one-line errors when Spark cannot run (no JVM is started here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pytest

from unaccounted.errors import InputError
from unaccounted.link import engines
from unaccounted.link.comparisons import standard_comparisons
from unaccounted.link.engines import DuckDBEngine, duckdb_dialect, spark_dialect, to_spark_sql
from unaccounted.link.model import INPUT_TABLE, extra_blocking_rules, load_input, splink_settings
from unaccounted.settings import LinkSettings

from ..conftest import run_subprocess, write_csv


@pytest.mark.parametrize(
    ("duckdb_sql", "spark_sql"),
    [
        # Splink's Spark jar names Jaro-Winkler jaro_winkler; DuckDB double-quotes names.
        ('jaro_winkler_similarity("surname_key_l", "surname_key_r") >= 0.92',
         "jaro_winkler(`surname_key_l`, `surname_key_r`) >= 0.92"),
        ('list_has_any("given_candidates_l", "given_candidates_r")',
         "arrays_overlap(`given_candidates_l`, `given_candidates_r`)"),
        ("abs(datediff('day', \"birth_lo_l\", \"birth_lo_r\")) <= 730",
         "ABS(DATEDIFF(DAY, `birth_lo_l`, `birth_lo_r`)) <= 730"),
        ('"event_lo_l" <= "event_hi_r" + 3', "`event_lo_l` <= `event_hi_r` + 3"),
        ("ELSE", "ELSE"),
    ],
)  # fmt: skip
def test_levels_are_transpiled_to_spark(duckdb_sql: str, spark_sql: str) -> None:
    assert to_spark_sql(duckdb_sql) == spark_sql


def test_every_standard_level_transpiles_and_maps_back() -> None:
    settings = splink_settings(standard_comparisons(("soc_sec_id",)))
    spark = spark_dialect(settings)
    levels = [lv for c in spark["comparisons"] for lv in c["comparison_levels"]]
    conditions = [lv["sql_condition"] for lv in levels]
    # No DuckDB-only spelling is left: double quotes, list_has_any, jaro_winkler_similarity.
    assert not [c for c in conditions if '"' in c or "list_has_any" in c or "similarity" in c]
    assert spark["blocking_rules_to_generate_predictions"][0] == {
        "blocking_rule": "l.name_block = r.name_block AND l.birth_year_lo = r.birth_year_lo"
        " AND (l.given_key = r.given_key OR l.given_key IS NULL OR r.given_key IS NULL"
        " OR l.given_ambiguous OR r.given_ambiguous)",
        "sql_dialect": "spark",
    }
    # What a Spark linker saves is stored with the SQL it was given (DuckDB's).
    back = duckdb_dialect(spark, settings)
    assert back["comparisons"] == settings["comparisons"]
    assert (
        back["blocking_rules_to_generate_predictions"]
        == (settings["blocking_rules_to_generate_predictions"])
    )


def test_selective_extra_columns_block_and_others_do_not() -> None:
    n = 40
    table = pa.table({
        "unique_id": list(range(1, n + 1)),
        # an identifier: 20 values, each twice → 20 pairs (0.5 per record): blocks
        "passport": [f"P{i // 2}" for i in range(n)],
        # yes/no: 2 × C(20, 2) = 380 pairs (9.5 per record): blocks, just
        "flag": ["y" if i % 2 else "n" for i in range(n)],
        # one value for all: C(40, 2) = 780 pairs (19.5 per record): too many
        "country": ["x"] * n,
    })  # fmt: skip
    engine = DuckDBEngine(LinkSettings())
    try:
        load_input(engine, table)
        comps = standard_comparisons(("passport", "flag", "country"))
        assert extra_blocking_rules(engine, n, comps) == [
            "l.passport = r.passport",
            "l.flag = r.flag",
        ]
        assert engine.scalar(f"SELECT count(*) FROM {INPUT_TABLE}") == n
    finally:
        engine.close()


def test_missing_pyspark_is_one_line_with_the_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    monkeypatch.setattr(engines, "_session", None)
    with pytest.raises(InputError) as err:
        engines.open_engine(LinkSettings(engine="spark"))
    assert str(err.value) == (
        "link engine 'spark' needs pyspark, which is not installed (pyspark.sql): "
        "pip install 'unaccounted[spark]'"
    )


def test_missing_java_is_one_line_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("pyspark")  # without it, the pyspark message above comes first
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # no java on it
    monkeypatch.delenv("JAVA_HOME", raising=False)
    path = write_csv(tmp_path / "r.csv", ["record_id", "full_name"], [["1", "Иванов Иван"]])
    result = run_subprocess("dedupe", str(path), "--out", str(tmp_path / "o.csv"),
                            "--engine", "spark")  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: link engine 'spark' needs Java, which is not on the PATH: install a Java "
        "runtime 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; "
        "scripts/system-deps.sh does it) or set JAVA_HOME"
    ]
    assert not (tmp_path / "o.csv").exists()  # nothing half-written
