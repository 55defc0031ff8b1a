"""The given-name, patronymic and sex part of a Russian name parse.

It depends only on the given-name and patronymic tokens, on two hints from the surname's
ending and on the sex column — small vocabularies — so it is computed once per
combination and cached (``GivenPart._given_part``). Mixed into ``RussianPack``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from unaccounted.normalize.model import ParsedName
from unaccounted.normalize.names import OBLIQUE, TokenInfo, hint_has
from unaccounted.normalize.ru import keys, morph, tags
from unaccounted.normalize.ru.lexicon import Lexicon
from unaccounted.normalize.ru.text import CYRILLIC as _CYRILLIC
from unaccounted.normalize.ru.text import LATIN as _LATIN
from unaccounted.normalize.ru.text import SEX_WORDS as _SEX_WORDS
from unaccounted.normalize.ru.text import SurnameHints
from unaccounted.normalize.ru.text import initial as _initial
from unaccounted.normalize.ru.text import title as _title
from unaccounted.normalize.ru.translit import to_cyrillic


class GivenPart:
    """Mixin: needs ``lex`` and ``_word_info`` from the pack."""

    lex: Lexicon
    _word_info: Callable[[str], TokenInfo]
    _parts_cache: dict[tuple[Any, ...], tuple[Any, ...]]

    def _canonical(self, nominative: str) -> tuple[tuple[str, ...], str | None, bool]:
        """(canonical names, sex, is a diminutive) of a nominative form; itself first."""
        entry = self.lex.given_by_key.get(keys.script_key(nominative))
        if entry is None:
            return (nominative,), self.lex.sex_of.get(nominative), False
        names = entry.canonical
        if nominative in names:  # Даниил and Данил share a key: the written one first
            names = (nominative, *(n for n in names if n != nominative))
        return names, entry.sex, entry.diminutive

    def _read_as(self, t: TokenInfo, reading: tuple[str, str, str]) -> None:
        nominative, case, _ = reading
        names, entry_sex, diminutive = self._canonical(nominative)
        if entry_sex is None and keys.script_key(nominative) not in self.lex.given_by_key:
            entry_sex = reading[2]  # a name only pymorphy3 knows: the reading's own sex
        if t.given_weak and nominative not in names:
            # «Филип», «Дайана»: a name of its own in pymorphy3's dictionary, not the listed
            # Филипп or Даня that shares its script key
            names, diminutive, entry_sex = (nominative, *names), False, reading[2]
        # an ambiguous name (Саша, Женя) has no sex of its own: the other parts decide
        t.given, t.given_case, t.given_sex = names, case, entry_sex
        t.given_rule = ("diminutive" if diminutive else "given name") + (
            f", {case}" if case != "nominative" else ""
        )

    def _given_part(
        self,
        g_text: str | None,
        p_text: str | None,
        hints: SurnameHints | None,
        sex: str | None,
        initials: tuple[str, ...],
        hint: str | None = None,
    ) -> tuple[Any, ...]:
        """Case, sex, given name, patronymic and initials: all but the surname (cached)."""
        key = (g_text, p_text, hints, sex, initials, hint)
        found = self._parts_cache.get(key)
        if found is None:
            found = self._given_part_uncached(*key)
            if len(self._parts_cache) > 100_000:
                self._parts_cache.clear()
            self._parts_cache[key] = found
        return found

    def _given_part_uncached(
        self,
        g_text: str | None,
        p_text: str | None,
        hints: SurnameHints | None,
        sex: str | None,
        initials: tuple[str, ...],
        hint: str | None = None,
    ) -> tuple[Any, ...]:
        out = ParsedName()
        g = self._word_info(g_text) if g_text is not None else None
        p = self._word_info(p_text) if p_text is not None else None
        # token infos are cached and shared: copy before changing one
        if g is not None and not g.given and _CYRILLIC.search(g.text):
            guess = tags.name_readings(g.text)
            if guess:
                g = replace(g, readings=guess, given_weak=True)
                self._read_as(g, guess[0])
                g.given_rule = "pymorphy3 given name" + g.given_rule.partition(",")[1] + (
                    g.given_rule.partition(",")[2])  # fmt: skip
            elif (hint_has(hint, OBLIQUE) or (hints and hints[0] == "genitive")) and (
                    g.text[-1:] in ("а", "я") and p is None):  # fmt: skip
                # «Хайнца Фишера» in a source that declines names, or beside a surname in
                # a man's genitive: a man's genitive
                made = morph.given_nominative(g.text, "m", "genitive")
                if made:
                    g = replace(g, readings=((made, "genitive", "m"),), given_weak=True)
                    self._read_as(g, g.readings[0])
                    g.given_rule = "a man's genitive, as " + (
                        "the source writes names" if hint_has(hint, OBLIQUE)
                        else "the surname beside it is")  # fmt: skip
        if g is not None and p is None and hints and hints[1] == "f" and not hint_has(
                hint, OBLIQUE) and _only_mens_case_forms(g):  # fmt: skip
            # «Галиуллина Фарида»: beside a woman's surname, a woman's name in -а/-я, not
            # the genitive of Фарид (a source that declines names reads it as the genitive)
            g = replace(g, readings=((_title(g.text), "nominative", "f"), *g.readings))
            self._read_as(g, g.readings[0])
            g.given_rule += ", a woman's name beside a woman's surname"
        if g is not None and p is not None and p.patronymic and p.patronymic_sex and (
                len(g.readings) > 1 or not self._fits(g, p)):  # fmt: skip
            g = replace(g)
            self._agree(g, p)
        elif g is not None and hint_has(hint, OBLIQUE) and len(g.readings) > 1:
            # «Александра Котова» in a source that writes names declined: the man's genitive
            oblique = next((r for r in g.readings if r[1] != "nominative"), None)
            if oblique is not None:
                g = replace(g)
                self._read_as(g, oblique)
                g.readings = (oblique, *(r for r in g.readings if r != oblique))
                g.given_rule += ", read in the case the source writes names in"
        # grammatical case: the patronymic's suffix is surest, then the given name's form
        case = (p.patronymic_case if p and p.patronymic else None) or (
            g.given_case if g and g.given else None) or "nominative"  # fmt: skip
        if case == "nominative" and hints and hints[0] and not (g and g.given):
            case = hints[0]  # «Чупиковым А. Ю.»: only the surname shows the case
        out.sex, out.rules["sex"] = self._sex(g, p, hints, sex, case)
        if g is not None:
            self._finish_given(out, g)
        if p is not None:
            if p.patronymic:
                out.patronymic = _title(p.patronymic)
                out.rules["patronymic"] = "patronymic suffix" + (
                    f", {p.patronymic_case}" if p.patronymic_case != "nominative" else ""
                )
                if _LATIN.search(p.text) and not _CYRILLIC.search(p.patronymic):
                    out.patronymic = _title(to_cyrillic(p.text))
            elif _LATIN.search(p.text):
                out.patronymic = _title(to_cyrillic(p.text))
                out.rules["patronymic"] = "reverse transliteration (guess)"
            else:
                out.patronymic = _title(p.text)
                out.rules["patronymic"] = "as written"
        rest = list(initials)
        if out.given_name is None and rest:
            out.given_initial = _initial(rest.pop(0))
            out.rules["given_initial"] = "initial"
        elif out.given_name:
            out.given_initial = out.given_name[0].upper()
        if out.patronymic is None and rest:
            out.patronymic_initial = _initial(rest.pop(0))
            out.rules["patronymic_initial"] = "initial"
        elif out.patronymic:
            out.patronymic_initial = out.patronymic[0].upper()
        return (case, out.sex, out.given_name, out.given_candidates, out.patronymic,
                out.given_initial, out.patronymic_initial, out.rules)  # fmt: skip

    @staticmethod
    def _same_case(a: str | None, b: str | None, sex: str | None) -> bool:
        # a man's genitive and accusative forms are the same word
        return a == b or (sex == "m" and {a, b} == {"genitive", "accusative"})

    @staticmethod
    def _fits(g: TokenInfo, p: TokenInfo) -> bool:
        """Whether the given name's reading has the patronymic's sex (when it has one)."""
        return not g.given or g.given_sex in (None, p.patronymic_sex)

    def _agree(self, g: TokenInfo, p: TokenInfo) -> None:
        """Read the given name in the patronymic's sex and case («Александра Андреевича»).

        When no reading has the patronymic's sex («Бронислава Ивановна», «Клавдию
        Ивановну» with only a man's name known), the name of that sex is made by undoing
        the case ending, checked by declining it again with petrovich.
        """
        assert p.patronymic_sex is not None and p.patronymic_case is not None
        same_sex = [r for r in g.readings if r[2] == p.patronymic_sex]
        if not same_sex and _CYRILLIC.search(g.text):
            made = morph.given_nominative(g.text, p.patronymic_sex, p.patronymic_case)
            if made:
                same_sex = [(made, p.patronymic_case, p.patronymic_sex)]
                g.readings = (same_sex[0], *g.readings)
        exact = [r for r in same_sex if self._same_case(r[1], p.patronymic_case, r[2])]
        # the lexicon keeps one oblique reading per form and sex («Евгении»: gen/dat/prep)
        oblique = [r for r in same_sex if (r[1] == "nominative") == (
            p.patronymic_case == "nominative")]  # fmt: skip
        candidates = exact or oblique
        if candidates:
            chosen = candidates[0]
            self._read_as(g, chosen)
            g.given_case = p.patronymic_case
            g.readings = (chosen,)
            shown = f", {p.patronymic_case}" if p.patronymic_case != "nominative" else ""
            g.given_rule = g.given_rule.split(",")[0] + shown + ", agrees with the patronymic"

    def _finish_given(self, out: ParsedName, g: TokenInfo) -> None:
        if g.given:
            fit = [n for n in g.given if self.lex.sex_of.get(n, out.sex) == out.sex]
            cands = tuple(fit) + tuple(n for n in g.given if n not in fit)
            for other in g.readings[1:]:  # «Александра Котова»: also Александр (genitive)
                cands += tuple(n for n in self._canonical(other[0])[0] if n not in cands)
            out.given_candidates = cands
            out.given_name = cands[0]
            out.rules["given_name"] = g.given_rule or "given name"
            if len(cands) > 1:
                out.rules["given_name"] += f"; also {', '.join(cands[1:])}"
        elif _LATIN.search(g.text) and not _CYRILLIC.search(g.text):
            out.given_name = _title(to_cyrillic(g.text))
            out.given_candidates = (out.given_name,)
            out.rules["given_name"] = "reverse transliteration (guess)"
        else:
            out.given_name = _title(g.text)
            out.given_candidates = (out.given_name,)
            out.rules["given_name"] = "as written (not in the given-name lists)"

    def _sex(self, g: TokenInfo | None, p: TokenInfo | None,
             hints: SurnameHints | None, written: str | None,
             case: str) -> tuple[str | None, str]:  # fmt: skip
        if p is not None and p.patronymic_sex:
            return p.patronymic_sex, "patronymic ending"
        col = _SEX_WORDS.get((written or "").strip().lower().rstrip("."))
        if col:
            return col, "sex column"
        if g is not None and g.given and g.given_weak and hints is not None and (
                hints[1] == "f" and case == "nominative"):  # fmt: skip
            # «Поллыева Джахан»: a woman's surname ending before a name only pymorphy3 knows
            return "f", "surname ending"
        if g is not None and g.given:
            sexes = {self.lex.sex_of.get(n) for n in g.given} - {None}
            if len(sexes) == 1 and not g.given_weak:
                return sexes.pop(), "given name"
            if g.given_sex:
                return g.given_sex, "given name form"
        if hints is not None:
            if case != "nominative" and hints[2]:
                return "f", "surname ending (feminine case form)"
            if hints[1]:
                return hints[1], "surname ending"
            if hints[3]:  # «Н. Н. Вертинской», «Ю. Долгорукий»
                return hints[3], "surname (adjectival ending or pymorphy3 dictionary)"
        if g is not None and not g.given and case == "nominative" and _CYRILLIC.search(g.text):
            # a given name known nowhere: a Russian reader's reading of its ending
            last = g.text[-1].lower()
            if last in "ая":
                return "f", "given name ending -а/-я"
            if last in "бвгджзклмнпрстфхцчшщй":
                return "m", "given name ending in a consonant"
        return None, "unknown"


def _only_mens_case_forms(g: TokenInfo) -> bool:
    """A word in -а/-я the lists read only as a man's case form, which pymorphy3's
    dictionary also holds as a woman's name («Фарида»; not «Антона»)."""
    return (bool(g.readings) and g.text[-1:].lower() in ("а", "я")
            and all(r[2] == "m" and r[1] != "nominative" for r in g.readings)
            and any(r[1:] == ("nominative", "f") for r in tags.name_readings(g.text)))  # fmt: skip
