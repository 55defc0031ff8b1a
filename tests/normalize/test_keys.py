"""Script-independent and phonetic keys."""

from __future__ import annotations

import iuliia  # type: ignore[import-untyped]
import pytest

from unaccounted.normalize.pack import load_pack
from unaccounted.normalize.ru.keys import phonetic_key, script_key, script_keys
from unaccounted.normalize.ru.lexicon import _package_surnames

SCHEMES = ["ICAO_DOC_9303", "BGN_PCGN", "WIKIPEDIA", "MVD_782", "MVD_310", "GOST_779_ALT",
           "SCIENTIFIC", "GOST_52535", "YANDEX_MAPS", "ALA_LC_ALT"]  # fmt: skip
NAMES = ["Савченко", "Щукин", "Хабибуллин", "Цой", "Юрьев", "Ёлкин", "Объедков", "Чайковский",
         "Соловьёв", "Васильев", "Зырянов", "Жуков", "Кузьмин", "Полякова", "Дзюба"]  # fmt: skip


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_meets_the_cyrillic_key(scheme: str) -> None:
    schema = getattr(iuliia, scheme)
    for name in NAMES:
        assert script_key(schema.translate(name)) == script_key(name), (scheme, name)


def test_popular_spellings_meet() -> None:
    # the example: all three must give one key
    assert script_key("Savchenko") == script_key("Savtchenko") == script_key("Савченко")
    assert script_key("Sergei") == script_key("Sergey") == script_key("Сергей") == "sergei"


def test_sh_and_shch_meet_but_ch_and_ts_do_not() -> None:
    assert script_key("Шукин") == script_key("Щукин")
    assert script_key("Чой") != script_key("Цой")


def test_phonetic_key_folds_sex_endings_and_vowels() -> None:
    assert phonetic_key("Полякова") == phonetic_key("Поляков") == "palakaf"
    assert phonetic_key("Троицкая") == phonetic_key("Троицкий")
    assert phonetic_key("Polyakov") == phonetic_key("Поляков")


def test_script_keys_are_the_keys_of_each_word() -> None:
    # the batch form builds the surname index: it must give exactly script_key's keys,
    # on the pack's word lists and on spellings that exercise every rule
    pack = load_pack("ru", None)
    words = _package_surnames() + [r["surname"] for r in pack.data.table("surnames")]
    for table in ("given_names", "given_name_variants", "given_names_latin", "diminutives"):
        words += [v for row in pack.data.table(table) for v in row.values() if v]
    words += [*NAMES, "Savtchenko", "Shchukin", "Ŝukin", "Müller", "O'Brien", "Jörg-Łukasz",
              "İlyas", "x\u0301y", "ﬁlin", "", "ЩУКИН", "Хаббибулин", "Yolkin"]  # fmt: skip
    assert script_keys(words) == [script_key(w) for w in words]
    assert script_keys([]) == []
    assert script_keys(["a\nb", "Щукин"]) == [script_key("a\nb"), script_key("Щукин")]
