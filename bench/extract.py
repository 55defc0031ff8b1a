"""Assisted extraction: the rules of ``testimony/extract.py`` against natasha's NER alone.

The data is ``bench/data/extract_sentences.txt``: invented Russian sentences in the style
of accounts of abuse, hand-labelled (people, places, units, dates, sums, incident types).
Its ``dev`` part was labelled before the rules were first scored; the ``held-out`` part was
written after the rules were frozen and is scored apart, so that a figure that merely
memorises the dev sentences would show.

Two readers see each sentence alone:

- ``rules`` (the product): ``testimony.extract.extract`` with the Russian pack's normalizer;
- ``natasha`` (the named baseline): segmenter and NER (models shipped inside its packages),
  its PER spans as people, LOC as places and ORG as units; it finds no dates, sums or
  incident types.

A suggestion is right when its span overlaps a gold span of the same kind (one gold span is
matched once); precision = right / suggested, recall = matched gold / gold. For people,
places, units, dates and sums the value of each matched suggestion is checked against the
gold value too where the labels give one (people in the nominative «Surname Given
Patronymic», places in the nominative, dates in EDTF, sums as «100000 RUB»). Incident types are
scored per sentence as sets of codes. The run passes (exit 0) when on the dev and held-out
parts the rules reach precision 0.85 and recall 0.80 for people, places and units.

    python bench/extract.py
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_result

DATA = Path(__file__).resolve().parent / "data" / "extract_sentences.txt"
KINDS = ("person", "place", "unit", "date", "money")
_CODES = {"p": "person", "l": "place", "u": "unit", "d": "date", "m": "money"}
_MARK = re.compile(r"\[([pludm]):([^\]=]+)(?:=([^\]]*))?\]")
TARGETS = {"person": (0.85, 0.80), "place": (0.85, 0.80), "unit": (0.85, 0.80)}


@dataclass
class Sentence:
    text: str
    part: str
    spans: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    types: set[str] = field(default_factory=set)


def load(path: Path = DATA) -> list[Sentence]:
    out: list[Sentence] = []
    part = "dev"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            part = line[3:].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        marked, _, types = line.partition("||")
        sentence = Sentence("", part, types={t.strip() for t in types.split(",") if t.strip()})
        text, pos = [], 0
        for m in _MARK.finditer(marked.strip()):
            text.append(marked.strip()[pos : m.start()])
            start = len("".join(text))
            text.append(m[2])
            sentence.spans.append((_CODES[m[1]], start, start + len(m[2]), m[3]))
            pos = m.end()
        text.append(marked.strip()[pos:])
        sentence.text = "".join(text)
        out.append(sentence)
    return out


Found = tuple[str, int, int, str | None]


def rules_reader() -> Callable[[str], tuple[list[Found], set[str]]]:
    from unaccounted.normalize.pack import load_pack
    from unaccounted.normalize.record import Normalizer
    from unaccounted.testimony.extract import extract

    normalizer = Normalizer(load_pack("ru"))

    def read(text: str) -> tuple[list[Found], set[str]]:
        found = extract(text, normalizer)
        spans = [(f.kind, f.start, f.end, f.value) for f in found if f.kind in KINDS]
        return spans, {f.value for f in found if f.kind == "incident_type"}

    return read


def natasha_reader() -> Callable[[str], tuple[list[Found], set[str]]]:
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter  # type: ignore[import-untyped]

    segmenter, emb = Segmenter(), NewsEmbedding()
    ner = NewsNERTagger(emb)
    kinds = {"PER": "person", "LOC": "place", "ORG": "unit"}

    def read(text: str) -> tuple[list[Found], set[str]]:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(ner)
        return [(kinds[s.type], s.start, s.stop, None) for s in doc.spans], set()

    return read


def fold(value: str | None) -> str:
    return (value or "").lower().replace("ё", "е").strip()


def score(sentences: list[Sentence], read: Callable[[str], tuple[list[Found], set[str]]]
          ) -> dict[str, dict[str, float | int]]:  # fmt: skip
    fields = ("gold", "suggested", "right", "matched", "valued", "value_right")
    counts = {k: dict.fromkeys(fields, 0) for k in (*KINDS, "incident_type")}
    for s in sentences:
        found, types = read(s.text)
        for kind in KINDS:
            gold = [g for g in s.spans if g[0] == kind]
            mine = [f for f in found if f[0] == kind]
            c = counts[kind]
            c["gold"] += len(gold)
            c["suggested"] += len(mine)
            used: set[int] = set()
            for f in mine:
                hit = next((i for i, g in enumerate(gold)
                            if i not in used and f[1] < g[2] and g[1] < f[2]), None)  # fmt: skip
                if hit is not None:
                    used.add(hit)
                    c["right"] += 1
                    if gold[hit][3]:
                        c["valued"] += 1
                        c["value_right"] += fold(f[3]) == fold(gold[hit][3])
            c["matched"] += len(used)
        c = counts["incident_type"]
        c["gold"] += len(s.types)
        c["suggested"] += len(types)
        c["right"] += len(types & s.types)
        c["matched"] += len(types & s.types)
    out: dict[str, dict[str, float | int]] = {}
    for kind, c in counts.items():
        out[kind] = {
            **c,
            "precision": round(c["right"] / c["suggested"], 3) if c["suggested"] else 0.0,
            "recall": round(c["matched"] / c["gold"], 3) if c["gold"] else 0.0,
        }
        if c["valued"]:
            out[kind]["value_accuracy"] = round(c["value_right"] / c["valued"], 3)
        out[kind].pop("value_right")
        out[kind].pop("valued")
    return out


def main() -> int:
    sentences = load()
    parts = sorted({s.part for s in sentences}, key=lambda p: p != "dev")
    readers = {"rules": rules_reader(), "natasha": natasha_reader()}
    result: dict[str, object] = {
        "machine": machine(),
        "data": {p: sum(s.part == p for s in sentences) for p in parts},
        "baseline": "natasha NER alone (PER→person, LOC→place, ORG→unit)",
        "matching": "span overlap, same kind, each gold span once; incident types per sentence",
    }
    ok = True
    for part in parts:
        chosen = [s for s in sentences if s.part == part]
        scores = {}
        for name, read in readers.items():
            t0 = time.perf_counter()
            scores[name] = score(chosen, read)
            scores[name]["seconds"] = {"total": round(time.perf_counter() - t0, 2)}
        result[part] = scores
        print(f"{part} ({len(chosen)} sentences)")
        for kind in (*KINDS, "incident_type"):
            r, n = scores["rules"][kind], scores["natasha"][kind]
            value = f"  value {r['value_accuracy']:.3f}" if "value_accuracy" in r else ""
            print(f"  {kind:14} rules P {r['precision']:.3f} R {r['recall']:.3f}{value}"
                  f"   natasha P {n['precision']:.3f} R {n['recall']:.3f}")  # fmt: skip
            if kind in TARGETS:
                p_min, r_min = TARGETS[kind]
                ok = ok and r["precision"] >= p_min and r["recall"] >= r_min
    result["targets"] = {k: {"precision": p, "recall": r} for k, (p, r) in TARGETS.items()}
    result["passed"] = ok
    print(write_result("extract", result))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
