"""How each kind of source writes a record: the styles of ``sources[].style``.

A style turns one source's records into columns of raw strings, the way such a source
really writes them. Examples of one person in each style are in ``docs/simulate.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from unaccounted.simulate import forms
from unaccounted.simulate.render import Objects, Render, join, objects
from unaccounted.simulate.vocab import (
    CATEGORY_WORDS,
    COURT_WORDS,
    RANK_ABBREVIATIONS,
    RANK_ENGLISH,
    STATUS_WORDS,
)


@dataclass
class Table:
    headers: list[str]
    columns: list[Objects]
    #: Non-canonical header → canonical column (the mapping file's ``columns``).
    mapping: dict[str, str] = field(default_factory=dict)


def _full_name(r: Render) -> Objects:
    return join(r.surname(), " ", r.given(), " ", r.patronymic())


def official(r: Render) -> Table:
    """Military commissariat notices: «Савченко Сергей Иванович», 12.03.2023, «в/ч 12345»."""
    name = r.no_yo(_full_name(r), 0.5)
    return Table(
        ["record_id", "full_name", "birth_date", "status", "event_date", "unit", "rank",
         "category", "region", "published", "notice_no"],
        [r.record_ids("MO-"), name, r.date(r.birth(), forms.dmy),
         r.status(STATUS_WORDS["official"]),
         r.date(r.event(), forms.dmy), r.unit(["unit_number", "abbreviation"], [0.8, 0.2]),
         r.rank(), r.category(CATEGORY_WORDS["ru"]), r.region("full_name"),
         r.date(r.recs.published, forms.dmy),
         objects([f"{i % 997 + 1}/{i // 997 + 1}" for i in range(r.n)])],
    )  # fmt: skip


def official_split(r: Render) -> Table:
    """Regional announcements with split name columns and a sex column."""
    v = r.variant([0.6, 0.4])
    birth = np.where(v == 0, r.date(r.birth(), forms.dmy), r.date(r.birth(), forms.year))
    return Table(
        ["record_id", "surname", "given_name", "patronymic", "sex", "birth_date", "status",
         "event_date", "unit", "region", "hometown", "published", "url"],
        [r.record_ids("R", 6), r.no_yo(r.surname(), 0.7), r.given(), r.patronymic(),
         objects(["м", "ж"])[r.sex], birth, r.status(STATUS_WORDS["official"]),
         r.date(r.event(), forms.dmy), r.unit(["abbreviation", "full"], [0.7, 0.3]),
         r.region("name_with_type"), r.hometown(), r.date(r.recs.published, forms.iso),
         r.urls(r.recs.source.url)],
    )  # fmt: skip


_OBIT_CASES = ("nominative", "genitive", "dative", "instrumental")
_OBIT_TEMPLATES = {
    "nominative": "{status} {name}, {age}, {home}.",
    "genitive": "Прощание с памятью {name} прошло в {home}. {Status} {date}.",
    "dative": "Вечная память {name}: {status} {date} {place}.",
    "instrumental": "Земляки простились с {name}, который {status} {date}.",
}


def obituary(r: Render) -> Table:
    """Local obituaries: declined names («Сергея Ивановича Савченко»), «12 марта 2023 г.»."""
    case = r.variant([0.35, 0.3, 0.2, 0.15])
    short = r.chance(0.4)  # given name and surname only
    name = np.full(r.n, "", dtype=object)
    for c, case_name in enumerate(_OBIT_CASES):
        sur, giv, pat = r.declined(case_name)
        full = np.where(short, join(giv, " ", sur), join(giv, " ", pat, " ", sur))
        name = np.where(case == c, full, name)
    name = r.no_yo(name, 0.7)
    with_birth = r.chance(0.3)
    birth = np.where(with_birth, r.date(r.birth(), forms.words), "")
    age = np.where(with_birth, "", r.age())
    status = r.status(STATUS_WORDS["obituary"])
    event = r.date(r.event(), forms.words)
    place = join("под ", r.place("instrumental"))
    home = r.hometown()
    quote = objects(
        _OBIT_TEMPLATES[_OBIT_CASES[c]].format(
            name=n, status=s, Status=s[:1].upper() + s[1:], date=d, place=pl, home=h,
            age=a or "возраст не указан",
        )
        for c, n, s, d, pl, h, a in zip(
            case.tolist(), name, status, event, place, home, age, strict=True
        )
    )  # fmt: skip
    quote = objects(q.replace("г..", "г.") for q in quote)
    return Table(
        ["record_id", "full_name", "birth_date", "age", "status", "event_date", "event_place",
         "unit", "hometown", "region", "url", "quote", "published"],
        [r.record_ids("ob", 6), name, birth, age, status, event, place,
         r.unit(["colloquial", "full", "abbreviation"], [0.5, 0.3, 0.2]), home,
         r.region("name_with_type"), r.urls(r.recs.source.url), quote,
         r.date(r.recs.published, forms.dmy)],
    )  # fmt: skip


def _diminutive(r: Render) -> Objects:
    from unaccounted.simulate.locale import diminutives

    dim = diminutives()
    keys = r.world.given_idx[r.p]
    pick = r.rng.integers(0, 8, r.n)

    def form(k: int) -> str:
        name = r.world.pools.given[k]
        return dim.get(name, (name,))[0]

    first = forms.by_unique(keys, form)
    return np.where(pick % 2 == 0, first, r.given())


def social(r: Render) -> Table:
    """Relatives' posts: diminutives («Серёжа»), age not birth date, slang statuses."""
    v = r.variant([0.45, 0.3, 0.15, 0.1])
    given = np.where(r.chance(0.5), _diminutive(r), r.given())
    sur = r.surname()
    name = np.where(v == 0, join(given, " ", sur), join(r.given(), " ", sur))
    name = np.where(v == 2, join(sur, " ", given), name)
    name = np.where(v == 3, objects([str(x).lower() for x in join(given, " ", sur)]), name)
    name = r.no_yo(name, 0.8)
    dv = r.variant([0.35, 0.35, 0.3])
    event = np.where(dv == 0, r.date(r.event(), lambda d: forms.words(d, year=False)),
                     r.date(r.event(), forms.dmy_short))  # fmt: skip
    event = np.where(dv == 2, "", event)
    status = r.status(STATUS_WORDS["social"])
    home = r.hometown()
    quote = join("Наш ", given, " — ", status, ". ", home, ". Помним, любим, скорбим.")
    return Table(
        ["record_id", "full_name", "age", "status", "event_date", "hometown", "unit",
         "url", "quote", "published", "platform"],
        [r.record_ids("post", 7), name, np.where(r.chance(0.7), r.age(), ""), status, event,
         home, np.where(r.chance(0.5), r.unit(["colloquial", "abbreviation"], [0.7, 0.3]), ""),
         r.urls(r.recs.source.url), quote, r.date(r.recs.published, forms.iso),
         r.pick(["VK", "Telegram", "OK"])],
    )  # fmt: skip


def translit(r: Render) -> Table:
    """Latin-script lists: «SAVCHENKO Sergei», several real schemes, Serhii/Sergey variants."""
    from unaccounted.simulate.locale import latin_given_names

    schemes = list(forms.SCHEMES)
    scheme = r.variant([0.3, 0.2, 0.2, 0.1, 0.08, 0.07, 0.05])
    latin = latin_given_names()
    style = r.variant([0.75, 0.1, 0.15])  # scheme, popular spelling, Ukrainian form
    sur = np.empty(r.n, dtype=object)
    giv = np.empty(r.n, dtype=object)
    pat = np.empty(r.n, dtype=object)
    w = r.world
    for i, (p, s, st) in enumerate(zip(r.p.tolist(), scheme.tolist(), style.tolist(), strict=True)):
        sch = schemes[s]
        sur[i] = forms.translit(w.surname[p], sch).upper()
        g = w.given_name[p]
        alt = latin.get((g, ("popular", "ukrainian")[st - 1])) if st else None
        giv[i] = alt[p % len(alt)] if alt else forms.translit(g, sch)
        pat[i] = forms.translit(w.patronymic[p], sch)
    name = np.where(r.chance(0.3), join(sur, " ", giv, " ", pat), join(sur, " ", giv))
    dates = r.variant([0.7, 0.3])
    birth = np.where(dates == 0, r.date(r.birth(), forms.iso), r.date(r.birth(), forms.slash))
    event = np.where(dates == 0, r.date(r.event(), forms.iso), r.date(r.event(), forms.slash))
    return Table(
        ["record_id", "full_name", "sex", "birth_date", "status", "event_date", "event_place",
         "unit", "rank", "category", "region", "url", "published"],
        [r.record_ids("EN-", 6), name, objects(["M", "F"])[r.sex],
         np.where(r.chance(0.6), birth, ""), r.status(STATUS_WORDS["translit"]), event,
         r.place("english"), r.unit(["english", "abbreviation"], [0.7, 0.3]),
         r.rank(RANK_ENGLISH), r.category(CATEGORY_WORDS["en"]), r.region("name_en"),
         r.urls(r.recs.source.url), r.date(r.recs.published, forms.iso)],
    )  # fmt: skip


def memorial(r: Render) -> Table:
    """A hand-typed memorial book with Russian headers: «Савченко С. И.», year only, typos."""
    sur = r.typos(r.surname(), r.recs.source.typos)
    name = np.where(r.chance(0.5), join(sur, " ", r.initials()),
                    join(sur, " ", r.given(), " ", r.patronymic()))  # fmt: skip
    name = r.no_yo(name, 1.0)
    dv = r.variant([0.4, 0.3, 0.3])
    event = np.where(dv == 0, r.date(r.event(), forms.dmy), r.date(r.event(), forms.month_year))
    event = np.where(dv == 2, r.date(r.event(), forms.year), event)
    headers = ["№ п/п", "ФИО", "Год рождения", "Дата гибели", "Статус", "Звание",
               "Воинская часть", "Откуда призван"]  # fmt: skip
    canonical = ["record_id", "full_name", "birth_date", "event_date", "status", "rank",
                 "unit", "hometown"]  # fmt: skip
    return Table(
        headers,
        [objects([str(i) for i in range(1, r.n + 1)]), name, r.date(r.birth(), forms.year), event,
         r.status(STATUS_WORDS["memorial"]), r.rank(RANK_ABBREVIATIONS),
         r.no_yo(r.unit(["abbreviation", "colloquial", "full"], [0.5, 0.3, 0.2]), 1.0),
         r.no_yo(r.hometown(), 1.0)],
        dict(zip(headers, canonical, strict=True)),
    )  # fmt: skip


def grave(r: Render) -> Table:
    """Photographs of graves: name and the two dates on the headstone, the cemetery."""
    name = r.typos(_full_name(r), r.recs.source.typos)
    home = r.hometown()
    return Table(
        ["record_id", "full_name", "birth_date", "event_date", "status", "hometown", "cemetery",
         "url", "published"],
        [r.record_ids("g", 7), r.no_yo(name, 0.3), r.date(r.birth(), forms.dmy),
         r.date(r.event(), forms.dmy), r.status(STATUS_WORDS["grave"]), home,
         join("кладбище, ", home), r.urls(r.recs.source.url), r.date(r.recs.published, forms.iso)],
    )  # fmt: skip


def court(r: Render) -> Table:
    """Court decisions with Russian headers; the name in the accusative, as decisions write it."""
    sur, giv, pat = r.declined("accusative")
    name = join(sur, " ", giv, " ", pat)
    decision = np.where(
        r.recs.status == 5,
        np.where(r.sex == 1, COURT_WORDS["declared_dead"][1], COURT_WORDS["declared_dead"][0]),
        np.where(
            r.sex == 1, COURT_WORDS["declared_missing"][1], COURT_WORDS["declared_missing"][0]
        ),
    )
    filed = r.recs.published - r.rng.integers(20, 120, r.n)
    years = [forms.date_of(d).year for d in r.recs.published.tolist()]
    case_no = objects([f"2-{i + 1}/{y}" for i, y in enumerate(years)])
    capitals = objects([row["capital"] for row in r.world.regions])
    court_name = join("районный суд, г. ", capitals[r.world.region[r.p]])
    headers = ["Номер дела", "Суд", "ФИО", "Дата рождения", "Решение", "Дата исчезновения",
               "Место", "Дата подачи заявления", "Дата решения"]  # fmt: skip
    canonical = ["record_id", "court", "full_name", "birth_date", "status", "event_date",
                 "event_place", "filed", "published"]  # fmt: skip
    return Table(
        headers,
        [case_no, court_name, name, r.date(r.birth(), forms.dmy), decision,
         r.date(r.event(), forms.dmy), join("в районе ", r.place("genitive")),
         r.date(filed, forms.dmy), r.date(r.recs.published, forms.dmy)],
        {h: c for h, c in zip(headers, canonical, strict=True) if c not in ("court", "filed")},
    )  # fmt: skip


def roster(r: Render) -> Table:
    """A leaked unit roster: names in capitals, personal numbers, every fate including wounded."""
    name = r.typos(objects([str(x).upper() for x in _full_name(r)]), r.recs.source.typos)
    letters = "АБВГДЕЖИКЛМНОПРСТ"
    token = objects(
        f"{letters[p % 17]}{letters[(p // 17) % 17]}-{(p * 7919 + r.world.seed) % 1_000_000:06d}"
        for p in r.p.tolist()
    )
    return Table(
        ["record_id", "full_name", "sex", "birth_date", "status", "event_date", "unit", "rank",
         "category", "region", "personal_number"],
        [r.record_ids("", 6), name, objects(["М", "Ж"])[r.sex], r.date(r.birth(), forms.dmy),
         r.status(STATUS_WORDS["roster"]), r.date(r.event(), forms.dmy),
         r.unit(["unit_number"], [1.0]), r.rank(), r.category(CATEGORY_WORDS["ru"]),
         r.region("name"), token],
    )  # fmt: skip


def _everyday_name(r: Render) -> Objects:
    """The given name's everyday form («Серёжа»), the name itself when it has none."""
    from unaccounted.simulate.locale import diminutives

    dim = diminutives()
    pool = r.world.pools.given
    return forms.by_unique(r.world.given_idx[r.p], lambda k: dim.get(pool[k], (pool[k],))[0])


def sparse_post(r: Render) -> Table:
    """Short posts with an everyday name, a surname and a home town, and nothing else:
    «Серёжа Савченко» or «Савченко Серёжа», no patronymic, birth date or age; the death's
    date as «03.2023», «12 марта» or not at all."""
    given = _everyday_name(r)
    sur = r.surname()
    name = np.where(r.chance(0.6), join(given, " ", sur), join(sur, " ", given))
    dv = r.variant([0.4, 0.3, 0.3])
    event = np.where(dv == 0, r.date(r.event(), forms.month_year_numeric),
                     r.date(r.event(), lambda d: forms.words(d, year=False)))  # fmt: skip
    event = np.where(dv == 2, "", event)
    status = r.status(STATUS_WORDS["social"])
    home = r.hometown()
    quote = join(given, ", ", home, " — ", status, ".")
    return Table(
        ["record_id", "full_name", "status", "event_date", "hometown", "url", "quote",
         "published"],
        [r.record_ids("sp", 7), name, status, event, home, r.urls(r.recs.source.url), quote,
         r.date(r.recs.published, forms.iso)],
    )  # fmt: skip


def foreign(r: Render) -> Table:
    """Lists in German, Polish or Ukrainian spelling, surname first without a comma:
    «Sawtschenko Sergei», «Sawczenko Sergej», «Savchenko Kyrylo»; dates 12.03.1985, a year,
    or none."""
    from unaccounted.simulate.locale import latin_given_names

    latin = latin_given_names()
    scheme = r.variant([0.45, 0.35, 0.2])  # German, Polish, Ukrainian
    w = r.world
    name = np.empty(r.n, dtype=object)
    for i, (p, s) in enumerate(zip(r.p.tolist(), scheme.tolist(), strict=True)):
        if s < 2:
            name[i] = forms.foreign(f"{w.surname[p]} {w.given_name[p]}", ("german", "polish")[s])
            continue
        alt = latin.get((w.given_name[p], "ukrainian"))
        sur = forms.translit(w.surname[p], "wikipedia").replace("g", "h").replace("G", "H")
        name[i] = (
            f"{sur} {alt[p % len(alt)] if alt else forms.translit(w.given_name[p], 'wikipedia')}"
        )
    bv = r.variant([0.5, 0.25, 0.25])
    birth = np.where(bv == 0, r.date(r.birth(), forms.dmy), r.date(r.birth(), forms.year))
    birth = np.where(bv == 2, "", birth)
    return Table(
        ["record_id", "full_name", "sex", "birth_date", "status", "event_date", "region"],
        [r.record_ids("F-", 6), name, objects(["M", "F"])[r.sex], birth,
         r.status(STATUS_WORDS["translit"]), r.date(r.event(), forms.dmy), r.region("name_en")],
    )  # fmt: skip


STYLES: dict[str, Callable[[Render], Table]] = {
    "official": official,
    "official_split": official_split,
    "obituary": obituary,
    "social": social,
    "translit": translit,
    "memorial": memorial,
    "grave": grave,
    "court": court,
    "roster": roster,
    "sparse_post": sparse_post,
    "foreign": foreign,
}
