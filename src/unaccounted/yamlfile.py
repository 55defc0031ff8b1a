"""Reading the YAML files users write (mappings, simulation configs, rules) with one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from unaccounted.errors import InputError


def read_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    """The top-level mapping of a YAML file; an empty file is ``{}``.

    ``what`` names the file for the user ("mapping", "simulate config"): every problem —
    missing, unreadable, not YAML, not a mapping — is an :class:`InputError` of one line.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{what} file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{what} {path} is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{what} {path}: the top level must be a mapping of keys to values")
    return data


def describe_validation_error(error: ValidationError) -> tuple[str, str]:
    """``(dotted key, message)`` of the first problem pydantic found, for a one-line error."""
    first = error.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return key, str(first["msg"]).removeprefix("Value error, ")
