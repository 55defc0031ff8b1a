"""Names as real lists and news text write them (issue: real names).

Ranks in any case, Latin look-alike letters, sex agreement, names only pymorphy3 knows,
surnames in -ович, adjectival surnames, names that are full names of their own, and the
order a source usually writes names in. Each case is one the evaluation in
``bench/names.py`` met; the expected parts are the nominatives a reader would write.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions, ingest_files
from unaccounted.normalize.pack import LanguagePack, load_pack
from unaccounted.normalize.record import Normalizer
from unaccounted.normalize.ru import RussianPack
from unaccounted.normalize.ru.ranks import declined_rank
from unaccounted.normalize.stage import run_normalize
from unaccounted.workspace import Workspace

from ..conftest import write_csv


@pytest.fixture(scope="module")
def pack() -> RussianPack:
    p = load_pack("ru")
    assert isinstance(p, RussianPack)
    return p


def _read(pack: RussianPack, text: str, hint: str | None = None) -> tuple[object, ...]:
    n = pack.parse_name(text, hint=hint)
    return n.surname, n.given_name, n.patronymic, n.sex, n.rank


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the example: the rank was taken for the surname, the surname for the name
        ("майора Николая Ивановича Александрова",
         ("Александров", "Николай", "Иванович", "m", "майор")),
        ("рядового Петрова Ивана Сергеевича", ("Петров", "Иван", "Сергеевич", "m", "рядовой")),
        ("сержанту Сидорову Олегу", ("Сидоров", "Олег", None, "m", "сержант")),
        ("лейтенантом Кузнецовым Павлом", ("Кузнецов", "Павел", None, "m", "лейтенант")),
        ("младшего сержанта Орлова Антона",
         ("Орлов", "Антон", None, "m", "младший сержант")),
        ("гвардии рядовой Смирнов Денис", ("Смирнов", "Денис", None, "m", "гвардии рядовой")),
        ("старшины Волкова Игоря", ("Волков", "Игорь", None, "m", "старшина")),
        ("генерал-майора Маркина Владимира", ("Маркин", "Владимир", None, "m", "генерал-майор")),
        # abbreviations keep their written form
        ("мл. сержант Зайцев Роман", ("Зайцев", "Роман", None, "m", "мл. сержант")),
    ],
)  # fmt: skip
def test_ranks_in_every_case_are_taken_out_and_kept(
    pack: RussianPack, text: str, expected: tuple[object, ...]
) -> None:
    assert _read(pack, text) == expected


def test_a_declined_rank_puts_the_name_in_its_case(pack: RussianPack) -> None:
    # «Романа Коноплева» alone is a woman (Романа, a woman's surname in -ова); after a rank
    # in the genitive it is the genitive of Роман Коноплев
    assert _read(pack, "Романа Коноплева")[:4] == ("Коноплева", "Романа", None, "f")
    assert _read(pack, "старшего лейтенанта Романа Коноплева") == (
        "Коноплев", "Роман", None, "m", "старший лейтенант")  # fmt: skip
    assert pack.parse_name("майора Романа Коноплева").rules["name_rank"] == (
        "rank words taken out of the name, declined: so is the name")  # fmt: skip
    # a rank in the nominative, «гвардии» and abbreviations say nothing of the case
    assert _read(pack, "гвардии рядовой Коноплева Романа")[:4] == (
        "Коноплева", "Романа", None, "f")  # fmt: skip


def test_declined_rank_knows_the_nominative_of_each_rank_word(pack: RussianPack) -> None:
    forms = pack._rank_forms
    assert declined_rank(["генерал-майора", "Иванова"], forms) is True
    assert declined_rank(["младшему", "сержанту"], forms) is True
    assert declined_rank(["гвардии", "рядовой"], forms) is False
    assert declined_rank(["мл.", "сержант"], forms) is False
    assert declined_rank(["Иванова", "Ивана"], forms) is False


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        # two words pymorphy3 knows both as given names: lists put the surname first …
        ("Вагнера Рихарда", None, ("Вагнер", "Рихард")),
        # … running text, which declines names, the given name first
        ("Рихарда Вагнера", "oblique", ("Вагнер", "Рихард")),
        ("Клода Моне", "oblique", ("Моне", "Клод")),
        # what the words say still wins over the source's habit
        ("Иванова Петра", "oblique", ("Иванов", "Пётр")),
    ],
)  # fmt: skip
def test_a_declining_source_reads_two_unsure_words_given_name_first(
    pack: RussianPack, text: str, hint: str | None, expected: tuple[str, str]
) -> None:
    assert _read(pack, text, hint)[:2] == expected
    # the token-cached path agrees with the full parse
    assert pack.plain_name_values(text, None, hint) == LanguagePack.name_values(
        pack, text, None, None, None, None, hint)  # fmt: skip


def test_latin_look_alikes_inside_cyrillic_words_are_folded(pack: RussianPack) -> None:
    # «H» and «a» are Latin letters here; a Latin word stays Latin
    assert _read(pack, "Hиколай Ивaнов")[:2] == ("Иванов", "Николай")
    assert pack.parse_name("Hиколай Ивaнов").script == "cyrillic"
    assert pack.parse_name("Nikolai Ivanov").script == "latin"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a woman's name in -а with a female patronymic is not a man's genitive
        ("Ковальская Бронислава Петровна", ("Ковальская", "Бронислава", "Петровна", "f", None)),
        # nor in the accusative: Клавдию is Клавдия, not Клавдий
        ("Клавдию Ивановну Петухову", ("Петухова", "Клавдия", "Ивановна", "f", None)),
        # «…ина Фарида» stays a woman
        ("Галиуллина Фарида", ("Галиуллина", "Фарида", None, "f", None)),
        # a surname in -ович is no patronymic when no father's name makes it
        ("Людмилу Зенькович", ("Зенькович", "Людмила", None, "f", None)),
        ("Виктором Януковичем", ("Янукович", "Виктор", None, "m", None)),
    ],
)  # fmt: skip
def test_sex_agrees_across_the_parts(
    pack: RussianPack, text: str, expected: tuple[object, ...]
) -> None:
    assert _read(pack, text) == expected


@pytest.mark.parametrize(
    ("text", "given", "candidates"),
    [("Шремс Макс", "Макс", ("Макс", "Максим")),  # not Максим
     ("Ахметов Гали", "Гали", ("Гали", "Галина")),  # not the genitive of Галя
     ("Лукин Парфен", "Парфен", ("Парфен",)),  # not Парфена
     ("Гарипов Ильнар", "Ильнар", ("Ильнар",)),  # not Ильнара
     ("Зимбардо Филип", "Филип", ("Филип", "Филипп"))],  # pymorphy3's own name first
)  # fmt: skip
def test_a_full_name_is_not_turned_into_another(
    pack: RussianPack, text: str, given: str, candidates: tuple[str, ...]
) -> None:
    parsed = pack.parse_name(text)
    assert (parsed.given_name, parsed.given_candidates) == (given, candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names only pymorphy3's dictionary knows, declined: both parts back to the nominative
        ("Марка Уэббера", ("Уэббер", "Марк")),
        ("Исаака Ньютона", ("Ньютон", "Исаак")),
        # adjectival surnames: pymorphy3 decides -ой against -ый, else -ый/-ий
        ("Алексеем Николаевичем Толстым", ("Толстой", "Алексей")),
        ("Алексея Навального", ("Навальный", "Алексей")),
        ("Юрию Долгорукому", ("Долгорукий", "Юрий")),
        # both parts of a double surname decline
        ("Николая Римского-Корсакова", ("Римский-Корсаков", "Николай")),
    ],
)  # fmt: skip
def test_declined_names_come_back_to_the_nominative(
    pack: RussianPack, text: str, expected: tuple[str, str]
) -> None:
    assert _read(pack, text)[:2] == expected


def test_turkic_patronymics_keep_their_particle(pack: RussianPack) -> None:
    assert _read(pack, "Мамедов Эльчин Гусейн оглы")[:4] == (
        "Мамедов", "Эльчин", "Гусейн оглы", "m")  # fmt: skip
    assert _read(pack, "Алиева Лейла Рамиз кызы")[2:4] == ("Рамиз кызы", "f")


def test_a_source_that_writes_surnames_first_decides_unclear_names(pack: RussianPack) -> None:
    # neither word is a known given name: in a list that writes «Фамилия Имя», the first
    # word is the surname
    assert _read(pack, "Батрес Хорхелис", "surname_first")[:2] == ("Батрес", "Хорхелис")
    # «Карлос» is in the more-names list (given_names_more.csv): a given name in any order
    assert _read(pack, "Батрес Карлос")[:2] == ("Батрес", "Карлос")
    assert _read(pack, "Карлос Батрес")[:2] == ("Батрес", "Карлос")
    # a known given name still wins over the source's habit
    assert _read(pack, "Иван Петров", "surname_first")[:2] == ("Петров", "Иван")
    names = ["Иванов Иван", "Петров Пётр", "Сидорова Анна", "Орлов Олег", "Котов Денис",
             "Волков Игорь", "Зайцев Роман", "Смирнова Ольга", "Попов Антон",
             "Лебедев Павел"]  # fmt: skip
    given_first = ["Иван Иванов", "Пётр Петров", "Анна Сидорова", "Олег Орлов", "Денис Котов"]
    hints = Normalizer(pack).detect_name_hints({"list": names, "mixed": [*names[:5], *given_first]})
    assert hints == {"list": "surname_first"}  # half the mixed source's names are G S


def test_a_rank_reaches_the_store(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    rows = [["майора Николая Ивановича Александрова"], ["Петров Иван"]]
    ingest_files(ws, [write_csv(tmp_path / "a.csv", ["full_name"], rows)], IngestOptions())
    run_normalize(ws)
    with ws.store() as store:
        got = store.rows("SELECT surname, name_rank FROM current_normalized ORDER BY surname")
    assert got == [{"surname": "Александров", "name_rank": "майор"},
                   {"surname": "Петров", "name_rank": None}]  # fmt: skip


def test_a_bad_row_of_own_names_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "given_names_own.csv").write_text("name,sex,note\nМакс,x,\n", "utf-8")
    bad = load_pack("ru", tmp_path)
    with pytest.raises(InputError, match="given_names_own.csv: a row needs a name and sex"):
        bad.parse_name("Шремс Макс")


def test_an_unknown_name_in_a_declining_source_is_a_mans_genitive(pack: RussianPack) -> None:
    # «Вендта» is known nowhere; alone, it reads as a woman's name by its ending; in a
    # source that writes names declined it is the genitive of Вендт
    assert _read(pack, "Вендта Шмюкера")[3] == "f"
    assert _read(pack, "Вендта Шмюкера", "oblique")[:2] == ("Шмюкер", "Вендт")
    # «Хайнц» is in the more-names list: its genitive is known in any source
    assert _read(pack, "Хайнца Шмюкера")[:4] == ("Шмюкер", "Хайнц", None, "m")
    # and so it is beside «Фишера», which pymorphy3's dictionary holds only as a man's
    # genitive (accusative): the surname shows the case
    assert _read(pack, "Хайнца Фишера") == ("Фишер", "Хайнц", None, "m", None)


def test_a_word_pymorphy3_holds_mostly_as_a_surname_is_the_surname(pack: RussianPack) -> None:
    # «Майер» has a rare Name reading but is mostly a Surn: the other word is the given name
    assert _read(pack, "Майер Марисса")[:4] == ("Майер", "Марисса", None, "f")
    assert _read(pack, "Марисса Майер")[:4] == ("Майер", "Марисса", None, "f")


def test_more_names_give_the_sex_of_names_of_other_peoples(pack: RussianPack) -> None:
    assert _read(pack, "Зурабишвили Саломе")[3] == "f"
    assert _read(pack, "Нателашвили Шалва")[3] == "m"
    assert _read(pack, "Нурланов Айгерим")[:2] == ("Нурланов", "Айгерим")
    # a listed diminutive keeps its key: «Дайана» is not made one of Данил's forms
    assert _read(pack, "Файнштейн Дайана")[1:4:2] == ("Дайана", "f")
