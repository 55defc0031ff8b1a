"""End to end: a small world, its sources and truth, exactly as ingest and evaluate read them."""

import csv
import hashlib
import io
import json
from pathlib import Path

import yaml

from unaccounted.columns import CANONICAL_COLUMNS, SOURCE_KINDS
from unaccounted.simulate.config import load_config
from unaccounted.simulate.run import Summary, simulate

SEED = 7  # as in conftest.py
PERSONS = 2000

SLUGS = [s.slug for s in load_config().sources]


def _read(path: Path) -> list[dict[str, str]]:
    mapping = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
    text = path.read_bytes().decode(mapping.get("encoding", "utf-8"))
    return list(csv.DictReader(io.StringIO(text)))


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_layout(world_dir: Path, summary: Summary) -> None:
    names = sorted(p.name for p in (world_dir / "sources").iterdir())
    assert names == sorted([f"{s}.csv" for s in SLUGS] + [f"{s}.yaml" for s in SLUGS])
    truth = sorted(p.name for p in (world_dir / "truth").iterdir())
    assert truth == sorted(
        ["records.csv", "persons.csv", "units.csv", "dead_by_unit.csv", "dead_by_region.csv",
         "dead_by_period.csv", "dead.json", "histories.csv", "world.json",
         "documented_by_week.csv", "triangle.csv"]
    )  # fmt: skip


def test_fixed_seed_gives_these_records(world_dir: Path, summary: Summary) -> None:
    """Exact strings for seed 7; a change here means every downstream fixture moves."""
    official = _read(world_dir / "sources" / "mod_notices.csv")
    assert (
        official[0]["full_name"] == "Галин Салават Ильдусович"
    )  # a Bashkir name, Russian-form patronymic
    assert official[0]["birth_date"] == "02.12.1988"
    assert official[0]["unit"] == "в/ч 86369"
    obits = _read(world_dir / "sources" / "obituaries.csv")
    # Genitive: -енко stays, given name and patronymic decline.
    assert obits[0]["full_name"] == "Тимофея Владимировича Бондаренко"
    assert obits[0]["event_date"] == "3 марта 2022 г."
    assert obits[1]["full_name"] == "Антону Сергеевичу Комлюгину"  # dative
    memorial = _read(world_dir / "sources" / "memorial_book.csv")
    assert memorial[0]["ФИО"] == "Бондаренко Т. В."
    assert memorial[0]["Дата гибели"] == "март 2022"
    latin = _read(world_dir / "sources" / "latin_list.csv")
    assert latin[0]["full_name"] == "UMAROV Aslan"
    court = _read(world_dir / "sources" / "court_records.csv")
    assert court[0]["ФИО"] == "Лашкина Дмитрия Николаевича"  # accusative, as decisions write it
    assert court[0]["Решение"] == "признан умершим"


def test_same_seed_same_bytes(world_dir: Path, summary: Summary, tmp_path: Path) -> None:
    simulate(load_config(), PERSONS, SEED, tmp_path)
    assert _digests(tmp_path) == _digests(world_dir)


def test_other_seed_other_world(world_dir: Path, summary: Summary, tmp_path: Path) -> None:
    simulate(load_config(), PERSONS, SEED + 1, tmp_path)
    a = (tmp_path / "truth" / "persons.csv").read_bytes()
    assert a != (world_dir / "truth" / "persons.csv").read_bytes()


def test_every_source_row_has_exactly_one_truth_row(world_dir: Path, summary: Summary) -> None:
    truth = _read_truth(world_dir / "truth" / "records.csv")
    keys = [(r["source"], r["record_id"]) for r in truth]
    assert len(keys) == len(set(keys))
    persons = {r["person_id"] for r in _read_truth(world_dir / "truth" / "persons.csv")}
    assert len(persons) == PERSONS
    assert {r["person_id"] for r in truth} <= persons
    for slug in SLUGS:
        mapping = yaml.safe_load((world_dir / "sources" / f"{slug}.yaml").read_text("utf-8"))
        header = {v: k for k, v in mapping.get("columns", {}).items()}.get("record_id", "record_id")
        rows = _read(world_dir / "sources" / f"{slug}.csv")
        ids = [r[header] for r in rows]
        assert sorted(ids) == sorted(r for s, r in keys if s == slug), slug
        assert summary.records[slug] == len(rows)


def _read_truth(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_mapping_files(world_dir: Path, summary: Summary) -> None:
    seen_russian_headers = False
    for slug in SLUGS:
        path = world_dir / "sources" / f"{slug}.yaml"
        m = yaml.safe_load(path.read_text("utf-8"))
        assert set(m) <= {
            "source",
            "kind",
            "publisher",
            "url",
            "independence_group",
            "encoding",
            "columns",
        }
        assert m["kind"] in SOURCE_KINDS
        header = next(csv.reader(io.StringIO(_text(world_dir / "sources" / f"{slug}.csv", m))))
        renamed = m.get("columns", {})
        for h in header:
            target = renamed.get(h, h)
            assert target in CANONICAL_COLUMNS or h not in renamed, (slug, h)
        if "ФИО" in renamed:
            seen_russian_headers = True
            assert renamed["ФИО"] == "full_name"
    assert seen_russian_headers


def _text(path: Path, mapping: dict[str, str]) -> str:
    return path.read_bytes().decode(mapping.get("encoding", "utf-8"))


def test_cp1251_sources_are_cp1251(world_dir: Path, summary: Summary) -> None:
    raw = (world_dir / "sources" / "memorial_book.csv").read_bytes()
    assert raw.decode("cp1251").startswith("№ п/п,ФИО,")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("memorial_book.csv should not be valid UTF-8")


def test_style_traits(world_dir: Path, summary: Summary) -> None:
    memorial = _read(world_dir / "sources" / "memorial_book.csv")
    assert not any("ё" in r["ФИО"] for r in memorial)  # typed lists write ё as е
    assert all(len(r["Год рождения"]) == 4 for r in memorial)
    latin = _read(world_dir / "sources" / "latin_list.csv")
    assert all(r["full_name"].isascii() or "ʹ" in r["full_name"] or "’" in r["full_name"] or
               any(c in r["full_name"] for c in "ŠČŽšžčŭûâ") for r in latin)  # fmt: skip
    assert all(r["full_name"].split()[0].isupper() for r in latin)  # surname first, capitals
    social = _read(world_dir / "sources" / "social_posts.csv")
    assert any(
        r["full_name"].split()[0] in {"Серёжа", "Саша", "Дима", "Лёша", "Вова"} for r in social
    )
    assert not any("birth_date" in r for r in social)
    obits = _read(world_dir / "sources" / "obituaries.csv")
    assert any(r["full_name"].endswith("а") and "ича " in r["full_name"] for r in obits)
    roster = _read(world_dir / "sources" / "leaked_roster.csv")
    assert {r["status"] for r in roster} >= {"200", "300"}


def test_truth_summary_is_consistent(world_dir: Path, summary: Summary) -> None:
    world = json.loads((world_dir / "truth" / "world.json").read_text("utf-8"))
    dead = json.loads((world_dir / "truth" / "dead.json").read_text("utf-8"))
    persons = _read_truth(world_dir / "truth" / "persons.csv")
    assert world["seed"] == SEED and world["persons"] == PERSONS
    assert world["dead"] == dead["all"] == sum(int(p["dead"]) for p in persons)
    assert sum(v for k, v in dead.items() if k.startswith("region:")) == dead["all"]
    assert sum(v for k, v in dead.items() if k.startswith("unit:")) == dead["all"]
    hist = _read_truth(world_dir / "truth" / "histories.csv")
    assert sum(int(r["count"]) for r in hist) == world["dead_observed"]
    assert world["dead_observed"] + world["dead_unobserved"] == world["dead"]
    units = _read_truth(world_dir / "truth" / "units.csv")
    assert sorted(u["unit"] for u in units if u["conceals"] == "1") == world["concealing_units"]


def test_hard_negatives_exist(world_dir: Path, summary: Summary) -> None:
    persons = {p["person_id"]: p for p in _read_truth(world_dir / "truth" / "persons.csv")}
    sons = [p for p in persons.values() if p["father_id"]]
    assert sons
    for son in sons:
        father = persons[son["father_id"]]
        assert son["surname"] == father["surname"]
        assert son["patronymic"].startswith(father["given_name"][:3])
    brothers = [p for p in persons.values() if p["brother_of"]]
    assert brothers
    for b in brothers:
        a = persons[b["brother_of"]]
        assert (a["surname"], a["patronymic"], a["region"]) == (
            b["surname"],
            b["patronymic"],
            b["region"],
        )
        assert a["given_name"] != b["given_name"]
    namesakes = [p for p in persons.values() if p["namesake_of"]]
    assert namesakes
    for p in namesakes:
        q = persons[p["namesake_of"]]
        assert (p["surname"], p["given_name"], p["patronymic"]) == (
            q["surname"],
            q["given_name"],
            q["patronymic"],
        )


def test_concealing_units_list_dead_as_missing(world_dir: Path, summary: Summary) -> None:
    persons = {p["person_id"]: p for p in _read_truth(world_dir / "truth" / "persons.csv")}
    records = _read_truth(world_dir / "truth" / "records.csv")
    official = {r["record_id"]: r for r in _read(world_dir / "sources" / "mod_notices.csv")}
    hidden = [
        official[r["record_id"]]
        for r in records
        if r["source"] == "mod_notices" and persons[r["person_id"]]["concealed"] == "1"
    ]
    assert hidden
    assert {r["status"] for r in hidden} == {"пропал без вести"}
