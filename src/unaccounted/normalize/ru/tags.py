"""What pymorphy3's dictionary says of a word as a name: its Name, Surn and Patr readings.

The pack's own lists come first; these readings are the evidence for the words the lists
do not hold — foreign and rarer given names («Марка» → Марк, genitive), surnames
pymorphy3 knows («Толстым» → Толстой), and whether a word in -ович is a patronymic or a
surname («Януковичем» is a surname). Only singular readings count: a plural reading
turns «Ильнар» into «Ильнара» and «Парфен» into «Парфена».
"""

from __future__ import annotations

from functools import lru_cache

from unaccounted.normalize.ru.morph import PYMORPHY_CASES, cased_like, pymorphy

#: (nominative, case, sex) — the shape of a given-name reading in ``TokenInfo.readings``.
Reading = tuple[str, str, str]


@lru_cache(maxsize=200_000)
def _known(word: str) -> bool:
    """Whether pymorphy3's dictionary holds the word (a look-up, no guessing: fast)."""
    return bool(pymorphy().word_is_known(word.lower()))


def _sex(tag: object) -> str | None:
    gender = getattr(tag, "gender", None)
    return "f" if gender == "femn" else "m" if gender == "masc" else None


@lru_cache(maxsize=100_000)
def name_readings(word: str) -> tuple[Reading, ...]:
    """Every singular Name reading of ``word``: the word itself as a nominative first.

    A word that is a nominative given name as written («Гали», «Парфен», «Раймон») keeps
    its own spelling; oblique readings follow, most probable first.
    """
    found: list[tuple[int, float, Reading]] = []
    if not _known(word):
        return ()
    for p in pymorphy().parse(word):
        tag = p.tag
        if "Name" not in tag or "plur" in tag or not p.is_known:
            continue
        sex = _sex(tag)
        if sex is None:
            continue
        case = PYMORPHY_CASES.get(str(tag.case), "")
        if not case:
            continue
        nominative = word if case == "nominative" else cased_like(str(p.normal_form), word)
        rank = 0 if case == "nominative" else 1
        found.append((rank, -float(p.score), (nominative, case, sex)))
    found.sort(key=lambda x: (x[0], x[1]))
    return tuple(dict.fromkeys(r for _, _, r in found))


@lru_cache(maxsize=100_000)
def surname_readings(word: str) -> tuple[Reading, ...]:
    """Every singular Surn reading of ``word`` that pymorphy3's dictionary holds."""
    found: list[Reading] = []
    if not _known(word):
        return ()
    for p in pymorphy().parse(word):
        tag = p.tag
        if "Surn" not in tag or "plur" in tag or not p.is_known:
            continue
        sex = _sex(tag)
        case = PYMORPHY_CASES.get(str(tag.case), "")
        if sex is None or not case:
            continue
        if case == "nominative":
            nominative = word
        else:
            form = p.inflect({"nomn"})
            nominative = cased_like(str(form.word if form else p.normal_form), word)
        found.append((nominative, case, sex))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=100_000)
def mostly_surname(word: str) -> bool:
    """Whether pymorphy3's dictionary holds ``word`` at least twice as likely a surname as
    a given name («Майер», «Ким», «Ли»): its Name reading is then no evidence of the role."""
    if not _known(word):
        return False
    name = surname = 0.0
    for p in pymorphy().parse(word):
        if p.is_known and "Surn" in p.tag:
            surname += float(p.score)
        elif p.is_known and "Name" in p.tag:
            name += float(p.score)
    return surname > 0.5 and surname >= 2 * name


@lru_cache(maxsize=100_000)
def is_known_patronymic(word: str) -> bool:
    """Whether pymorphy3's dictionary holds ``word`` as a patronymic (not just its shape)."""
    return _known(word) and any("Patr" in p.tag and p.is_known for p in pymorphy().parse(word))
