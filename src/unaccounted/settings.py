"""Every workspace setting, with its default and help text, in one place.

A workspace's ``unaccounted.toml`` holds these sections; a missing key takes its default,
an unknown key is an error (a typo must not silently fall back to a default).
``settings_reference()`` lists them for the docs and ``unaccounted init``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from unaccounted.errors import WorkspaceError
from unaccounted.yamlfile import describe_validation_error


def _inside_workspace(value: str) -> str:
    """A path setting must name a place inside the workspace: relative, without '..'."""
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute():
        raise ValueError(f"{value!r} is absolute; give a path relative to the workspace")
    if ".." in parts:
        raise ValueError(f"{value!r} leads outside the workspace; remove the '..'")
    return value


#: A path relative to the workspace folder that cannot lead out of it.
WorkspacePath = Annotated[str, AfterValidator(_inside_workspace)]


def _umask(value: str) -> str:
    """A umask as three octal digits (``077``): the permissions new files must not get."""
    text = value.strip()
    if not (1 <= len(text) <= 4 and all(c in "01234567" for c in text)):
        raise ValueError(f"{value!r} is not a umask; give octal digits such as '077' or '022'")
    return text.zfill(3)


#: A umask written in octal, as the shell's ``umask`` prints it.
Umask = Annotated[str, AfterValidator(_umask)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class StoreSettings(_Section):
    engine: Literal["duckdb"] = Field(
        "duckdb", description="Store engine. The embedded default is one DuckDB file."
    )
    path: WorkspacePath = Field(
        "unaccounted.duckdb", description="Store file, relative to the workspace folder."
    )
    memory_limit: str = Field(
        "25%",
        description=(
            "Most memory the store may use before spilling to disk (DuckDB syntax: a size"
            " such as 2GB, or a share of the machine's memory such as 25%)."
        ),
    )
    threads: int = Field(2, ge=1, description="Worker threads the store may use.")
    umask: Umask = Field(
        "077",
        description="Permissions withheld from every file and folder a command creates (the "
        "store, archive copies, exports, the report), in octal: '077' makes them owner-only "
        "(0600 files, 0700 folders); '027' lets the owner's group read them.",
    )

    @property
    def umask_bits(self) -> int:
        return int(self.umask, 8)


class IngestSettings(_Section):
    batch_rows: int = Field(
        50_000, ge=1, description="Rows read and staged at a time; bounds ingest memory."
    )
    archive: bool = Field(
        False,
        description="Always copy ingested files into the workspace archive (as --archive).",
    )
    encoding_sample_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="Bytes read from the start of a text file to detect its encoding and dialect.",
    )
    # What one input file may cost (unaccounted.ingest.limits): a file over a limit is
    # refused whole with a one-line error naming the setting that raises it.
    max_columns: int = Field(
        1_000,
        ge=1,
        description="Most columns a file (or sheet) may have: header cells or JSON keys.",
    )
    max_cell_chars: int = Field(
        1_000_000, ge=1, description="Most characters in one cell of any input file."
    )
    json_max_depth: int = Field(
        64, ge=1, le=500, description="Deepest nesting of arrays and objects in a JSON value."
    )
    xlsx_max_sheets: int = Field(100, ge=1, description="Most sheets in an XLSX workbook.")
    xlsx_max_cells: int = Field(
        50_000_000,
        ge=1,
        description=(
            "Most cells of one XLSX sheet: its declared rows times columns, and the cells "
            "actually read, empty ones included."
        ),
    )
    xlsx_max_unpacked_bytes: int = Field(
        1 << 30,
        ge=1,
        description="Most bytes an XLSX workbook may unpack to, read from its zip directory "
        "before anything is unpacked.",
    )
    xlsx_max_shared_strings_bytes: int = Field(
        256 << 20,
        ge=1,
        description="Most bytes of an XLSX workbook's shared strings (loaded whole into memory).",
    )


class NormalizeSettings(_Section):
    locale: str = Field(
        "ru",
        description="Language pack that reads names, dates, units and regions (e.g. 'ru').",
    )
    pack_dir: WorkspacePath = Field(
        "",
        description=(
            "Folder (relative to the workspace) of CSV files whose rows are added to the "
            "language pack's tables of the same name: your units, aliases, diminutives. "
            "Empty: none."
        ),
    )
    date_order: Literal["auto", "dmy", "mdy", "keep"] = Field(
        "auto",
        description=(
            "How to read NN/NN/YYYY dates whose day and month could be swapped: 'auto' "
            "(per source, from its unambiguous dates), 'dmy', 'mdy', or 'keep' both readings."
        ),
    )
    batch_rows: int = Field(
        50_000, ge=1, description="Records normalized and written at a time; bounds memory."
    )
    workers: int = Field(
        0,
        ge=0,
        description=(
            "Processes that normalize in parallel, for runs of 100,000 records or more: 0 "
            "for one per core (up to 4), 1 (this process only), or N. Batches go to the "
            "workers and back as Arrow; each worker loads the language pack (about a second)."
        ),
    )


class LinkSettings(_Section):
    engine: Literal["duckdb", "spark"] = Field(
        "duckdb",
        description="Where Splink runs: 'duckdb' (embedded) or 'spark' (pyspark local mode).",
    )
    match_threshold: float = Field(
        0.5,
        gt=0,
        lt=1,
        description=(
            "Two groups of records join into one person when the average match probability "
            "of all their scored record pairs reaches this."
        ),
    )
    candidate_threshold: float = Field(
        0.3,
        gt=0,
        lt=1,
        description=(
            "Pairs at or above this probability gather records into candidate groups, "
            "inside which every pair is scored before clustering."
        ),
    )
    review_low: float = Field(
        0.2, ge=0, le=1, description="Lower bound of the review band (match probability)."
    )
    review_high: float = Field(
        0.8, ge=0, le=1, description="Upper bound of the review band (match probability)."
    )
    conflict_kinds: list[str] = Field(
        default_factory=lambda: ["official", "roster", "court", "memorial_list"],
        description=(
            "Source kinds that list a person once: two of their records with different "
            "exact birth dates are never one person."
        ),
    )
    u_max_pairs: int = Field(
        1_000_000, ge=1000, description="Random record pairs sampled to estimate u values."
    )
    em_max_pairs: int = Field(
        250_000,
        ge=1000,
        description="Most blocked pairs one expectation-maximisation session trains on.",
    )
    em_min_pairs: int = Field(
        50,
        ge=1,
        description="A training block with fewer pairs than this is not used for training.",
    )
    max_group_pairs: int = Field(
        5_000,
        ge=1,
        description=(
            "Candidate groups with more record pairs than this are clustered from their "
            "strong links alone instead of every pair."
        ),
    )
    seed: int = Field(42, description="Seed of the random sampling in training.")
    retrain_share: float = Field(
        0.2,
        gt=0,
        description=(
            "An incremental link run trains a new model (and scores every pair again) once "
            "the records new, changed or gone since the saved model was trained exceed "
            "this share of the records it was trained on."
        ),
    )
    memory_limit: str = Field(
        "3GB",
        description=(
            "Most memory Splink's own DuckDB may use before spilling to disk (on Spark: "
            "the driver's memory)."
        ),
    )
    threads: int = Field(
        2, ge=1, description="Worker threads Splink's DuckDB may use (on Spark: local cores)."
    )


class ResolveSettings(_Section):
    rules_file: WorkspacePath = Field(
        "grading_rules.yaml",
        description=(
            "Corroboration grading rules (YAML, relative to the workspace); the default "
            "is copied there on first use and may be edited (docs/resolve.md)."
        ),
    )
    alias_min_support: int = Field(
        2,
        ge=1,
        description="Persons whose records must name two unit spellings before they are "
        "inferred to be aliases of one unit.",
    )
    alias_min_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of a spelling's persons (with another unit spelling) that must "
        "name the other spelling before the two are inferred to be aliases.",
    )
    concealment_min_missing: int = Field(
        5,
        ge=1,
        description="Officially missing persons a unit needs before the concealment report "
        "ranks it; fewer: listed as too little data.",
    )
    concealment_fdr: float = Field(
        0.05,
        gt=0,
        lt=1,
        description="False discovery rate (Benjamini-Hochberg) at which the concealment "
        "report flags a unit.",
    )


class ProtectionSettings(_Section):
    columns: list[str] = Field(
        default_factory=lambda: ["url", "quote", "contact", "witness"],
        description="Columns whose values are encrypted at rest and shown only to roles "
        "allowed to see protected fields (a mapping may protect more with 'protected: true').",
    )
    key_file: str = Field(
        "",
        description="File holding the protection key, outside the workspace (an absolute "
        "path). Empty: $UNACCOUNTED_KEY, else $UNACCOUNTED_KEY_FILE, else "
        "~/.config/unaccounted/keys/<workspace id>.key.",
    )


class WebSettings(_Section):
    session_hours: float = Field(
        12, gt=0, description="Hours a web sign-in lasts before the user must sign in again."
    )
    login_attempts: int = Field(
        5, ge=1, description="Failed sign-ins in a row after which an account is locked."
    )
    lockout_minutes: float = Field(
        15, gt=0, description="Minutes an account stays locked after too many failed sign-ins."
    )
    public: bool = Field(
        False,
        description="Let visitors who are not signed in read published persons as viewers "
        "(false: every page asks for a sign-in once the workspace has accounts).",
    )


class Settings(_Section):
    store: StoreSettings = Field(default_factory=lambda: StoreSettings())
    ingest: IngestSettings = Field(default_factory=lambda: IngestSettings())
    normalize: NormalizeSettings = Field(default_factory=lambda: NormalizeSettings())
    resolve: ResolveSettings = Field(default_factory=lambda: ResolveSettings())
    link: LinkSettings = Field(default_factory=lambda: LinkSettings())
    protection: ProtectionSettings = Field(default_factory=lambda: ProtectionSettings())
    web: WebSettings = Field(default_factory=lambda: WebSettings())


def load_settings(path: Path) -> Settings:
    """Read a workspace's ``unaccounted.toml``; one-line error on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"cannot read {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{path} is not valid TOML: {exc}") from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        where, message = describe_validation_error(exc)
        raise WorkspaceError(f"{path}: setting '{where}': {message}") from exc


def dump_settings(settings: Settings) -> str:
    """The TOML text of a settings object, every setting written out with its help."""
    lines = ["# unaccounted workspace settings; every key is documented in docs/settings.md", ""]
    data = settings.model_dump()
    for section, fields in data.items():
        lines.append(f"[{section}]")
        for name, value in fields.items():
            help_text = _field_help(section, name)
            lines.append(f"# {help_text}")
            lines.append(tomli_w.dumps({name: value}).strip())
        lines.append("")
    return "\n".join(lines)


def _field_help(section: str, name: str) -> str:
    model = Settings.model_fields[section].annotation
    assert isinstance(model, type) and issubclass(model, BaseModel)
    return model.model_fields[name].description or ""


def settings_reference() -> Iterator[tuple[str, Any, str]]:
    """Yield ``(dotted name, default, help)`` for every setting."""
    defaults = Settings().model_dump()
    for section, fields in defaults.items():
        for name, value in fields.items():
            yield f"{section}.{name}", value, _field_help(section, name)
