"""Real names: every name field, per slice, against pymorphy3 and natasha on the same strings.

The data is ``bench/data/names.csv`` (built by ``bench/data/names_build.py`` from the
factRuEval-2016 Person annotation, MIT licence; see ``bench/data/NAMES_SOURCES.md``):
official-order lists, declined mentions from news text with their nominatives, non-Slavic
names of Russia, women, names with ranks, initials and Latin look-alike letters.

Three readers get each string alone and give surname, given name, patronymic (nominative)
and sex:

- ``unaccounted``: the Russian pack's ``parse_name`` (the normalizer's name fields), each
  slice read as one source: with the name hint the normalize stage finds from a sample of
  a source's names (``Normalizer.detect_name_hints``: «oblique» when most are declined);
- ``pymorphy3``: each word's best parse tagged Surn, Name or Patr, put in the nominative
  with ``inflect``; unknown words are surnames, other known words are dropped;
- ``natasha``: segmenter, morphology and NER (the models shipped in its packages), each
  PER span normalized and read by ``NamesExtractor``; sex from the span's morphology.

A field is right when it equals a gold answer (case and ё/е folded); a row is fully right
when every gold name part is. Sex counts where the data has it. The run passes (exit 0)
when on every slice the normalizer's fully-right share is at or above the better
baseline's and the targets (official 98%, declined 85%, women's sex 98%) are met; the
sex field against the baselines is reported beside it. Nothing is downloaded: the run
fails if anything opens a network socket.

    python bench/names.py [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import machine, write_result

DATA = Path(__file__).resolve().parent / "data" / "names.csv"
PARTS = ("surname", "given", "patronymic")
#: Acceptance: the normalizer's fully-right share on these slices, and women's sex.
TARGETS = {"official": 0.98, "declined": 0.85}
WOMEN_SEX_TARGET = 0.98

Reading = dict[str, str | None]


def _no_network(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a reader tried to open a network socket")


def load(limit: int | None = None) -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows[:limit] if limit else rows


def ours(rows: list[dict[str, str]]) -> Callable[[str, str], Reading]:
    from unaccounted.normalize.pack import load_pack
    from unaccounted.normalize.record import Normalizer

    pack = load_pack("ru")
    # as the normalize stage does: each source (here, each slice) gets its name hint from
    # a sample of its names («oblique» where most are declined, as in news text)
    samples: dict[str, list[str | None]] = {}
    for row in rows:
        sample = samples.setdefault(row["slice"], [])
        if len(sample) < 500:
            sample.append(row["text"])
    hints = Normalizer(pack).detect_name_hints(samples)

    def read(text: str, source: str) -> Reading:
        n = pack.parse_name(text, hint=hints.get(source))
        return {"surname": n.surname, "given": n.given_name or n.given_initial,
                "patronymic": n.patronymic or n.patronymic_initial, "sex": n.sex}  # fmt: skip

    return read


_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*\.?")
_ROLES = (("Surn", "surname"), ("Name", "given"), ("Patr", "patronymic"))


def pymorphy(rows: list[dict[str, str]]) -> Callable[[str, str], Reading]:
    import pymorphy3  # type: ignore[import-untyped]

    morph = pymorphy3.MorphAnalyzer()

    def read(text: str, source: str) -> Reading:
        out: Reading = {"surname": None, "given": None, "patronymic": None, "sex": None}
        sexes: dict[str, str] = {}
        for word in _WORDS.findall(text):
            bare = word.rstrip(".")
            if len(bare) == 1:  # an initial: the given name's, then the patronymic's
                role = "given" if out["given"] is None else "patronymic"
                out[role] = bare.upper()
                continue
            chosen = None
            for p in morph.parse(bare):
                role = next((r for tag, r in _ROLES if tag in p.tag), None)
                if role and out[role] is None:
                    chosen = (role, p)
                    break
            if chosen is None:
                if out["surname"] is None and not morph.word_is_known(bare):
                    out["surname"] = bare
                continue
            role, p = chosen
            form = p.inflect({"nomn"}) or p
            out[role] = form.word.capitalize()
            if p.tag.gender in ("masc", "femn"):
                sexes[role] = "m" if p.tag.gender == "masc" else "f"
        out["sex"] = sexes.get("patronymic") or sexes.get("given") or sexes.get("surname")
        return out

    return read


def natasha(rows: list[dict[str, str]]) -> Callable[[str, str], Reading]:
    from natasha import (  # type: ignore[import-untyped]
        PER,
        Doc,
        MorphVocab,
        NamesExtractor,
        NewsEmbedding,
        NewsMorphTagger,
        NewsNERTagger,
        Segmenter,
    )

    segmenter, vocab, emb = Segmenter(), MorphVocab(), NewsEmbedding()
    tagger, ner = NewsMorphTagger(emb), NewsNERTagger(emb)
    names = NamesExtractor(vocab)

    def read(text: str, source: str) -> Reading:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_morph(tagger)
        doc.tag_ner(ner)
        spans = [s for s in doc.spans if s.type == PER]
        fact, genders = None, []
        if spans:
            span = max(spans, key=lambda s: s.stop - s.start)
            span.normalize(vocab)
            span.extract_fact(names)
            fact = span.fact
            genders = [t.feats.get("Gender") for t in span.tokens if t.feats]
        if fact is None:
            match = names.find(text)
            fact = match.fact if match else None
        if not genders:
            genders = [t.feats.get("Gender") for t in doc.tokens if t.feats]
        sex = "f" if "Fem" in genders else "m" if "Masc" in genders else None
        if fact is None:
            return {"surname": None, "given": None, "patronymic": None, "sex": sex}
        # a span's DocFact has as_dict; NamesExtractor's own Name has the fields
        parts = fact.as_dict if hasattr(fact, "as_dict") else vars(fact)
        return {"surname": parts.get("last"), "given": parts.get("first"),
                "patronymic": parts.get("middle"), "sex": sex}  # fmt: skip

    return read


def _fold(value: str | None) -> str:
    return (value or "").strip().rstrip(".").lower().replace("ё", "е")


def score(rows: list[dict[str, str]], found: list[Reading]) -> dict[str, dict[str, Any]]:
    """Per slice: rows, fully right, and each field right (share of rows that have it)."""
    slices: dict[str, dict[str, list[int]]] = {}
    for row, got in zip(rows, found, strict=True):
        tally = slices.setdefault(row["slice"], {})
        right = []
        for part in PARTS:
            if row[part]:
                ok = _fold(got[part]) in {_fold(g) for g in row[part].split("|")}
                tally.setdefault(part, []).append(int(ok))
                right.append(ok)
        tally.setdefault("full", []).append(int(all(right)))
        if row["sex"]:
            tally.setdefault("sex", []).append(int(got["sex"] == row["sex"]))
    return {
        name: {"rows": len(t["full"]),
               **{k: round(sum(v) / len(v), 4) for k, v in t.items()},
               "sex_rows": len(t.get("sex", []))}
        for name, t in sorted(slices.items())
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="Only the first N rows.")
    args = parser.parse_args()
    rows = load(args.limit)
    socket.socket = _no_network  # type: ignore[assignment,misc]
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for name, make in (("unaccounted", ours), ("pymorphy3", pymorphy), ("natasha", natasha)):
        start = time.process_time()
        read = make(rows)
        found = [read(r["text"], r["slice"]) for r in rows]
        seconds[name] = round(time.process_time() - start, 2)
        results[name] = score(rows, found)
    checks = {}
    for slice_, mine in results["unaccounted"].items():
        best = max(results[b][slice_]["full"] for b in ("pymorphy3", "natasha"))
        target = TARGETS.get(slice_, 0.0)
        sex_best = max(results[b][slice_].get("sex", 0.0) for b in ("pymorphy3", "natasha"))
        checks[slice_] = {"full": mine["full"], "best_baseline": best,
                          "target": target, "ok": mine["full"] >= max(best, target),
                          "sex": mine.get("sex"), "sex_best_baseline": sex_best,
                          "sex_at_least_baselines": mine.get("sex", 0.0) >= sex_best}  # fmt: skip
    women = results["unaccounted"].get("women", {}).get("sex", 0.0)
    checks["women_sex"] = {"sex": women, "target": WOMEN_SEX_TARGET,
                           "ok": women >= WOMEN_SEX_TARGET}  # fmt: skip
    data = {"rows": len(rows), "data": str(DATA.name), "systems": results,
            "acceptance": checks, "cpu_seconds": seconds, "machine": machine(),
            "load_average_after": os.getloadavg()}  # fmt: skip
    path = write_result("names", data)
    for slice_, check in checks.items():
        print(slice_, check)
    print(f"wrote {path}")
    return 0 if all(c["ok"] for c in checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
