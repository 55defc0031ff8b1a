"""The simulator's settings: one pydantic model per section, read from YAML.

The defaults live in ``default.yaml`` beside this module (the file ``unaccounted simulate``
uses when no ``--config`` is given); a user's file is merged over them section by section,
so a config that only says ``sources:`` keeps the default world. Every key is documented
in ``docs/simulate.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from unaccounted.errors import InputError
from unaccounted.yamlfile import describe_validation_error, read_yaml_mapping

Category = Literal["mobilized", "contract", "volunteer", "conscript", "prisoner", "pmc"]
Style = Literal[
    "official", "official_split", "obituary", "social", "translit", "memorial", "grave", "court",
    "roster",
    "sparse_post", "foreign",
]  # fmt: skip
Kind = Literal[
    "official", "obituary", "social", "grave", "memorial_list", "court", "probate", "roster",
    "testimony", "news", "other",
]  # fmt: skip
FATES: tuple[str, ...] = ("killed", "missing", "captured", "wounded")
CATEGORIES: tuple[str, ...] = ("mobilized", "contract", "volunteer", "conscript", "prisoner", "pmc")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WarConfig(_Strict):
    start: dt.date = dt.date(2022, 2, 24)
    end: dt.date = dt.date(2024, 12, 31)
    as_of: dt.date = dt.date(2025, 3, 1)
    #: Relative intensity of events from each date on (piecewise constant).
    intensity: dict[dt.date, float] = Field(default_factory=lambda: {dt.date(2022, 2, 24): 1.0})

    @model_validator(mode="after")
    def _ordered(self) -> WarConfig:
        if not self.start < self.end <= self.as_of:
            raise ValueError("war.start < war.end <= war.as_of must hold")
        if any(v < 0 for v in self.intensity.values()):
            raise ValueError("war.intensity values must be >= 0")
        return self


class CategoryConfig(_Strict):
    share: float = Field(ge=0)
    age_mean: float = 35.0
    age_sd: float = 9.0
    age_min: int = 18
    age_max: int = 60
    #: The category's people enter the war on or after this date.
    first: dt.date | None = None
    last: dt.date | None = None
    unit_types: list[str] = Field(min_length=1)


class PersonsConfig(_Strict):
    female_share: float = Field(default=0.03, ge=0, le=1)
    #: Multiplies a region's population weight (ISO code → factor); others get 1.
    region_multipliers: dict[str, float] = Field(default_factory=dict)
    #: In a region with a name group, the share of persons drawn from that group.
    name_group_share: float = Field(default=0.6, ge=0, le=1)
    #: Share of persons with Ukrainian-form surnames outside regions of that group.
    ukrainian_share: float = Field(default=0.03, ge=0, le=1)
    surname_zipf: float = Field(default=1.0, gt=0)
    #: Share of all surname draws taken from the long tail of rare surnames.
    rare_surname_share: float = Field(default=0.35, ge=0, le=1)
    #: Share of each non-Russian name group's surname draws taken from the surnames formed
    #: the group's way (``surnames_formed.csv``); 0 keeps the pack's short lists only.
    formed_surname_share: float = Field(default=0.0, ge=0, le=1)
    namesake_share: float = Field(default=0.01, ge=0, le=0.5)
    brothers_share: float = Field(default=0.01, ge=0, le=0.5)
    father_son_share: float = Field(default=0.003, ge=0, le=0.2)
    categories: dict[str, CategoryConfig]

    @model_validator(mode="after")
    def _known(self) -> PersonsConfig:
        unknown = sorted(set(self.categories) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {list(CATEGORIES)}")
        if sum(c.share for c in self.categories.values()) <= 0:
            raise ValueError("category shares must not all be zero")
        return self


class HeavyFighting(_Strict):
    start: dt.date
    end: dt.date
    missing_factor: float = Field(default=3.0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> HeavyFighting:
        if self.end < self.start:
            raise ValueError("heavy_fighting: end must not be before start")
        return self


class FatesConfig(_Strict):
    shares: dict[str, float] = Field(
        default_factory=lambda: {"killed": 0.55, "missing": 0.17, "captured": 0.06, "wounded": 0.22}
    )
    #: Share of the captured who come back in an exchange (their fate becomes ``returned``).
    returned_share: float = Field(default=0.5, ge=0, le=1)
    #: Share of the killed first reported missing, then confirmed dead.
    missing_then_killed: float = Field(default=0.35, ge=0, le=1)
    confirm_delay_days: float = Field(default=150.0, gt=0)
    #: Share of the missing who are in fact dead, in every unit: their fate becomes
    #: ``killed``, official notices keep calling them missing, other sources may report the
    #: death (1: every missing soldier is dead). 0 keeps the default world.
    missing_dead_share: float = Field(default=0.0, ge=0, le=1)
    #: Periods of heavy fighting: a person whose event falls in one has his fate drawn
    #: with the ``missing`` share multiplied by the period's ``missing_factor``.
    heavy_fighting: list[HeavyFighting] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> FatesConfig:
        unknown = sorted(set(self.shares) - set(FATES))
        if unknown:
            raise ValueError(f"unknown fates {unknown}; known: {list(FATES)}")
        if sum(self.shares.values()) <= 0 or min(self.shares.values()) < 0:
            raise ValueError("fate shares must be >= 0 and not all zero")
        return self


class ConcealConfig(_Strict):
    #: Share of units that conceal deaths (chosen at random) …
    unit_share: float = Field(default=0.1, ge=0, le=1)
    #: … and at least this many of them (the units with the lowest draws), so that a world
    #: meant to hold concealment cannot happen to draw none.
    min_units: int = Field(default=0, ge=0)
    #: … or these unit ids, when given.
    units: list[str] = Field(default_factory=list)
    #: Share of a concealing unit's dead that its official notices list as missing.
    missing_share: float = Field(default=0.6, ge=0, le=1)
    #: A range instead: each concealing unit lists a share drawn uniformly from [low, high]
    #: of its dead as missing (``missing_share`` is then unused).
    missing_share_range: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _range(self) -> ConcealConfig:
        r = self.missing_share_range
        if r is not None and not 0 <= r[0] <= r[1] <= 1:
            raise ValueError("missing_share_range must be [low, high] with 0 <= low <= high <= 1")
        return self


class UnitsConfig(_Strict):
    #: Number of units of each type.
    per_type: dict[str, int] = Field(default_factory=dict)
    default_per_type: int = Field(default=12, ge=1)
    guards_share: float = Field(default=0.4, ge=0, le=1)
    #: Odds that a person serves in a unit based in his own federal district.
    home_district_weight: float = Field(default=4.0, ge=0)
    #: Spread of unit sizes: each unit's odds of being served in are multiplied by a
    #: log-normal weight with this sigma (0: units of one type are about equally large).
    size_sigma: float = Field(default=0.0, ge=0, le=3)
    conceal: ConcealConfig = ConcealConfig()


class LagConfig(_Strict):
    median_days: float = Field(default=30.0, gt=0)
    sigma: float = Field(default=0.8, ge=0)
    #: Drift of the median with the event's calendar time (a backlog that grows and shrinks):
    #: the median is multiplied by ``exp(trend · years since war.start)`` …
    trend: float = Field(default=0.0, ge=-5, le=5)
    #: … and by ``1 + wave_amplitude · sin(2π · days since war.start / wave_days)``.
    wave_amplitude: float = Field(default=0.0, ge=0, lt=1)
    wave_days: float = Field(default=180.0, gt=0)

    @property
    def drifts(self) -> bool:
        return self.trend != 0 or self.wave_amplitude != 0


class CoverageConfig(_Strict):
    #: Probability that the source reports a person of median visibility (odds scale base).
    base: float = Field(default=0.3, gt=0, lt=1)
    #: Weight of the person's latent visibility (0: homogeneous capture).
    visibility: float = Field(default=1.0, ge=0)
    #: Odds multipliers by fate, category, region ISO code or name group; absent → 1, 0 → never.
    fates: dict[str, float] = Field(default_factory=dict)
    categories: dict[str, float] = Field(default_factory=dict)
    regions: dict[str, float] = Field(default_factory=dict)
    #: Only persons of this share of units (chosen at random) are seen (leaked rosters).
    unit_share: float = Field(default=1.0, gt=0, le=1)


class CopyConfig(_Strict):
    source: str
    share: float = Field(ge=0, le=1)


class HandConfig(_Strict):
    """Noise of hand-made lists, added to any style's columns (``sources[].hand``)."""

    #: Share of records with one hand-typing error in the name: two letters transposed, a
    #: letter doubled, a word cut short, a space moved inside a word, or initials only.
    errors: float = Field(default=0.0, ge=0, le=1)
    #: Share of birth and event dates cut to month and year («03.2023») or the year alone.
    partial_dates: float = Field(default=0.0, ge=0, le=1)
    #: Share of home towns and event places written with е for ё («Гусиноозерск»).
    no_yo_places: float = Field(default=0.0, ge=0, le=1)


class SourceConfig(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    kind: Kind
    style: Style
    publisher: str = ""
    url: str = ""
    independence_group: str
    encoding: Literal["utf-8", "cp1251"] = "utf-8"
    coverage: CoverageConfig = CoverageConfig()
    copies: CopyConfig | None = None
    #: Share of records posted again as a separate row (reposts).
    duplicates: float = Field(default=0.0, ge=0, le=1)
    lag: LagConfig = LagConfig()
    #: Share of records with a typo in the surname (memorial and roster styles type by hand).
    typos: float = Field(default=0.0, ge=0, le=1)
    #: Whether official notices follow a concealing unit's practice of listing dead as missing.
    follows_concealment: bool = False
    #: Noise of hand-made lists on top of the style (none when absent).
    hand: HandConfig | None = None

    @model_validator(mode="after")
    def _encodable(self) -> SourceConfig:
        if self.style == "foreign" and self.encoding != "utf-8":
            raise ValueError("style 'foreign' writes Polish letters (ż, ł): use encoding utf-8")
        return self


class SimulationConfig(_Strict):
    war: WarConfig = WarConfig()
    persons: PersonsConfig
    fates: FatesConfig = FatesConfig()
    units: UnitsConfig = UnitsConfig()
    sources: list[SourceConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SimulationConfig:
        slugs = [s.slug for s in self.sources]
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        if dupes:
            raise ValueError(f"duplicate source slugs {dupes}")
        for s in self.sources:
            if s.copies and s.copies.source not in slugs:
                raise ValueError(f"source {s.slug!r} copies unknown source {s.copies.source!r}")
            if s.copies and slugs.index(s.copies.source) >= slugs.index(s.slug):
                raise ValueError(f"source {s.slug!r} must come after the source it copies")
        return self

    def digest(self) -> str:
        """A stable hash of the settings, written into ``truth/world.json``."""
        data = self.model_dump(mode="json")
        for src in data["sources"]:  # a config without the newer keys keeps its digest
            if src["hand"] is None:
                del src["hand"]
        # Keys added later are left out at their default, so an old world keeps its hash.
        for section, key, default in _LATER_KEYS:
            if data[section].get(key) == default:
                del data[section][key]
        if data["units"]["conceal"].get("missing_share_range") is None:
            del data["units"]["conceal"]["missing_share_range"]
        if data["units"]["conceal"].get("min_units") == 0:
            del data["units"]["conceal"]["min_units"]
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: (section, key, default) of settings added after worlds were first hashed.
_LATER_KEYS: tuple[tuple[str, str, object], ...] = (
    ("fates", "missing_dead_share", 0.0),
    ("fates", "heavy_fighting", []),
    ("units", "size_sigma", 0.0),
    ("persons", "formed_surname_share", 0.0),
)


def default_config_text() -> str:
    """The shipped default configuration, as YAML text."""
    return (resources.files("unaccounted.simulate") / "default.yaml").read_text(encoding="utf-8")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "intensity":
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, where: str) -> str:
    key, message = describe_validation_error(error)
    return f"{where}: {key}: {message}"


def load_config(path: Path | None = None) -> SimulationConfig:
    """The default config, with the YAML file at ``path`` (if any) merged over it."""
    data = yaml.safe_load(default_config_text())
    where = "default simulate config"
    if path is not None:
        where = str(path)
        data = _merge(data, read_yaml_mapping(path, "simulate config"))
    try:
        return SimulationConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(_describe(exc, where)) from exc
