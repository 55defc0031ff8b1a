"""Rank and title words written with a name, in every case: taken out and kept as the rank.

«майора Николая Ивановича Александрова» is the name Александров Николай Иванович in the
genitive and the rank «майор». The words are the ``rank`` rows of ``name_stopwords.csv``
(«рядовой», «мл.», «гвардии», "Sgt"); their case forms («рядового», «младшему
сержанту», «лейтенантом») are made with pymorphy3 when the pack first meets a rank.
Other stop words (call signs, «г.р.») are dropped and not kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from unaccounted.normalize.ru.morph import pymorphy


def rank_forms(words: Iterable[str]) -> dict[str, str]:
    """Lower-case singular case form → the rank word it is a form of (nominative)."""
    analyzer = pymorphy()
    out: dict[str, str] = {}
    for word in words:
        low = word.lower()
        out[low] = low
        head, dash, last = low.rpartition("-")
        if not last.isalpha():
            continue
        for parse in analyzer.parse(last):
            if parse.normal_form != last or parse.tag.POS not in ("NOUN", "ADJF"):
                continue
            for form in parse.lexeme:
                tag = form.tag
                if "plur" in tag or (tag.POS == "ADJF" and tag.gender not in (None, "masc")):
                    continue
                out.setdefault(head + dash + form.word.replace("ё", "е"), low)
    return out


def split_rank(
    tokens: list[str], forms: dict[str, str], stopwords: frozenset[str]
) -> tuple[list[str], str | None]:
    """(the name's own tokens, the rank words in the nominative or None).

    A token is a rank word when its lower-case form (without a final dot, ё as е) is a
    form of a rank; other stop words go without a trace.
    """
    kept: list[str] = []
    rank: list[str] = []
    for tok in tokens:
        low = tok.lower().replace("ё", "е")
        bare = low.rstrip(".")
        found = forms.get(low) or forms.get(bare)
        if found is None and "-" in bare:  # «генерал-майора»: every piece a rank word
            pieces = [forms.get(x) for x in bare.split("-")]
            if all(pieces) and len(pieces) > 1:
                found = "-".join(x for x in pieces if x)
        if found is not None:  # an abbreviation keeps its dot («мл.»)
            rank.append(found + "." if found == bare and low.endswith(".") else found)
        elif bare not in stopwords and low.strip(".") not in stopwords:
            kept.append(tok)
    return kept, " ".join(rank) or None


def declined_rank(tokens: list[str], forms: dict[str, str]) -> bool:
    """Whether a rank word among ``tokens`` is written in a case other than the nominative.

    «старшего лейтенанта Романа Коноплева»: the rank in the genitive puts the name in the
    genitive too (Роман Коноплев, not a woman Романа Коноплева). «гвардии» and
    abbreviations («мл.») are written one way only and say nothing.
    """
    for tok in tokens:
        low = tok.lower().replace("ё", "е")
        found = forms.get(low)
        if found is None and "-" in low:
            pieces = low.split("-")
            if all(x in forms for x in pieces):
                found = "-".join(forms[x] for x in pieces)
        if found is not None and found != low:
            return True
    return False
