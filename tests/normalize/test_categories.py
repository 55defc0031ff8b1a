"""Category words to canonical categories (normalize/categories.py) and their strata."""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.errors import InputError
from unaccounted.estimate.from_workspace import stratum_value
from unaccounted.normalize.categories import CategoryReader
from unaccounted.normalize.pack import PackData


@pytest.fixture(scope="module")
def reader() -> CategoryReader:
    return CategoryReader(PackData("ru"))


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ЧВК", "pmc"),
        ("PMC", "pmc"),
        ("ЧВК «Вагнер»", "pmc"),
        ("мобилизованный", "mobilized"),
        ("Мобилизован из Бурятии", "mobilized"),
        ("военнослужащий по контракту", "contract"),
        ("contract soldier", "contract"),
        ("Шторм Z", "prisoner"),
        ("осуждённый", "prisoner"),
        ("prisoner recruit", "prisoner"),
        ("срочник", "conscript"),
        ("доброволец", "volunteer"),
        ("Росгвардия", "national_guard"),
        ("  казак   кубанский ", "казак кубанский"),  # unknown: kept as written
        ("", None),
        (None, None),
    ],
)
def test_category_words(reader: CategoryReader, text: str | None, category: str | None) -> None:
    assert reader.read(text) == category


def test_category_strata_join_languages(reader: CategoryReader) -> None:
    rows = [{"category": "ЧВК"}, {"category": "PMC"}, {"category": "Вагнер"}]
    assert {stratum_value(r, "category", reader) for r in rows} == {"pmc"}
    # without a reader the value is as written
    assert stratum_value({"category": "ЧВК"}, "category") == "ЧВК"


def test_added_words_and_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "categories.csv").write_text("word,category\nбарсовец,volunteer\n", "utf-8")
    assert CategoryReader(PackData("ru", tmp_path)).read("барсовец") == "volunteer"
    (tmp_path / "categories.csv").write_text("word,category\nгвардеец,guards\n", "utf-8")
    with pytest.raises(InputError, match="unknown category 'guards' for 'гвардеец'"):
        CategoryReader(PackData("ru", tmp_path))
