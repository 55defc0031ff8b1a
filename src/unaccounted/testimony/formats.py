"""Reading accounts in bulk: CSV and JSON tables, and ODK Central and KoboToolbox form
exports (docs/testimonies.md, "Importing accounts").

Every reader gives :class:`FormRow` s — the line of the file where the row starts, its
fields by path (``group/field``; an ODK CSV header ``group-field`` and a nested JSON object
read the same) and, for a form export, the submission's id and date. :func:`accounts` then
reads each row's fields into the testimony columns (:data:`COLUMNS`), through a mapping
when one is given. Nothing here touches the store: the service checks and takes in what is
read (``service/testimony_io.py``).

The form exports read, as their tools document them:

- **ODK Central**: the CSV of ``submissions.csv(.zip)`` (``SubmissionDate``, the fields with
  their groups joined by ``-``, ``meta-instanceID``, ``KEY``, ``SubmitterID``, …, attached
  files by name in ``media/``) and the OData JSON (``{"value": [...]}``, groups as nested
  objects, ``__id`` and ``__system.submissionDate``).
- **KoboToolbox**: the CSV export (``;``-separated by default, groups joined by ``/``,
  ``_id``, ``_uuid``, ``_submission_time``) and the JSON of the data API
  (``{"results": [...]}`` with ``group/field`` keys and ``_attachments``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from unaccounted.errors import InputError
from unaccounted.yamlfile import describe_validation_error, read_yaml_mapping

FORMATS: tuple[str, ...] = ("csv", "json", "odk", "kobo")
#: What an imported account may say; every other field of a table is refused, every other
#: field of a form export is left out (and counted).
COLUMNS: tuple[str, ...] = (
    "kind", "source", "date", "language", "text", "file", "witness", "witness_contact",
    "level", "confidential", "group", "incident_type", "incident_from", "incident_to",
    "incident_place", "incident_summary",
)  # fmt: skip
#: Other names a table's header may use for a column.
ALIASES = {"witness_pseudonym": "witness", "witness_name": "witness",
           "contacts": "witness_contact", "witness_contacts": "witness_contact",
           "file_path": "file", "path": "file", "independence_group": "group",
           "account": "text", "narrative": "text"}  # fmt: skip
#: The largest table or export read (bytes).
MAX_TABLE_BYTES = 256 * 1024 * 1024

_WS = re.compile(r"[ \t\n\r]*")
#: Fields of the form tools' own (ids, dates, review states) that are not the form's.
_ODK_SYSTEM = {"submissiondate", "key", "submitterid", "submittername", "attachmentspresent",
               "attachmentsexpected", "status", "reviewstate", "deviceid", "edits",
               "formversion", "isvalidated", "meta/instanceid", "meta/instancename"}  # fmt: skip


@dataclass(frozen=True)
class FormRow:
    """One row of a table or one submission of a form export."""

    line: int
    fields: dict[str, str]
    record: str | None = None
    submitted: str | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rows:
    """The rows of a file, and its header when it has one (a CSV's)."""

    rows: list[FormRow]
    header: list[str] | None = None


@dataclass
class Account:
    """One row read into the testimony columns (values as found, stripped)."""

    line: int
    values: dict[str, str]
    record: str | None = None
    attachments: tuple[str, ...] = ()


@dataclass
class Read:
    """What :func:`accounts` read: the accounts, and the form's fields left out."""

    accounts: list[Account]
    ignored: list[str] = field(default_factory=list)


class ImportMapping(BaseModel):
    """Which field of a table or a form is which testimony column::

    columns:                       # field as found (group/field) -> column
      grp_account/narrative: text
      grp_witness/alias: witness
    defaults:                      # column -> value for rows without one
      source: field team A
      language: ru
    attachments: media             # the folder of attached files
    delimiter: ";"                 # CSV: sniffed when absent
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, str] = {}
    defaults: dict[str, str] = {}
    attachments: str | None = None
    delimiter: str | None = None

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        out = {}
        for name, target in value.items():
            column = column_name(str(target))
            if column is None:
                raise ValueError(f"field '{name}' maps to '{target}', which is not a column "
                                 f"({', '.join(COLUMNS)})")  # fmt: skip
            out[fold(str(name))] = column
        return out

    @field_validator("defaults")
    @classmethod
    def _defaults(cls, value: dict[str, str]) -> dict[str, str]:
        out = {}
        for name, default in value.items():
            column = column_name(str(name))
            if column is None or column in ("text", "file"):
                raise ValueError(
                    f"'{name}' cannot have a default (columns: "
                    f"{', '.join(c for c in COLUMNS if c not in ('text', 'file'))})"
                )
            out[column] = str(default).strip()
        return out


def load_import_mapping(path: Path) -> ImportMapping:
    """Read and check an import mapping; any problem is one line."""
    data = read_yaml_mapping(path, "mapping")
    try:
        return ImportMapping.model_validate(data)
    except ValidationError as exc:
        where, msg = describe_validation_error(exc)
        if exc.errors()[0]["type"] == "extra_forbidden":
            msg = f"unknown key (allowed: {', '.join(ImportMapping.model_fields)})"
        raise InputError(f"mapping {path}: '{where}': {msg}") from None


def fold(name: str) -> str:
    """A field's path folded for matching: case, and ``-`` ``.`` ``:`` as group separators."""
    return re.sub(r"[-.:]", "/", name.strip().casefold())


def column_name(header: str) -> str | None:
    """The testimony column a header names (any case; spaces or hyphens for ``_``)."""
    code = re.sub(r"[\s\-]+", "_", header.strip().lower())
    code = ALIASES.get(code, code)
    return code if code in COLUMNS else None


# -- reading files ---------------------------------------------------------------------------


def _text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise InputError(f"{path} is {size:,} bytes; an import may be at most "
                             f"{MAX_TABLE_BYTES:,} bytes")  # fmt: skip
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path} line {line}: not UTF-8 (byte {exc.start:,})") from None


def guess_format(path: Path) -> str:
    """``csv``, ``json``, ``odk`` or ``kobo``, from the name and the first bytes or header."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        raise InputError(f"{path.name} is a zip archive: unzip it and import the submissions' "
                         "CSV (its attached files are in media/ beside it)")  # fmt: skip
    if suffix not in (".csv", ".tsv", ".txt", ".json"):
        raise InputError(f"cannot tell the format of {path.name}; give --format "
                         f"({', '.join(FORMATS)})")  # fmt: skip
    try:
        with path.open("rb") as fh:
            head = fh.read(65536).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if suffix == ".json":
        if re.search(r'"(?:__id|@odata\.context)"', head):
            return "odk"
        return "kobo" if re.search(r'"_uuid"', head) else "json"
    header = fold(head.split("\n", 1)[0])
    if "submissiondate" in header and "key" in re.split(r"[,;\t\"]+", header):
        return "odk"
    return "kobo" if "_uuid" in header else "csv"


def read_rows(path: Path, fmt: str, delimiter: str | None = None) -> Rows:
    """Every row of ``path`` read as ``fmt``; a file that cannot be read is one line."""
    if fmt not in FORMATS:
        raise InputError(f"unknown import format '{fmt}'; choose one of {', '.join(FORMATS)}")
    text = _text(path)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        read = Rows(_json_rows(path, text, fmt))
    else:
        read = _csv_rows(path, text, fmt, delimiter)
    if not read.rows:
        raise InputError(f"{path} has no rows; nothing imported")
    return read


def _csv_rows(path: Path, text: str, fmt: str, delimiter: str | None) -> Rows:
    first = text.split("\n", 1)[0]
    sep = delimiter or max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows: list[FormRow] = []
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise InputError(f"{path} line 1: no header")
        names = [h.strip() for h in header]
        dupes = sorted({n for n in names if n and names.count(n) > 1})
        if dupes:
            raise InputError(f"{path} line 1: column '{dupes[0]}' appears twice")
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(names):
                raise InputError(f"{path} line {start}: {len(cells)} cells under a header of "
                                 f"{len(names)} columns")  # fmt: skip
            fields = {n: c for n, c in zip(names, cells, strict=False) if n}
            rows.append(_form_row(start, fields, fmt, ()))
    except csv.Error as exc:
        raise InputError(f"{path} line {reader.line_num}: {exc}") from None
    return Rows(rows, names)


def _json_rows(path: Path, text: str, fmt: str) -> list[FormRow]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} line {exc.lineno}: not JSON ({exc.msg})") from None
    items = _items(text, {"odk": "value", "kobo": "results"}.get(fmt))
    if items is None:
        want = {"odk": 'an object with "value"', "kobo": 'an object with "results"'}
        raise InputError(f"{path}: expected {want.get(fmt, 'a JSON array of objects')}")
    rows = []
    for line, item in items:
        if not isinstance(item, dict):
            raise InputError(f"{path} line {line}: not a JSON object")
        fields: dict[str, str] = {}
        attachments: list[str] = []
        for key, value in _flat(item):
            if key.casefold() == "_attachments" and isinstance(value, list):
                attachments += [str(a.get("filename", "")).rsplit("/", 1)[-1]
                                for a in value if isinstance(a, dict)]  # fmt: skip
            else:
                fields[key] = _cell(value)
        rows.append(_form_row(line, fields, fmt, tuple(a for a in attachments if a)))
    return rows


def _skip(text: str, pos: int, over: str = "") -> int:
    """``pos`` past white space (and past the one character ``over`` and the space after
    it, when that is what comes next)."""
    found = _WS.match(text, pos)
    pos = found.end() if found else pos
    if over and text[pos : pos + 1] == over:
        return _skip(text, pos + 1)
    return pos


def _items(text: str, key: str | None) -> list[tuple[int, Any]] | None:
    """The items of the top-level array (``key`` None) or of the array under ``key`` of
    the top-level object, each with the line it starts on. ``text`` is valid JSON."""
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if key is None:
        return _array(text, pos, decoder) if text[pos : pos + 1] == "[" else None
    if text[pos : pos + 1] != "{":
        return None
    pos = _skip(text, pos + 1)
    while text[pos] != "}":
        name, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos, ":")
        if name == key and text[pos] == "[":
            return _array(text, pos, decoder)
        _value, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos, ",")
    return None


def _array(text: str, pos: int, decoder: json.JSONDecoder) -> list[tuple[int, Any]]:
    items: list[tuple[int, Any]] = []
    pos = _skip(text, pos + 1)
    line, counted = 1, 0
    while text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        value, pos = decoder.raw_decode(text, pos)
        items.append((line, value))
        pos = _skip(text, pos, ",")
    return items


def _flat(item: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """A JSON object's fields by path; nested objects (ODK's groups) joined with ``/``."""
    out: list[tuple[str, Any]] = []
    for key, value in item.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key != "__system":
            out += _flat(value, path + "/")
        else:
            out.append((path, value))
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _form_row(line: int, fields: dict[str, str], fmt: str, attachments: tuple[str, ...]) -> FormRow:
    """A row with the form tool's submission id and date picked out of its fields."""
    if fmt not in ("odk", "kobo"):
        return FormRow(line, fields)
    by = {fold(k): v for k, v in fields.items()}
    if fmt == "odk":
        record = by.get("__id") or by.get("meta/instanceid") or by.get("key")
        system = by.get("__system", "")
        submitted = by.get("submissiondate") or _system_date(system)
    else:
        record = by.get("_uuid") or by.get("meta/instanceid") or by.get("_id")
        submitted = by.get("_submission_time")
    date = (submitted or "").strip()[:10]
    return FormRow(line, fields, (record or "").strip() or None,
                   date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
                   attachments)  # fmt: skip


def _system_date(system: str) -> str | None:
    try:
        value = json.loads(system) if system else {}
    except json.JSONDecodeError:
        return None
    return str(value.get("submissionDate") or "") or None if isinstance(value, dict) else None


# -- fields into columns ---------------------------------------------------------------------


def accounts(read: Rows, fmt: str, mapping: ImportMapping, name: str) -> Read:
    """Each row's fields read into the testimony columns: the mapping's ``columns`` first,
    then a field named as a column (a form's field by its last path segment too). A table's
    field that is no column is refused (a typo would lose a witness's name); a form's is
    left out and listed. A mapped field missing from a CSV header is refused (JSON leaves
    out empty fields)."""
    rows = read.rows
    form = fmt in ("odk", "kobo")
    targets: dict[str, str] = {}
    ignored: list[str] = []
    for key in dict.fromkeys(k for row in rows for k in row.fields):
        folded = fold(key)
        column = mapping.columns.get(folded) or column_name(key)
        if column is None and form and not _system(folded):
            column = column_name(folded.rsplit("/", 1)[-1])
        if column is not None:
            targets[key] = column
        elif not form:
            raise InputError(
                f"{name}: column '{key}' is not a testimony column ("
                f"{', '.join(COLUMNS)}); a mapping (--mapping) renames others"
            )
        elif not _system(folded):
            ignored.append(key)
    taken: dict[str, str] = {}
    for key, column in targets.items():
        if column in taken:
            raise InputError(f"{name}: fields '{taken[column]}' and '{key}' are both {column}")
        taken[column] = key
    missing = sorted(set(mapping.columns) - {fold(k) for k in read.header or ()})
    if missing and read.header is not None:
        raise InputError(
            f"{name}: the mapping names field '{missing[0]}', which is not in the file"
        )
    out = []
    for row in rows:
        values = {c: v.strip() for c, v in mapping.defaults.items()}
        if form:
            values.setdefault("kind", "form_submission")
            if row.submitted:
                values.setdefault("date", row.submitted)
        for key, value in row.fields.items():
            column = targets.get(key)
            if column is not None and value.strip():
                values[column] = value if column == "text" else value.strip()
        out.append(Account(row.line, values, row.record, row.attachments))
    return Read(out, ignored)


def _system(folded: str) -> bool:
    return folded.startswith("_") or folded in _ODK_SYSTEM or folded.startswith("meta/")
