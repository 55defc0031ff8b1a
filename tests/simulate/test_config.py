"""Config errors come back as one line naming the file and the key."""

import subprocess
import sys
from pathlib import Path

import pytest

from unaccounted.errors import InputError
from unaccounted.simulate.config import load_config


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sim.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_loads() -> None:
    cfg = load_config()
    assert [s.slug for s in cfg.sources][:2] == ["mod_notices", "regional_officials"]
    assert cfg.war.as_of.isoformat() == "2025-03-01"


def test_partial_config_keeps_the_rest(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, "fates:\n  returned_share: 0.9\n"))
    assert cfg.fates.returned_share == 0.9
    assert cfg.fates.missing_then_killed == 0.35  # default kept
    assert len(cfg.sources) == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("war:\n  bogus: 1\n", "war.bogus: Extra inputs are not permitted"),
        ("fates:\n  returned_share: 2\n", "fates.returned_share: Input should be less than or"),
        ("fates:\n  shares: {dead: 1}\n", "fates: unknown fates ['dead']"),
        ("war:\n  end: 2021-01-01\n", "war: war.start < war.end <= war.as_of must hold"),
        ("sources:\n  - {slug: a, name: A, kind: blog, style: official, independence_group: g}\n",
         "sources.0.kind: Input should be"),
        ("sources:\n  - {slug: a, name: A, kind: news, style: official, independence_group: g,\n"
         "     copies: {source: b, share: 0.5}}\n", "copies unknown source 'b'"),
        ("[1, 2]\n", "the top level must be a mapping"),
        ("war: [\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_config_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_unit_type(tmp_path: Path) -> None:
    from unaccounted.simulate.run import simulate

    cfg = load_config(
        _write(tmp_path, "persons:\n  categories:\n    pmc: {share: 0.1, unit_types: [zzz]}\n")
    )
    with pytest.raises(InputError, match="unknown unit type 'zzz'"):
        simulate(cfg, 10, 1, tmp_path / "out")


@pytest.mark.slow
def test_cli_exit_code_and_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "units:\n  guards_share: -1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "unaccounted", "simulate", "--persons", "10", "--out",
         str(tmp_path / "o"), "--config", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: {path}: units.guards_share: Input should be greater than or equal to 0"
    ]


def test_docs_mention_every_key() -> None:
    """docs/simulate.md lists every config key and style (STYLE.md: docs list every setting)."""
    from pydantic import BaseModel

    from unaccounted.simulate.styles import STYLES

    docs = (Path(__file__).resolve().parents[2] / "docs" / "simulate.md").read_text("utf-8")

    def keys(model: type[BaseModel]) -> set[str]:
        out = set(model.model_fields)
        for field in model.model_fields.values():
            inner = field.annotation
            for candidate in (*getattr(inner, "__args__", ()), inner):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    out |= keys(candidate)
        return out

    from unaccounted.simulate.config import SimulationConfig, SourceConfig

    missing = sorted(k for k in keys(SimulationConfig) | keys(SourceConfig) if k not in docs)
    assert not missing, f"docs/simulate.md does not mention {missing}"
    assert not [s for s in STYLES if f"`{s}`" not in docs]
