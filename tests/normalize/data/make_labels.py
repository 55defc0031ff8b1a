"""Write the labelled name and date sets (``names.csv``, ``dates.csv``) — run once, by hand.

Every name is made up: surnames, given names and patronymics are combined at random from
short lists below, and each string's expected parse comes from how it was composed, not
from the normalizer. Declined forms are made with petrovich, as the simulator makes them.
The hand-written hard cases are in ``names_hand.csv`` / ``dates_hand.csv``.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import random
from pathlib import Path

from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

HERE = Path(__file__).parent
M = PetrovichDeclinationMaker()
SURNAMES_M = [
    "Савченко",
    "Чупиков",
    "Лебедев",
    "Ковальчук",
    "Жигульских",
    "Янпольский",
    "Гармаев",
    "Дзугкаев",
    "Мусаев",
    "Ооржак",
    "Кузнецов",
    "Белых",
    "Троицкий",
    "Шевчук",
    "Бойко",
    "Набиуллин",
    "Соловьёв",
    "Фомин",
    "Морозов",
    "Хабибуллин",
]
FEM = {
    "Чупиков": "Чупикова",
    "Лебедев": "Лебедева",
    "Янпольский": "Янпольская",
    "Гармаев": "Гармаева",
    "Дзугкаев": "Дзугкаева",
    "Мусаев": "Мусаева",
    "Кузнецов": "Кузнецова",
    "Троицкий": "Троицкая",
    "Набиуллин": "Набиуллина",
    "Соловьёв": "Соловьёва",
    "Фомин": "Фомина",
    "Морозов": "Морозова",
    "Хабибуллин": "Хабибуллина",
}
GIVEN_M = [
    "Сергей",
    "Алексей",
    "Никита",
    "Семён",
    "Дмитрий",
    "Андрей",
    "Иван",
    "Илья",
    "Михаил",
    "Павел",
    "Юрий",
    "Евгений",
    "Артём",
    "Кирилл",
    "Олег",
    "Тимур",
]
GIVEN_F = ["Ольга", "Анна", "Елена", "Мария", "Ирина", "Татьяна", "Наталья", "Юлия"]
FATHERS = {
    "Иванович": "Ивановна",
    "Сергеевич": "Сергеевна",
    "Юрьевич": "Юрьевна",
    "Андреевич": "Андреевна",
    "Дмитриевич": "Дмитриевна",
    "Ильич": "Ильинична",
    "Никитич": "Никитична",
    "Петрович": "Петровна",
    "Игоревич": "Игоревна",
    "Артёмович": "Артёмовна",
    "Павлович": "Павловна",
    "Михайлович": "Михайловна",
}
DIMINUTIVES = {
    "Серёжа": "Сергей",
    "Лёша": "Алексей",
    "Дима": "Дмитрий",
    "Ваня": "Иван",
    "Миша": "Михаил",
    "Паша": "Павел",
    "Женя": "Евгений",
    "Юра": "Юрий",
}
CASES = {
    "genitive": Case.GENITIVE,
    "dative": Case.DATIVE,
    "instrumental": Case.INSTRUMENTAL,
    "accusative": Case.ACCUSATIVE,
}


def decline(word: str, part: NamePart, fem: bool, case: Case) -> str:
    return str(M.make(part, Gender.FEMALE if fem else Gender.MALE, case, word))


def person(rng: random.Random) -> tuple[str, str, str, bool]:
    fem = rng.random() < 0.25
    sur = rng.choice(SURNAMES_M)
    if fem:
        sur = FEM.get(sur, sur)
    given = rng.choice(GIVEN_F if fem else GIVEN_M)
    masc = rng.choice(list(FATHERS))
    patr = FATHERS[masc] if fem else masc
    return sur, given, patr, fem


def names(rng: random.Random, n: int) -> list[list[str]]:
    rows = []
    while len(rows) < n:
        sur, given, patr, fem = person(rng)
        shape = rng.randrange(9)
        gi, pi = given[0], patr[0]
        if shape == 0:
            rows.append([f"{sur} {given} {patr}", sur, given, patr, gi, pi])
        elif shape == 1:
            rows.append([f"{given} {patr} {sur}", sur, given, patr, gi, pi])
        elif shape == 2:
            rows.append([f"{sur.upper()} {given} {patr}", sur, given, patr, gi, pi])
        elif shape == 3:
            rows.append([f"{gi}. {pi}. {sur}", sur, "", "", gi, pi])
        elif shape == 4:
            rows.append([f"{sur} {gi}.{pi}.", sur, "", "", gi, pi])
        elif shape == 5:
            rows.append([f"{given} {sur}", sur, given, "", gi, ""])
        elif shape == 6:
            case = CASES[rng.choice(list(CASES))]
            text = " ".join(
                decline(w, p, fem, case)
                for w, p in (
                    (given, NamePart.FIRSTNAME),
                    (patr, NamePart.MIDDLENAME),
                    (sur, NamePart.LASTNAME),
                )
            )
            rows.append([text, sur, given, patr, gi, pi])
        elif shape == 7 and not fem:
            dim = rng.choice(list(DIMINUTIVES))
            canon = DIMINUTIVES[dim]
            masc_sur = sur
            rows.append([f"{dim} {masc_sur}", masc_sur, canon, "", canon[0], ""])
        elif shape == 8:
            rows.append([f"{sur} {given}", sur, given, "", gi, ""])
    return rows


def add_months(d: dt.date) -> str:
    return d.isoformat()


MONTHS_GEN = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
MONTHS_NOM = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def dates(rng: random.Random, n: int) -> list[list[str]]:
    rows = []
    while len(rows) < n:
        d = dt.date(2022, 2, 24) + dt.timedelta(days=rng.randrange(0, 1000))
        last = dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        first = d.replace(day=1)
        y0, y1 = dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
        ref = ""
        shape = rng.randrange(10)
        if shape == 0:
            text, lo, hi, prec = d.strftime("%d.%m.%Y"), d, d, "day"
        elif shape == 1:
            text, lo, hi, prec = d.isoformat(), d, d, "day"
        elif shape == 2:
            text, lo, hi, prec = d.strftime("%Y%m%d"), d, d, "day"
        elif shape == 3:
            text, lo, hi, prec = f"{d.day} {MONTHS_GEN[d.month - 1]} {d.year} г.", d, d, "day"
        elif shape == 4:
            text, lo, hi, prec = f"{MONTHS_NOM[d.month - 1]} {d.year}", first, last, "month"
        elif shape == 5:
            text, lo, hi, prec = str(d.year), y0, y1, "year"
        elif shape == 6:
            ref = (d + dt.timedelta(days=rng.randrange(1, 60))).isoformat()
            text, lo, hi, prec = d.strftime("%d.%m.%y"), d, d, "day"
        elif shape == 7:
            ref = (d + dt.timedelta(days=rng.randrange(0, 200))).isoformat()
            text, lo, hi, prec = f"{d.day} {MONTHS_GEN[d.month - 1]}", d, d, "day"
        elif shape == 8:
            text, lo, hi, prec = f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}", d, d, "day"
        else:
            if d.day <= 12 and d.day != d.month:
                a, b = sorted([d, dt.date(d.year, d.day, d.month)])
                text, lo, hi, prec = d.strftime("%d/%m/%Y"), a, b, "day"
            else:
                text, lo, hi, prec = d.strftime("%d/%m/%Y"), d, d, "day"
        rows.append([text, ref, lo.isoformat(), hi.isoformat(), prec])
    return rows


def main() -> None:
    rng = random.Random(20260311)
    with (HERE / "names.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["text", "surname", "given_name", "patronymic", "given_initial", "patronymic_initial"]
        )
        w.writerows(names(rng, 480))
    with (HERE / "dates.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "ref", "lo", "hi", "precision"])
        w.writerows(dates(rng, 300))


if __name__ == "__main__":
    main()
