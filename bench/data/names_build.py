"""Build ``names.csv``, the real-name evaluation of ``bench/names.py`` (see NAMES_SOURCES.md).

Reads the Person annotation of factRuEval-2016 (MIT licence) from a local clone::

    git clone https://github.com/dialogue-evaluation/factRuEval-2016 /tmp/factru
    python bench/data/names_build.py /tmp/factru

and writes one row per test string: ``slice,text,surname,given,patronymic,sex,origin``.
``given`` may hold several right answers separated by «|» (Александр|Саша). The three
generated slices (ranks, initials, look-alikes) are made from the real names by the rules
written here, with a fixed seed.
"""

from __future__ import annotations

import collections
import csv
import random
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("slice", "text", "surname", "given", "patronymic", "sex", "origin")
KEYS = {"name": "firstname", "surname": "lastname", "patronymic": "patronymic"}
#: Annotated "nominatives" that are case forms in the source annotation, put right.
FIXES = {"Егора": "Егор", "Хуану": "Хуан", "Рамзану": "Рамзан", "Джоанны": "Джоанна",
         "Фафнира": "Фафнир", "Барминый": "Бармин"}  # fmt: skip
#: Given names of the non-Slavic peoples of Russia and the former USSR (Tatar, Bashkir,
#: Caucasian, Central Asian, Kalmyk …) that occur in the corpus: the non-Slavic slice.
NON_SLAVIC = {"Айрат", "Равиль", "Рустем", "Тимур", "Нурсултан", "Рамзан", "Ахмат-Хаджи",
              "Алишер", "Кирсан", "Гейдар", "Леван", "Шалва", "Бадри", "Арам", "Карен",
              "Левон", "Виген", "Иса", "Сулим", "Айдын", "Ираклий", "Гиорги", "Джахан",
              "Мустафа", "Натсаг", "Бадманьямбу", "Эльмар", "Нино", "Саломе", "Марлен",
              "Билал", "Шахрияр", "Абдолреза", "Гамлет"}  # fmt: skip
_MALE_A = {"Никита", "Илья", "Фома", "Лука", "Кузьма", "Иса", "Мустафа", "Саша", "Гата",
           "Джошуа", "Сулим", "Бодхидхарма", "Макер", "Николя", "Абдолреза", "Шалва",
           "Франсуа", "Наттавута"}  # fmt: skip
#: Given names whose sex the rules cannot tell and the authors do not know: no sex.
_UNKNOWN = {"Аксара", "Зденко"}
_FEMALE = {"Кейт", "Хайди", "Хилари", "Хиллари", "Нэнси", "Жюли", "Кристин", "Линн", "Пегги",
           "Нино", "Саломе", "Ннека", "Ирена", "Эдита", "Анита", "Гретхен", "Теа",
           "Беназир", "Кондолиза", "Дайана", "Марианна", "Сабрина", "Саманта"}  # fmt: skip
_NOT_A_NAME = {"Пьеро", "Воланд", "Кащей", "Гаргантюа", "Мефистофель", "Фауст", "Идоменей",
               "Горацио", "Фафнир"}  # fmt: skip
#: Ranks put before names (slice «ranks»), in the nominative; inflected by pymorphy3.
RANKS = ("рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант", "старшина",
         "прапорщик", "лейтенант", "старший лейтенант", "капитан", "майор", "подполковник",
         "полковник", "генерал-майор", "гвардии рядовой", "матрос")  # fmt: skip
#: The case a man's declined surname shows against its nominative (-ов/-ев/-ин stems).
_CASE_OF_ENDING = {"а": "gent", "у": "datv", "ым": "ablt", "е": "loct"}
#: Latin letters that look like Cyrillic ones (slice «lookalike»).
LOOKALIKE = dict(zip("АВЕКМНОРСТХаеорсух", "ABEKMHOPCTXaeopcyx", strict=True))


def _show(repo: Path, path: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    return done.stdout


def persons(repo: Path) -> list[dict[str, object]]:
    """Every annotated Person: its nominative parts and its mentions as written."""
    listing = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    out: list[dict[str, object]] = []
    for book in sorted({f[: -len(".coref")] for f in listing if f.endswith(".coref")}):
        spans: dict[str, list[tuple[str, int, int]]] = {}
        for line in _show(repo, book + ".spans").splitlines():
            f = line.partition("#")[0].split()
            if len(f) >= 6:
                spans.setdefault(f[0], []).append((f[1], int(f[2]), int(f[3])))
        text = _show(repo, book + ".txt")
        objects = {}
        for line in _show(repo, book + ".objects").splitlines():
            f = line.partition("#")[0].split()
            if len(f) >= 3 and f[1] == "Person":
                objects[f[0]] = f[2:]
        for record in _show(repo, book + ".coref").split("\n\n"):
            lines = [x for x in record.strip().splitlines() if x.strip()]
            if not lines:
                continue
            gold: dict[str, list[str]] = collections.defaultdict(list)
            for x in lines[1:]:
                k, _, v = x.partition(" ")
                gold[k].append(FIXES.get(v.strip(), v.strip()))
            mentions = []
            for oid in lines[0].split()[1:]:
                parts = sorted({(start, typ, text[start:start + n])
                                for sid in objects.get(oid, ()) for typ, start, n in spans[sid]
                                if typ in KEYS})  # fmt: skip
                ends = [start + len(w) for start, _, w in parts]
                if parts and all(e <= s for e, (s, _, _) in zip(ends, parts[1:], strict=False)):
                    mentions.append(parts)  # overlapping spans («Ахмат Ахмат-Хаджи») left out
            if mentions:
                out.append({"origin": book.split("/")[-1], "gold": dict(gold),
                            "mentions": mentions})  # fmt: skip
    return out


_WORD = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?$")


def _clean(gold: dict[str, list[str]]) -> bool:
    """A person whose parts are single Cyrillic words (no «Аун Сан», «аль-Барадеи»)."""
    parts = gold.get("firstname", []) + gold.get("lastname", []) + gold.get("patronymic", [])
    return bool(parts) and all(_WORD.match(p) for p in parts) and not (
        set(gold.get("firstname", [])) & _NOT_A_NAME)  # fmt: skip


def _scorable(mention: list[tuple[int, str, str]], gold: dict[str, list[str]]) -> bool:
    """A mention of two or more parts, each once, in Cyrillic, spelled as its gold value.

    A lone surname or given name says too little to score; a mention in Latin letters
    has a translated gold value, not a nominative; and the annotation sometimes gives
    another spelling (written «Соркиным», gold «Сорокин»): each written word must begin
    with its gold nominative less the last two letters (ё as е), or be its initial.
    """
    kinds = [KEYS[t] for _, t, _ in mention]
    if len(kinds) < 2 or len(set(kinds)) < len(kinds):
        return False
    for (_, _, word), kind in zip(mention, kinds, strict=True):
        if not re.fullmatch(r"[А-ЯЁ][а-яё]*(?:-[А-ЯЁ][а-яё]+)?", word):
            return False
        if len(word) == 1:
            continue
        stems = [g.lower().replace("ё", "е")[:-2] for g in gold.get(kind, [])]
        if not any(word.lower().replace("ё", "е").startswith(st) for st in stems):
            return False
    return True


def sex_of(gold: dict[str, list[str]]) -> str:
    """Sex by stated rules: patronymic suffix, else surname ending, else the given name."""
    for p in gold.get("patronymic", []):
        if p.endswith(("вна", "чна")):
            return "f"
        if p.endswith("ич"):
            return "m"
    for s in gold.get("lastname", []):
        if s.endswith(("ова", "ева", "ёва", "ина", "ына", "ская", "цкая")):
            return "f"
        if s.endswith(("ов", "ев", "ёв", "ин", "ын", "ский", "цкий")):
            return "m"
    first = (gold.get("firstname") or [""])[0]
    if not first or first in _UNKNOWN:
        return ""
    if first in _FEMALE or (first.endswith(("а", "я")) and first not in _MALE_A):
        return "f"
    if first in _MALE_A or first[-1] in "бвгджзйклмнпрстфхцчшщь":
        return "m"
    return ""


_ALL = ("lastname", "firstname", "patronymic")


def _row(slice_: str, text: str, gold: dict[str, list[str]], origin: str,
         parts: tuple[str, ...] = _ALL) -> dict[str, str]:  # fmt: skip
    get = {k: "|".join(gold.get(k, [])) if k in parts else "" for k in KEYS.values()}
    return {"slice": slice_, "text": text, "surname": get["lastname"], "given": get["firstname"],
            "patronymic": get["patronymic"], "sex": sex_of(gold), "origin": origin}  # fmt: skip


def build(repo: Path) -> list[dict[str, str]]:
    import pymorphy3  # type: ignore[import-untyped]

    morph = pymorphy3.MorphAnalyzer()
    rng = random.Random(16)
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(row: dict[str, str]) -> None:
        if (row["slice"], row["text"]) not in seen:
            seen.add((row["slice"], row["text"]))
            rows.append(row)

    official: list[tuple[dict[str, list[str]], str]] = []
    declined: list[tuple[str, dict[str, list[str]], str, tuple[str, ...]]] = []
    for person in persons(repo):
        gold, origin = person["gold"], str(person["origin"])
        assert isinstance(gold, dict)
        if not _clean(gold):
            continue
        if gold.get("firstname") and gold.get("lastname"):
            parts = [gold["lastname"][0], gold["firstname"][0], *gold.get("patronymic", [])[:1]]
            if ("official", " ".join(parts)) not in seen:
                official.append((gold, origin))
                add(_row("official", " ".join(parts), gold, origin))
        for mention in person["mentions"]:  # type: ignore[attr-defined]
            kinds = tuple(KEYS[t] for _, t, _ in mention)
            if not _scorable(mention, gold):
                continue
            mention_gold = {k: ([w] if len(w) == 1 else gold.get(k, []))
                            for (_, t, w), k in zip(mention, kinds, strict=True)}  # fmt: skip
            written = " ".join(w + "." if len(w) == 1 else w for _, _, w in mention)
            fold = [w.lower().replace("ё", "е") for _, _, w in mention]
            nominative = all(f in [g.lower().replace("ё", "е") for g in gold.get(k, [])]
                             for f, k in zip(fold, kinds, strict=True))  # fmt: skip
            if not nominative:
                declined.append((written, {**gold, **mention_gold}, origin, kinds))
                add(_row("declined", written, {**gold, **mention_gold}, origin, kinds))
    for gold, origin in official:
        if set(gold["firstname"]) & NON_SLAVIC:
            parts = [gold["lastname"][0], gold["firstname"][0], *gold.get("patronymic", [])[:1]]
            add(_row("nonslavic", " ".join(parts), gold, origin))
        if sex_of(gold) == "f":
            parts = [gold["lastname"][0], gold["firstname"][0], *gold.get("patronymic", [])[:1]]
            add(_row("women", " ".join(parts), gold, origin))
    for written, gold, origin, kinds in declined:
        if set(gold.get("firstname", [])) & NON_SLAVIC:
            add(_row("nonslavic", written, gold, origin, kinds))
        if sex_of(gold) == "f":
            add(_row("women", written, gold, origin, kinds))
    _generated(official, declined, morph, rng, add)
    return rows


def _inflect(rank: str, case: str, morph: object) -> str:
    words = []
    for word in rank.split():
        head, _, last = word.rpartition("-")
        parse = morph.parse(last)[0]  # type: ignore[attr-defined]
        form = parse.inflect({case})
        words.append((head + "-" if head else "") + (form.word if form else last))
    return " ".join(words)


def _generated(official: list[tuple[dict[str, list[str]], str]],
               declined: list[tuple[str, dict[str, list[str]], str, tuple[str, ...]]],
               morph: object, rng: random.Random, add: object) -> None:  # fmt: skip
    """Ranks, initials and look-alike letters, from the real names."""
    assert callable(add)
    for gold, origin in official:
        rank = rng.choice(RANKS)
        surname, first = gold["lastname"][0], gold["firstname"][0]
        patr = gold.get("patronymic", [])[:1]
        add(_row("ranks", " ".join([rank, surname, first, *patr]), gold, origin))
        letters = f"{first[0]}." + (f" {patr[0][0]}." if patr else "")
        shape = rng.randrange(3)
        text = (f"{surname} {letters}" if shape == 0 else f"{letters} {surname}" if shape == 1
                else f"{surname} {letters.replace(' ', '')}")  # fmt: skip
        initials = {"lastname": [surname], "firstname": [first[0]],
                    "patronymic": [patr[0][0]] if patr else []}  # fmt: skip
        row = _row("initials", text, gold, origin)
        row.update(given=initials["firstname"][0], patronymic="|".join(initials["patronymic"]))
        add(row)
        words = [surname, first, *patr]
        at = rng.randrange(len(words))
        spots = [i for i, c in enumerate(words[at]) if c in LOOKALIKE]
        if spots:
            for i in rng.sample(spots, min(len(spots), rng.choice((1, 2)))):
                words[at] = words[at][:i] + LOOKALIKE[words[at][i]] + words[at][i + 1 :]
            add(_row("lookalike", " ".join(words), gold, origin))
    for written, gold, origin, kinds in declined:
        if kinds[-1] != "lastname" or sex_of(gold) != "m":
            continue
        nominative, form = gold["lastname"][0], written.split()[-1]
        if not nominative.endswith(("ов", "ев", "ин")) or not form.startswith(nominative):
            continue
        case = _CASE_OF_ENDING.get(form[len(nominative) :])
        if case:
            rank = _inflect(rng.choice(RANKS), case, morph)
            add(_row("ranks", f"{rank} {written}", gold, origin, kinds))


def main() -> int:
    repo = Path(sys.argv[1])
    rows = build(repo)
    with (HERE / "names.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts = collections.Counter(r["slice"] for r in rows)
    print(dict(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
