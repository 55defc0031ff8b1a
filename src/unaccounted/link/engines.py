"""Where Splink runs: its own in-memory DuckDB (the default) or pyspark in local mode.

An :class:`Engine` is the one seam between the linkage code and a Splink backend: it
loads an Arrow table as a named table, makes a linker over it, runs a counting query
and hands a prediction back as Arrow. The model is the same on both engines: the
comparisons' conditions are written in DuckDB's SQL (``comparisons.py``) and the Spark
engine transpiles them with sqlglot, mapping the two functions whose names differ
(Jaro-Winkler is Splink's similarity UDF on Spark; ``list_has_any`` is
``arrays_overlap``). Everything after the prediction (levels, clustering) runs on the
Arrow result, so it does not depend on the engine.
"""

from __future__ import annotations

import atexit
import copy
import logging
import os
import re
import shutil
import sys
import tempfile
import uuid
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from unaccounted.errors import InputError
from unaccounted.settings import LinkSettings

log = logging.getLogger(__name__)

SPARK_INSTALL = "pip install 'unaccounted[spark]'"
JAVA_INSTALL = (
    "install a Java runtime 17 or newer (Debian/Ubuntu: apt-get install "
    "openjdk-17-jre-headless; scripts/system-deps.sh does it) or set JAVA_HOME"
)


#: Splink's check of the settings' column names, which only logs what it finds: the
#: settings are made here, over the link input's own columns (tests cover every one), and
#: the check parses every condition again for each of a run's eight linkers (about 0.13 s
#: each at every size).
_VALIDATE = False


class Engine(Protocol):
    name: str

    def load(self, table: pa.Table, name: str) -> None:
        """Make ``table`` available to linkers as ``name`` (replacing any table of that name)."""

    def linker(self, settings: dict[str, Any], table: str) -> Any:
        """A Splink linker over the loaded table ``table``."""

    def blocked_pairs(self, linker: Any, table: pa.Table, name: str) -> None:
        """Load ``table`` (match_key, join_key_l, join_key_r) as ``name`` and make it the
        pairs ``linker`` scores instead of blocking."""

    def drop(self, name: str) -> None:
        """Forget the loaded table ``name``."""

    def unordered(self) -> None:
        """Results need not keep row order from now on (less memory where that matters)."""

    def scalar(self, sql: str) -> Any:
        """The single value of a query over loaded tables (SQL common to both dialects)."""

    def query(self, sql: str) -> pa.Table:
        """The result of a query over loaded tables (written in DuckDB's SQL), as Arrow."""

    def pairs(self, sdf: Any, columns: list[str]) -> pa.Table:
        """``columns`` of a Splink prediction, as Arrow."""

    def saved(self, linker: Any) -> dict[str, Any]:
        """A linker's trained settings with their SQL in DuckDB's dialect (as stored)."""

    def close(self) -> None: ...


class DuckDBEngine:
    """Splink on a private in-memory DuckDB connection (never the workspace store)."""

    name = "duckdb"

    def __init__(self, cfg: LinkSettings) -> None:
        self.con = duckdb.connect(config={"threads": cfg.threads, "memory_limit": cfg.memory_limit})

    def load(self, table: pa.Table, name: str) -> None:
        self.con.register("engine_load_arrow", table)
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM engine_load_arrow")
        finally:
            self.con.unregister("engine_load_arrow")

    def linker(self, settings: dict[str, Any], table: str) -> Any:
        from splink import DuckDBAPI, Linker

        db_api = DuckDBAPI(self.con)
        return Linker(db_api.register(table), copy.deepcopy(settings), log_level=logging.WARNING,
                      validate_settings=_VALIDATE)  # fmt: skip

    def blocked_pairs(self, linker: Any, table: pa.Table, name: str) -> None:
        from splink import DuckDBAPI

        self.load(table, name)
        linker.table_management.register_blocked_pairs_for_predict(
            DuckDBAPI(self.con).register(name)
        )

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def unordered(self) -> None:
        # Without insertion order DuckDB writes large results with less memory.
        self.con.execute("SET preserve_insertion_order = false")

    def scalar(self, sql: str) -> Any:
        rows = self.con.execute(sql).fetchall()
        return rows[0][0] if rows else None

    def query(self, sql: str) -> pa.Table:
        result: pa.Table = self.con.sql(sql).to_arrow_table()
        return result

    def pairs(self, sdf: Any, columns: list[str]) -> pa.Table:
        cols = ", ".join(columns)
        result: pa.Table = self.con.sql(f"SELECT {cols} FROM {sdf.physical_name}").to_arrow_table()
        return result

    def saved(self, linker: Any) -> dict[str, Any]:
        saved: dict[str, Any] = linker.misc.save_model_to_json()
        return saved

    def close(self) -> None:
        self.con.close()


class SparkEngine:
    """Splink on pyspark in local mode, one session per process (started on first use)."""

    name = "spark"

    def __init__(self, cfg: LinkSettings) -> None:
        self.spark = spark_session(cfg)
        self.cfg = cfg
        self.views: list[str] = []

    def load(self, table: pa.Table, name: str) -> None:
        # Through a Parquet file, not the py4j socket: Spark reads it in parallel and the
        # table is never copied into the JVM's heap at once.
        import pyarrow.parquet as pq

        path = os.path.join(_scratch or tempfile.gettempdir(), f"{name}-{uuid.uuid4().hex}")
        pq.write_table(table, path)
        self.spark.read.parquet(path).createOrReplaceTempView(name)
        self.views.append(name)

    def _api(self) -> Any:
        from splink import SparkAPI

        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=self.spark,
            # Persisted MEMORY_AND_DISK (spills when memory is short); on a 4,839-record
            # world, scoring took 22 s this way against 82 s with Splink's Parquet default.
            break_lineage_method="persist",
            num_partitions_on_repartition=max(2, 2 * self.cfg.threads),
        )

    def linker(self, settings: dict[str, Any], table: str) -> Any:
        from splink import Linker

        linker: Any = Linker(
            self._api().register(table), spark_dialect(settings), log_level=logging.WARNING,
            validate_settings=_VALIDATE,
        )  # fmt: skip
        linker.unaccounted_settings = copy.deepcopy(settings)  # what saved() restores
        return linker

    def blocked_pairs(self, linker: Any, table: pa.Table, name: str) -> None:
        self.load(table, name)
        linker.table_management.register_blocked_pairs_for_predict(self._api().register(name))

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        if name in self.views:
            self.views.remove(name)

    def unordered(self) -> None:
        pass

    def scalar(self, sql: str) -> Any:
        rows = self.spark.sql(sql).collect()
        return rows[0][0] if rows else None

    def query(self, sql: str) -> pa.Table:
        result: pa.Table = self.spark.sql(to_spark_sql(sql)).toArrow()
        return result

    def pairs(self, sdf: Any, columns: list[str]) -> pa.Table:
        result: pa.Table = sdf.as_spark_dataframe().select(*columns).toArrow()
        return result

    def saved(self, linker: Any) -> dict[str, Any]:
        return duckdb_dialect(linker.misc.save_model_to_json(), linker.unaccounted_settings)

    def close(self) -> None:
        for name in self.views:
            self.spark.catalog.dropTempView(name)
        self.views.clear()


def open_engine(cfg: LinkSettings) -> Engine:
    """The engine named by ``cfg.engine``; a one-line error when it cannot run here."""
    if cfg.engine == "spark":
        return SparkEngine(cfg)
    return DuckDBEngine(cfg)


# --- the DuckDB-written model on Spark ------------------------------------------------

_JW = re.compile(r"\bjaro_winkler_similarity\(", re.IGNORECASE)
_HAS_ANY = re.compile(r"\blist_has_any\(", re.IGNORECASE)


def to_spark_sql(condition: str) -> str:
    """A comparison level's DuckDB condition in Spark SQL (``ELSE`` stays ``ELSE``)."""
    import sqlglot

    if condition.strip().upper() == "ELSE":
        return condition
    # Splink's Spark jar registers Jaro-Winkler as jaro_winkler; sqlglot has no mapping
    # for either function, so both are renamed before parsing (as opaque calls).
    sql = _JW.sub("splink_jaro_winkler(", condition)
    sql = _HAS_ANY.sub("splink_arrays_overlap(", sql)
    out: str = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    out = re.sub(r"\bSPLINK_JARO_WINKLER\(", "jaro_winkler(", out, flags=re.IGNORECASE)
    return re.sub(r"\bSPLINK_ARRAYS_OVERLAP\(", "arrays_overlap(", out, flags=re.IGNORECASE)


def spark_dialect(settings: dict[str, Any]) -> dict[str, Any]:
    """Splink settings whose custom SQL is in Spark's dialect."""
    out = copy.deepcopy(settings)
    out.pop("sql_dialect", None)
    for comp in out.get("comparisons", []):
        for level in comp["comparison_levels"]:
            level["sql_condition"] = to_spark_sql(level["sql_condition"])
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, dict) and rule.get("sql_dialect") == "duckdb":
            rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
            rule["sql_dialect"] = "spark"
    return out


def duckdb_dialect(saved: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Trained settings from a Spark linker with the SQL of the settings it was given."""
    out = copy.deepcopy(saved)
    conditions = {
        c["output_column_name"]: [lv["sql_condition"] for lv in c["comparison_levels"]]
        for c in given.get("comparisons", [])
    }
    for comp in out.get("comparisons", []):
        for level, sql in zip(comp["comparison_levels"], conditions[comp["output_column_name"]],
                              strict=True):  # fmt: skip
            level["sql_condition"] = sql
    if "blocking_rules_to_generate_predictions" in given:
        out["blocking_rules_to_generate_predictions"] = copy.deepcopy(
            given["blocking_rules_to_generate_predictions"]
        )
    out["sql_dialect"] = "duckdb"
    return out


# --- the Spark session ------------------------------------------------------------------

_session: Any = None
_scratch: str | None = None


def java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return True
    return shutil.which("java") is not None


def _driver_memory(limit: str) -> str:
    """DuckDB's memory_limit ("3GB", "512MB") as a JVM size ("3g", "512m")."""
    m = re.fullmatch(r"\s*(\d+)\s*([KMGT])i?B?\s*", limit, re.IGNORECASE)
    return f"{m.group(1)}{m.group(2).lower()}" if m else "2g"


def spark_session(cfg: LinkSettings) -> Any:
    """The process's local SparkSession with Splink's similarity functions; offline.

    Started once (a JVM takes seconds to start) and reused by later runs.
    """
    global _session, _scratch
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise InputError(
            f"link engine 'spark' needs pyspark, which is not installed ({exc.name}): "
            f"{SPARK_INSTALL}"
        ) from exc
    if _session is not None:
        return _session
    if not java_available():
        raise InputError(
            f"link engine 'spark' needs Java, which is not on the PATH: {JAVA_INSTALL}"
        )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: no network needed
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # Spark's Python workers: ours
    _scratch = tempfile.mkdtemp(prefix="unaccounted-spark-")
    atexit.register(shutil.rmtree, _scratch, True)
    builder = (
        SparkSession.builder.master(f"local[{cfg.threads}]")
        .appName("unaccounted-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", _driver_memory(cfg.memory_limit))
        .config("spark.sql.shuffle.partitions", str(max(2, 2 * cfg.threads)))
        .config("spark.default.parallelism", str(max(2, 2 * cfg.threads)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.local.dir", _scratch)
        .config("spark.sql.warehouse.dir", os.path.join(_scratch, "warehouse"))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM could not start: say why in one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"link engine 'spark' could not start Spark: {first}") from exc
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(os.path.join(_scratch, "checkpoints"))
    _session = session
    return session
