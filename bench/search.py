"""Search by name: quality per query form and speed at a million records, against DuckDB's
``jaro_winkler_similarity`` over the raw full names (the named baseline), in one run.

Quality: a simulated world (default config but for ``persons.formed_surname_share``, 0.6
unless ``--formed-surname-share`` says otherwise: the non-Russian name groups draw from
wider surname pools, as real populations do; ``--persons`` simulated persons) is ingested,
normalized and linked, and the search index built. ``--sample`` persons who appear in
some source are drawn; for each, queries are written from the simulator's *truth* (the
person's true name, unit and region), never from the stored names, in every form:
full Cyrillic name in a random order, surname with initials after or before, diminutive
with surname, declined (genitive, dative, instrumental, prepositional, with pytrovich),
Latin in GOST 7.79, ICAO 9303, BGN/PCGN and Wikipedia schemes (iuliia) and in German,
Polish and Ukrainian spellings (rules below), ё written as е, one typo per word, and a
given name alone with a unit or a region filter. A query is right when a hit holds a
record of the true person; top-1 and top-10 are reported per form, for search and for
the baseline (top 10 persons by the best Jaro-Winkler similarity of one of their records'
raw full name to the query, lower-cased; the baseline has no filters). A filter cannot
find a person none of whose records holds the field: for the filtered forms, *answerable*
counts the queries whose person has a record naming a unit (a region), with their top-1
and top-10.

Speed: a world of about ``--scale-records`` records: the index built from scratch, loaded
into memory, updated after a small file of ``--extra-rows`` records is ingested,
normalized and linked, its size on disk; p50/p95 latency of ``--latency-queries`` queries
through ``search(store, ...)`` and of ``--baseline-queries`` baseline queries (it is
slow), with the load average while measuring.

    python bench/search.py [--quick] [--persons N] [--sample N] [--scale-records N]
                           [--no-scale] [--no-quality] [--data DIR]
                           [--formed-surname-share SHARE]

``--no-scale`` keeps the speed figures of the last results file, marked
``kept_from_an_earlier_run``; ``--no-quality`` keeps its quality figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from common import RESULTS, cached_facts, machine, simulated_workspace, write_result

# -- queries written from the truth ----------------------------------------------------

FORMS = ("full_any_order", "surname_initials", "initials_surname", "diminutive", "declined",
         "declined_short",
         "latin_gost", "latin_icao", "latin_bgn", "latin_wikipedia", "latin_german",
         "latin_polish", "latin_ukrainian", "yo_as_e", "one_typo_per_word",
         "given_with_unit", "given_with_region")  # fmt: skip

_VOWELS = set("аеёиоуыэюя")
#: German spellings of Russian letters (Duden style): в → w, ж/ш → sch, з → s, ц → z.
_GERMAN = dict(zip("абвгдзийклмнопрстуфхцчшщъыьэ", [
    "a", "b", "w", "g", "d", "s", "i", "j", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
    "f", "ch", "z", "tsch", "sch", "schtsch", "", "y", "", "e"], strict=True))  # fmt: skip
_GERMAN.update({"ж": "sch", "е": "e", "ё": "jo", "ю": "ju", "я": "ja"})
#: Polish spellings: в → w, ж → ż, ш → sz, ч → cz, щ → szcz, ц → c, х → ch, л → ł.
_POLISH = dict(zip("абвгджзийклмнопрстуфхцчшщъыьэ", [
    "a", "b", "w", "g", "d", "ż", "z", "i", "j", "k", "ł", "m", "n", "o", "p", "r", "s", "t",
    "u", "f", "ch", "c", "cz", "sz", "szcz", "", "y", "", "e"], strict=True))  # fmt: skip
#: Ukrainian national Latin of the letters (г → h, и → y) for the Russian spelling.
_UKRAINIAN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
    "a", "b", "v", "h", "d", "e", "io", "zh", "z", "y", "i", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"],
    strict=True))  # fmt: skip
#: Ukrainian forms of common given names, as Ukrainian passports write them.
_UKRAINIAN_GIVEN = {
    "Александр": "Oleksandr", "Алексей": "Oleksii", "Сергей": "Serhiy", "Андрей": "Andriy",
    "Дмитрий": "Dmytro", "Николай": "Mykola", "Владимир": "Volodymyr", "Михаил": "Mykhailo",
    "Евгений": "Yevhen", "Юрий": "Yuriy", "Павел": "Pavlo", "Олег": "Oleh", "Игорь": "Ihor",
    "Григорий": "Hryhoriy", "Василий": "Vasyl", "Пётр": "Petro", "Максим": "Maksym",
    "Денис": "Denys", "Виталий": "Vitaliy", "Анатолий": "Anatoliy", "Виктор": "Viktor",
}  # fmt: skip
_CASES = ("GENITIVE", "DATIVE", "INSTRUMENTAL", "PREPOSITIONAL")
_TYPO_LETTERS = "абвгдежзийклмнопрстуфхцчшщыьэюя"


class Query(NamedTuple):
    text: str
    filters: dict[str, str]


def _respell(word: str, table: dict[str, str], soft: str | None = None) -> str:
    """``word`` letter by letter; е/ё/ю/я after a consonant written with ``soft`` (i/ie)."""
    out = []
    low = word.lower()
    for i, ch in enumerate(low):
        after_vowel = i == 0 or low[i - 1] in _VOWELS or low[i - 1] in "ьъ"
        if ch in "еёюя" and soft is not None:
            base = {"е": "e", "ё": "o", "ю": "u", "я": "a"}[ch]
            out.append(("j" if after_vowel else soft) + base)
        elif ch == "е" and table is _GERMAN:
            out.append("je" if i == 0 or (after_vowel and i > 0) else "e")
        else:
            out.append(table.get(ch, ch))
    text = "".join(out)
    if table is _GERMAN:
        text = text.replace("ij", "i").replace("yj", "y")  # -ий/-ый: Dmitri, Dostojewski
        text = "".join(c if not (c == "s" and 0 < k < len(text) - 1 and text[k - 1] in "aeiou"
                                 and text[k + 1] in "aeiou") else "ss"
                       for k, c in enumerate(text))  # fmt: skip
    return text[:1].upper() + text[1:]


def information(form: str, p: dict[str, str]) -> tuple[str, ...]:
    """The true fields a query of ``form`` carries: persons sharing them cannot be told
    apart by the query, so ``1/k`` of k such persons is the best top-1 any search can do."""
    s, g, pa = p["surname"], p["given_name"], p["patronymic"]
    if form in ("full_any_order", "declined", "yo_as_e", "one_typo_per_word"):
        return (s, g, pa)
    if form == "surname_initials":
        return (s, g[:1], pa[:1])
    if form == "initials_surname":
        return (s, g[:1])
    if form == "given_with_unit":
        return (g, p["unit"])
    if form == "given_with_region":
        return (g, p["region"])
    return (s, g)


class QueryMaker:
    """Queries in each form for a true person (a row of truth/persons.csv)."""

    def __init__(self, truth: Path, rng: random.Random) -> None:
        import iuliia  # type: ignore[import-untyped]
        from pytrovich.maker import PetrovichDeclinationMaker

        self.rng = rng
        self.petrovich = PetrovichDeclinationMaker()
        self.schemes = {
            "latin_gost": iuliia.GOST_779,
            "latin_icao": iuliia.ICAO_DOC_9303,
            "latin_bgn": iuliia.BGN_PCGN,
            "latin_wikipedia": iuliia.WIKIPEDIA,
        }
        with (truth / "units.csv").open(encoding="utf-8") as fh:
            self.units = {r["unit"]: r["abbreviation"] for r in csv.DictReader(fh)}
        locale = Path(__file__).resolve().parents[1] / "src/unaccounted/locales/ru"
        self.diminutives: dict[str, list[str]] = {}
        with (locale / "diminutives.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                self.diminutives.setdefault(r["name"], []).append(r["diminutive"])
        with (locale / "regions.csv").open(encoding="utf-8") as fh:
            self.regions = {r["iso_code"]: r["name_with_type"] for r in csv.DictReader(fh)}

    def make(self, form: str, p: dict[str, str]) -> Query | None:
        s, g, pa = p["surname"], p["given_name"], p["patronymic"]
        parts = [x for x in (s, g, pa) if x]
        rng = self.rng
        if form == "full_any_order":
            rng.shuffle(parts)
            return Query(" ".join(parts), {})
        if form == "surname_initials":
            return Query(f"{s} {g[0]}." + (f"{pa[0]}." if pa else ""), {})
        if form == "initials_surname":
            return Query(f"{g[0]}. {s}", {})
        if form == "diminutive":
            forms = self.diminutives.get(g)
            return Query(f"{rng.choice(forms)} {s}", {}) if forms else None
        if form in ("declined", "declined_short"):
            return Query(self._declined(p, form == "declined"), {})
        if form in self.schemes:
            return Query(self.schemes[form].translate(f"{g} {s}"), {})
        if form == "latin_german":
            return Query(f"{_respell(g, _GERMAN)} {_respell(s, _GERMAN)}", {})
        if form == "latin_polish":
            return Query(f"{_respell(g, _POLISH, 'i')} {_respell(s, _POLISH, 'i')}", {})
        if form == "latin_ukrainian":
            given = _UKRAINIAN_GIVEN.get(g) or _respell(g, _UKRAINIAN)
            return Query(f"{given} {_respell(s, _UKRAINIAN)}", {})
        if form == "yo_as_e":
            text = " ".join(parts)
            return (
                Query(text.replace("ё", "е").replace("Ё", "Е"), {}) if "ё" in text.lower() else None
            )
        if form == "one_typo_per_word":
            return Query(" ".join(self._typo(w) for w in parts), {})
        if form == "given_with_unit":
            unit = self.units.get(p["unit"])
            return Query(g, {"unit": unit}) if unit else None
        if form == "given_with_region":
            region = self.regions.get(p["region"])
            return Query(g, {"region": region}) if region else None
        raise ValueError(form)

    def _declined(self, p: dict[str, str], patronymic: bool) -> str:
        from pytrovich.enums import Case, Gender, NamePart

        case = getattr(Case, self.rng.choice(_CASES))
        sex = Gender.FEMALE if p["sex"] == "f" else Gender.MALE
        make = self.petrovich.make
        words = [make(NamePart.FIRSTNAME, sex, case, p["given_name"])]
        if p["patronymic"] and patronymic:
            words.append(make(NamePart.MIDDLENAME, sex, case, p["patronymic"]))
        words.append(make(NamePart.LASTNAME, sex, case, p["surname"]))
        return " ".join(words)

    def _typo(self, word: str) -> str:
        """One typo: a letter replaced, dropped, doubled or swapped with the next one."""
        if len(word) < 4:
            return word
        rng = self.rng
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("replace", "drop", "insert", "swap"))
        if kind == "replace":
            return word[:i] + rng.choice(_TYPO_LETTERS.replace(word[i], "")) + word[i + 1 :]
        if kind == "drop":
            return word[:i] + word[i + 1 :]
        if kind == "insert":
            return word[:i] + rng.choice(_TYPO_LETTERS) + word[i:]
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def write_extra_source(folder: Path, truth: Path, rows: int, seed: int) -> None:
    """A small new source: ``rows`` records of true persons, written as a memorial list
    (a new source each run, so a rerun on a kept world adds new records again)."""
    folder.mkdir(parents=True)
    stem = f"late_{int(time.time())}"
    with (truth / "persons.csv").open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    chosen = random.Random(seed).sample(people, rows)
    with (folder / f"{stem}.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["record_id", "full_name", "birth_date", "status", "region"])
        for i, p in enumerate(chosen):
            name = " ".join(x for x in (p["surname"], p["given_name"], p["patronymic"]) if x)
            out.writerow([f"LATE-{i:05d}", name, p["birth_date"], "погиб", p["region"]])
    (folder / f"{stem}.yaml").write_text(
        f"source: A late memorial list {stem} (simulated)\nkind: memorial_list\n"
        f"independence_group: {stem}\n", "utf-8")  # fmt: skip


def prepare(root: Path, persons: int, seed: int, formed_share: float) -> dict[str, Any]:
    """Simulate, ingest, normalize, link and build the search index in ``root``."""
    from unaccounted.link.stage import run_link
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.simulate.config import load_config

    config = load_config(None)
    persons_config = config.persons.model_copy(update={"formed_surname_share": formed_share})
    config = config.model_copy(update={"persons": persons_config})
    ws, facts = simulated_workspace(root, persons, seed, config=config)
    facts["formed_surname_share"] = formed_share
    t = time.perf_counter()
    facts["records"] = run_normalize(ws).records
    facts["normalize_seconds"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    facts["linked_persons"] = run_link(ws, full=True, retrain=True).persons
    facts["link_seconds"] = round(time.perf_counter() - t, 1)
    return facts


def prepared(root: Path, persons: int, seed: int, formed_share: float) -> dict[str, Any]:
    """The facts of a prepared world in ``root``, preparing it unless it is there."""
    return cached_facts(root, lambda: prepare(root, persons, seed, formed_share))


def build_index(ws_root: Path) -> dict[str, Any]:
    """Rebuild the stored index (timed), then load it (timed)."""
    from unaccounted.search import rebuild_index
    from unaccounted.workspace import Workspace

    ws = Workspace.open(ws_root)
    with ws.store() as store:
        with store.transaction():
            built = rebuild_index(store)
        store.checkpoint()  # the rows a rebuild replaced leave the file
        size = store.scalar(
            "SELECT count(DISTINCT block_id) * 262144 FROM pragma_storage_info('search_index')"
        )
    return {"rows": built.rows, "build_seconds": round(built.seconds, 2),
            "size_on_disk_mib": round(int(size or 0) / 2**20, 1)}  # fmt: skip


def load_index(ws_root: Path) -> tuple[Any, dict[str, Any]]:
    from unaccounted.normalize.stage import normalizer_for
    from unaccounted.search import SearchIndex
    from unaccounted.workspace import Workspace

    ws = Workspace.open(ws_root)
    rss = _rss_mib()
    t = time.perf_counter()
    with ws.store(read_only=True) as store:
        index = SearchIndex.load(store, normalizer_for(ws))
    return index, {"load_seconds": round(time.perf_counter() - t, 2),
                   "rss_added_mib": round(_rss_mib() - rss)}  # fmt: skip


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def truth_sets(root: Path, ws_root: Path) -> tuple[dict[str, set[str]], dict[str, dict[str, str]]]:
    """(true person → the workspace persons holding its records, true person → truth row)."""
    from unaccounted.evaluate.truth import truth_persons
    from unaccounted.workspace import Workspace

    truth = truth_persons(root / "simulated")
    with Workspace.open(ws_root).store(read_only=True) as store:
        rows = store.current_assignment().to_pylist()
    placed = {(r["source_id"], r["record_id"]): r["person_id"] for r in rows}
    found: dict[str, set[str]] = {}
    for key, person in truth.items():
        if key in placed:
            found.setdefault(str(person), set()).add(placed[key])
    with (root / "simulated" / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        people = {r["person_id"]: r for r in csv.DictReader(fh) if r["person_id"] in found}
    return found, people


#: The filter of each form that has one, and the index column a person must hold for it:
#: a filtered query cannot find a person none of whose records names the unit or region.
FILTERED = {"given_with_unit": "unit_key", "given_with_region": "region"}


def persons_holding(ws_root: Path) -> dict[str, set[str]]:
    """For each filtered field, the workspace persons with a record that holds it."""
    from unaccounted.workspace import Workspace

    with Workspace.open(ws_root).store(read_only=True) as store:
        table = store.read_search_index().select(
            ["person_id", "unit_key", "region_code", "hometown_region"]
        )
    out: dict[str, set[str]] = {"unit_key": set(), "region": set()}
    for r in table.to_pylist():
        if r["unit_key"]:
            out["unit_key"].add(str(r["person_id"]))
        if r["region_code"] or r["hometown_region"]:
            out["region"].add(str(r["person_id"]))
    return out


def baseline_top(con: Any, text: str, limit: int = 10) -> list[str]:
    rows = con.execute(
        """SELECT person_id FROM bl GROUP BY person_id
        ORDER BY max(jaro_winkler_similarity(name, lower(?))) DESC, person_id LIMIT ?""",
        [text, limit],
    ).fetchall()
    return [r[0] for r in rows]


def baseline_connection(ws_root: Path) -> Any:
    """An in-memory table of every record's raw full name with its person."""
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    con.execute(f"ATTACH '{ws_root / 'unaccounted.duckdb'}' AS ws (READ_ONLY)")
    con.execute(
        """CREATE TABLE bl AS SELECT p.person_id,
        lower(coalesce(r.full_name, concat_ws(' ', r.surname, r.given_name, r.patronymic)))
            AS name
        FROM ws.current_records r JOIN ws.person_records p USING (source_id, record_id)"""
    )
    con.execute("DETACH ws")
    return con


def namesake_rates(truth: Path) -> dict[str, float]:
    """Share of the simulated persons sharing surname, given name and patronymic with
    another, in all and by name group (the ceilings of the forms follow from these)."""
    with (truth / "persons.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    full = Counter((r["surname"], r["given_name"], r["patronymic"]) for r in rows)
    shared: dict[str, list[int]] = {}
    for r in rows:
        n = full[(r["surname"], r["given_name"], r["patronymic"])] > 1
        for group in ("all", r["name_group"]):
            shared.setdefault(group, []).append(n)
    return {g: round(sum(v) / len(v), 3) for g, v in shared.items()}


def quality(root: Path, sample: int, seed: int) -> dict[str, Any]:
    from unaccounted.search import search

    ws_root = root / "ws"
    index, loaded = load_index(ws_root)
    right, people = truth_sets(root, ws_root)
    rng = random.Random(seed)
    chosen = rng.sample(sorted(people), min(sample, len(people)))
    maker = QueryMaker(root / "simulated" / "truth", rng)
    con = baseline_connection(ws_root)
    holding = persons_holding(ws_root)
    per_form: dict[str, dict[str, Any]] = {}
    examples: dict[str, list[dict[str, Any]]] = {}
    load = [_load()]
    for form in FORMS:
        shared = Counter(information(form, p) for p in people.values())
        tally: dict[str, float] = {"queries": 0, "top1": 0, "top10": 0, "baseline_top1": 0,
                                   "baseline_top10": 0, "ceiling_top1": 0.0, "ceiling_top10": 0.0,
                                   "unambiguous": 0, "unambiguous_top1": 0,
                                   "answerable": 0, "answerable_top1": 0,
                                   "answerable_top10": 0}  # fmt: skip
        for pid in chosen:
            query = maker.make(form, people[pid])
            if query is None:
                continue
            want = right[pid]
            hits = search(index, query.text, limit=10, **query.filters).hits
            got = [h.person_id for h in hits]
            base = baseline_top(con, query.text)
            tally["queries"] += 1
            k = shared[information(form, people[pid])]
            tally["ceiling_top1"] += 1 / k
            tally["ceiling_top10"] += min(1.0, 10 / k)
            if k == 1:
                tally["unambiguous"] += 1
                tally["unambiguous_top1"] += bool(got) and got[0] in want
            tally["top1"] += bool(got) and got[0] in want
            tally["top10"] += any(g in want for g in got)
            field = FILTERED.get(form)
            if field is None or want & holding[field]:
                tally["answerable"] += 1
                tally["answerable_top1"] += bool(got) and got[0] in want
                tally["answerable_top10"] += any(g in want for g in got)
            tally["baseline_top1"] += bool(base) and base[0] in want
            tally["baseline_top10"] += any(b in want for b in base)
            if len(examples.setdefault(form, [])) < 3:
                examples[form].append({"query": query.text, "filters": query.filters,
                                       "right": bool(got) and got[0] in want,
                                       "why": hits[0].why if hits else []})  # fmt: skip
        n = max(tally["queries"], 1)
        per_form[form] = {**tally, **{f"{k}_rate": round(tally[k] / n, 4) for k in (
            "top1", "top10", "baseline_top1", "baseline_top10", "ceiling_top1",
            "ceiling_top10")}}  # fmt: skip
        for k in ("ceiling_top1", "ceiling_top10"):
            per_form[form][k] = round(tally[k], 1)
        per_form[form]["unambiguous_top1_rate"] = round(
            tally["unambiguous_top1"] / max(tally["unambiguous"], 1), 4
        )
        for k in ("answerable_top1", "answerable_top10"):
            per_form[form][f"{k}_rate"] = round(tally[k] / max(tally["answerable"], 1), 4)
        print(form, per_form[form], flush=True)
    load.append(_load())
    return {"index": loaded, "persons_sampled": len(chosen), "forms": per_form,
            "namesakes": namesake_rates(root / "simulated" / "truth"),
            "examples": examples, "load_average": load}  # fmt: skip


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "queries": len(ordered),
        "p50_ms": round(pick(0.5) * 1000, 2),
        "p95_ms": round(pick(0.95) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def speed(
    root: Path, n_queries: int, n_baseline: int, extra_rows: int, seed: int
) -> dict[str, Any]:
    """Index build, load, incremental update, size, and latency on the scale world."""
    from unaccounted.search import search
    from unaccounted.search.query import index_for
    from unaccounted.workspace import Workspace

    ws_root = root / "ws"
    out: dict[str, Any] = {"build": build_index(ws_root)}
    out["update_after_one_file"] = grow(root, extra_rows, seed)
    _, out["load"] = load_index(ws_root)
    _, people = truth_sets(root, ws_root)
    rng = random.Random(seed)
    maker = QueryMaker(root / "simulated" / "truth", rng)
    # the forms in turn; a form a person has no query in (no diminutive, no ё) is skipped
    queries: list[Query] = []
    for i, pid in enumerate(rng.sample(sorted(people), 2 * n_queries)):
        q = maker.make(FORMS[i % len(FORMS)], people[pid])
        if q is not None and len(queries) < n_queries:
            queries.append(q)
    ws = Workspace.open(ws_root)
    load = [_load()]
    with ws.store(read_only=True) as store:
        from unaccounted.normalize.stage import normalizer_for

        index_for(store, normalizer_for(ws))  # loaded once, as a server does
        ours = []
        for q in queries:
            t = time.perf_counter()
            search(store, q.text, limit=10, **q.filters)
            ours.append(time.perf_counter() - t)
    load.append(_load())
    con = baseline_connection(ws_root)
    base = []
    for q in queries[:n_baseline]:
        t = time.perf_counter()
        baseline_top(con, q.text)
        base.append(time.perf_counter() - t)
    load.append(_load())
    out["latency"] = {"search": _percentiles(ours), "baseline": _percentiles(base),
                      "load_average": load}  # fmt: skip
    out["latency"]["p95_ratio_baseline_to_search"] = round(
        out["latency"]["baseline"]["p95_ms"] / out["latency"]["search"]["p95_ms"], 1
    )
    return out


def grow(root: Path, rows: int, seed: int) -> dict[str, Any]:
    """Ingest, normalize and link one small new file, then update the index (timed)."""
    from unaccounted.ingest.folders import ingest_folder
    from unaccounted.link.stage import run_link
    from unaccounted.normalize.stage import run_normalize
    from unaccounted.search import update_index
    from unaccounted.workspace import Workspace

    folder = root / "extra"
    if folder.exists():
        shutil.rmtree(folder)
    write_extra_source(folder, root / "simulated" / "truth", rows, seed)
    ws = Workspace.open(root / "ws")
    ingest_folder(ws, folder)
    run_normalize(ws)
    run_link(ws)
    with ws.store() as store, store.transaction():
        done = update_index(store)
    return {"rows_in_file": rows, "written": done.written, "removed": done.removed,
            "index_rows": done.rows, "seconds": round(done.seconds, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small sizes, for a smoke run.")
    parser.add_argument("--persons", type=int, default=40_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--scale-records", type=int, default=1_000_000)
    parser.add_argument("--latency-queries", type=int, default=500)
    parser.add_argument("--baseline-queries", type=int, default=50)
    parser.add_argument("--extra-rows", type=int, default=50)
    parser.add_argument(
        "--no-scale",
        action="store_true",
        help="Skip the speed run; keep the speed figures of the last results file, marked.",
    )
    parser.add_argument(
        "--no-quality",
        action="store_true",
        help="Only the speed run; keep the quality figures of the last results file.",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--formed-surname-share",
        type=float,
        default=0.6,
        help="The simulator's persons.formed_surname_share (0: the default world's names).",
    )
    parser.add_argument("--data", type=Path, help="Keep the worlds here; reuse them if there.")
    args = parser.parse_args()
    persons = 2_000 if args.quick else args.persons
    sample = 100 if args.quick else args.sample
    scale_records = 20_000 if args.quick else args.scale_records
    n_latency = 100 if args.quick else args.latency_queries
    result: dict[str, Any] = {"benchmark": "search", "machine": machine(), "quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        base = args.data or Path(tmp)
        root = base / "quality"
        if args.no_quality:
            kept = RESULTS / ("quick" if args.quick else "") / "search.json"
            result["quality"] = json.loads(kept.read_text("utf-8"))["quality"]
        else:
            data = prepared(root, persons, args.seed, args.formed_surname_share)
            data["index"] = build_index(root / "ws")
            result["quality"] = {"data": data, **quality(root, sample, args.seed)}
        if args.no_scale:
            kept = RESULTS / ("quick" if args.quick else "") / "search.json"
            last = json.loads(kept.read_text("utf-8")) if kept.exists() else {}
            if "speed" in last:  # kept, not measured again: say so
                result["speed"] = {**last["speed"], "kept_from_an_earlier_run": True}
        else:
            root = base / "scale"
            # the default config writes about 1.055 records per simulated person
            data = prepared(root, int(scale_records / 1.055), args.seed + 1,
                            args.formed_surname_share)  # fmt: skip
            result["speed"] = {"data": data, **speed(root, n_latency, args.baseline_queries,
                                                     args.extra_rows, args.seed)}  # fmt: skip
    result["acceptance"] = acceptance(result)
    path = write_result("search", result)
    print(f"wrote {path}")
    print(json.dumps(result["acceptance"], indent=1))


def acceptance(result: dict[str, Any]) -> dict[str, Any]:
    by_form = result["quality"]["forms"]
    out: dict[str, Any] = {
        "top1_at_least_0.90": {f: v["top1_rate"] >= 0.90 for f, v in by_form.items()},
        "top10_at_least_0.98": {f: v["top10_rate"] >= 0.98 for f, v in by_form.items()},
        "linked_persons_at_least_20000": result["quality"]["data"]["linked_persons"] >= 20_000,
    }
    if "speed" in result:
        lat = result["speed"]["latency"]
        out["p95_under_100ms"] = lat["search"]["p95_ms"] < 100
        out["baseline_at_least_20x_slower_p95"] = lat["p95_ratio_baseline_to_search"] >= 20
        out["records_at_least_1000000"] = result["speed"]["data"]["records"] >= 1_000_000
    return out


if __name__ == "__main__":
    main()
