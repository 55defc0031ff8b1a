"""Mapping files: how one source's file maps onto the canonical columns, and what it is.

A mapping is YAML::

    source: Memorial list of Kursk oblast   # source name (default: the file name)
    kind: memorial_list                      # one of the source kinds in DESIGN.md
    publisher: Regional newspaper
    url: https://example.org/list
    independence_group: kursk-lists          # sources that copy each other share one
    encoding: cp1251                         # optional; detected when absent
    delimiter: ";"                           # optional; sniffed when absent
    sheet: Лист1                             # optional; every sheet when absent
    header_row: 3                            # optional (CSV, XLSX); found when absent
    columns:                                 # header as found -> canonical column
      ФИО: full_name
      Дата рождения: birth_date
    defaults:                                # canonical column -> value for rows without one
      status: killed                         # "every row of this memorial book is a death"

A column is protected (sealed at rest, docs/protection.md) when its canonical name or
header is in ``[protection] columns``, or when the mapping marks it::

    columns:
      Ссылка: {column: url, protected: true} # a canonical column, protected
      Телефон свидетеля: {protected: true}   # kept under its header, protected
    protected: [Примечание]                  # more headers or columns to protect
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from unaccounted.columns import CANONICAL_COLUMNS, NAME_COLUMNS, SOURCE_KINDS
from unaccounted.errors import InputError
from unaccounted.yamlfile import describe_validation_error, read_yaml_mapping


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None = None
    kind: str | None = None
    publisher: str | None = None
    url: str | None = None
    independence_group: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = Field(default=None, ge=1)
    columns: dict[str, str] = {}
    defaults: dict[str, str] = {}
    #: Headers or canonical columns whose values are sealed at rest (besides the
    #: ``[protection] columns`` setting); ``{protected: true}`` in ``columns`` adds here.
    protected: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _protected_columns(cls, data: Any) -> Any:
        """``columns: {header: {column: url, protected: true}}`` (or without ``column``, to
        keep the header as an extra column) becomes a plain entry plus ``protected``."""
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            return data
        columns: dict[Any, Any] = {}
        protected = list(data.get("protected") or [])
        for header, target in data["columns"].items():
            if not isinstance(target, dict):
                columns[header] = target
                continue
            unknown = set(target) - {"column", "protected"}
            if unknown:
                raise ValueError(
                    f"column '{header}': unknown key '{sorted(unknown)[0]}' (allowed: column, "
                    "protected)"
                )
            if target.get("column") is not None:
                columns[header] = target["column"]
            if target.get("protected") is True:
                protected.append(str(header))
            elif target.get("protected") not in (None, False):
                raise ValueError(f"column '{header}': protected must be true or false")
        return {**data, "columns": columns, "protected": protected}

    @field_validator("protected")
    @classmethod
    def _protected(cls, value: list[str]) -> list[str]:
        return [str(v).strip() for v in value if str(v).strip()]

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str | None) -> str | None:
        return check_kind(value)

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        for header, target in value.items():
            if target.strip().lower() not in CANONICAL_COLUMNS:
                raise ValueError(
                    f"column '{header}' maps to '{target}', which is not a canonical column "
                    f"({', '.join(CANONICAL_COLUMNS)})"
                )
        return {str(h).strip(): t.strip().lower() for h, t in value.items()}

    @field_validator("defaults")
    @classmethod
    def _defaults(cls, value: dict[str, str]) -> dict[str, str]:
        checked: dict[str, str] = {}
        for column, default in value.items():
            name = str(column).strip().lower()
            if name not in CANONICAL_COLUMNS:
                raise ValueError(f"'{column}' is not a canonical column")
            if name in NO_DEFAULT:
                raise ValueError(f"'{name}' cannot have a default (it tells rows apart)")
            text = str(default).strip()
            if not text:
                raise ValueError(f"the default for '{name}' is empty")
            checked[name] = text
        return checked

    def target(self, header: str) -> str | None:
        """The canonical column this mapping sends ``header`` to, matched case-insensitively."""
        wanted = header.strip().casefold()
        for name, target in self.columns.items():
            if name.casefold() == wanted:
                return target
        return None


#: Columns that tell one row or source from another: a default for every row makes no sense
#: (``source`` has the mapping's own ``source`` key).
NO_DEFAULT = ("record_id", "source", *NAME_COLUMNS)


def check_kind(value: str | None) -> str | None:
    if value is None:
        return None
    kind = value.strip().lower().replace(" ", "_").replace("-", "_")
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source kind '{value}' (kinds: {', '.join(SOURCE_KINDS)})")
    return kind


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; any problem is a one-line :class:`InputError`."""
    data = read_yaml_mapping(path, "mapping")
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        where, msg = describe_validation_error(exc)
        if exc.errors()[0]["type"] == "extra_forbidden":
            allowed = ", ".join(Mapping.model_fields)
            msg = f"unknown key (allowed: {allowed})"
        raise InputError(f"mapping {path}: '{where}': {msg}") from exc
