"""The grading rules file: a documented YAML file in the workspace that users may edit.

The default (``grading_rules.yaml`` next to this module) is copied into a workspace the
first time a command needs it; from then on the workspace's copy is the one read. Every
problem is one line naming the file and the bad key.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from unaccounted.columns import SOURCE_KINDS
from unaccounted.errors import InputError
from unaccounted.normalize.statuses import STATUSES
from unaccounted.workspace import Workspace
from unaccounted.yamlfile import describe_validation_error, read_yaml_mapping

log = logging.getLogger(__name__)

DEFAULT_RULES = Path(__file__).with_name("grading_rules.yaml")

Grade = Literal["confirmed", "probable", "unverified", "contested", "rejected"]
GRADES: tuple[str, ...] = ("confirmed", "probable", "unverified", "contested", "rejected")
Fate = Literal["dead", "missing", "captured", "alive", "none"]
FATES: tuple[str, ...] = ("dead", "missing", "captured", "alive", "none")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_kinds(kinds: list[str] | None) -> list[str] | None:
    unknown = sorted(set(kinds or []) - set(SOURCE_KINDS))
    if unknown:
        raise ValueError(f"unknown source kinds {unknown}; known: {list(SOURCE_KINDS)}")
    return kinds


class Condition(_Strict):
    conflict: Literal["status", "birth_date", "any"] | None = None
    fate: list[Fate] | None = None
    kinds: list[str] | None = None
    min_groups: int | None = Field(default=None, ge=0)
    min_kinds: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check(self) -> Condition:
        _known_kinds(self.kinds)
        return self


class Rule(_Strict):
    id: str
    grade: Grade
    description: str = ""
    when: Condition = Condition()


class GradingRules(_Strict):
    status_classes: dict[Literal["dead", "missing", "captured", "alive"], list[str]]
    birth_tolerance_days: int = Field(default=0, ge=0)
    kind_priority: list[str] = Field(default_factory=lambda: list(SOURCE_KINDS))
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> GradingRules:
        seen: dict[str, str] = {}
        for cls, statuses in self.status_classes.items():
            for status in statuses:
                if status not in STATUSES:
                    raise ValueError(f"unknown status {status!r}; known: {list(STATUSES)}")
                if status in seen:
                    raise ValueError(f"status {status!r} is in both {seen[status]} and {cls}")
                seen[status] = cls
        _known_kinds(self.kind_priority)
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError(f"rule ids must be unique: {ids}")
        return self

    def status_class(self, status: str | None) -> str | None:
        for cls, statuses in self.status_classes.items():
            if status in statuses:
                return cls
        return None

    def kind_rank(self, kind: str) -> int:
        order = self.kind_priority
        return order.index(kind) if kind in order else len(order)


#: Rules already read, by file and the file's size and modification time: a server reads
#: them for every person page, and parsing the YAML costs more than the rest of the page.
_READ: dict[tuple[str, int, int], GradingRules] = {}


def load_rules(path: Path) -> GradingRules:
    """Read and check a rules file (again only when it changed); one-line
    :class:`InputError` naming the bad key."""
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns) if stat else None
    if key is not None and key in _READ:
        return _READ[key]
    rules = _parse_rules(path)
    if key is not None:
        _READ[key] = rules
    return rules


def _parse_rules(path: Path) -> GradingRules:
    data = read_yaml_mapping(path, "grading rules")
    try:
        return GradingRules.model_validate(data)
    except ValidationError as exc:
        where, message = describe_validation_error(exc)
        raise InputError(f"grading rules {path}: key '{where}': {message}") from exc


def default_rules() -> GradingRules:
    return load_rules(DEFAULT_RULES)


def workspace_rules_path(ws: Workspace) -> Path:
    return ws.root / ws.settings.resolve.rules_file


def workspace_rules(ws: Workspace) -> GradingRules:
    """The workspace's rules, copying the default there first when it has none."""
    path = workspace_rules_path(ws)
    if not path.exists():
        shutil.copyfile(DEFAULT_RULES, path)
        log.info("copied the default grading rules to %s", path)
    return load_rules(path)
