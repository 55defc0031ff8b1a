"""The Russian language pack: data in ``locales/ru/`` plus this adapter.

The adapter describes tokens for the core's role assignment (``normalize/names.py``) and
finishes the parse: case forms back to the nominative, diminutives and Latin spellings to
canonical Cyrillic given names, sex from patronymic, given name or surname ending.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property, lru_cache
from typing import Any

from unaccounted.normalize.model import ParsedName
from unaccounted.normalize.names import TokenInfo, assign_roles, is_initial, tokens_of
from unaccounted.normalize.pack import LanguagePack, PackData
from unaccounted.normalize.ru import keys, morph
from unaccounted.normalize.ru.lexicon import Lexicon
from unaccounted.normalize.ru.translit import initial_to_cyrillic, to_cyrillic

_LATIN = re.compile(r"[a-zA-Z]")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁіїєґІЇЄҐ]")
#: Script-key endings of surnames (-ов, -ев, -ин, -ский, -енко, -ук, -их, -ян, -дзе …).
_SURNAME_ENDINGS = ("ov", "ev", "in", "ini", "ski", "tki", "enko", "ko", "uk", "ih", "ian",
                    "an", "ova", "eva", "ina", "ska", "tka", "dze", "wvili", "ovic", "evic",
                    "of", "off", "ef",
                    # case forms: -овой, -ову, -овым, -ского, -скому, -ским, -ской
                    "ovoi", "evoi", "inoi", "ovu", "evu", "inu", "ovim", "evim", "inim",
                    "skogo", "skomu", "skim", "skoi", "tkogo", "tkomu", "tkim", "tkoi")  # fmt: skip
#: Surname endings that show a case by themselves (a man's; -ова/-ову are ambiguous).
_SURNAME_CASE_ENDINGS = (("овым", "instrumental"), ("евым", "instrumental"),
                         ("иным", "instrumental"), ("ским", "instrumental"),
                         ("цким", "instrumental"), ("ского", "genitive"), ("цкого", "genitive"),
                         ("скому", "dative"), ("цкому", "dative"))  # fmt: skip
_TURKIC = {"оглы": "m", "оглу": "m", "улы": "m", "угли": "m", "кызы": "f", "гызы": "f",
           "ogly": "m", "oglu": "m", "kyzy": "f", "gyzy": "f"}  # fmt: skip
_SEX_WORDS = {"м": "m", "m": "m", "муж": "m", "мужской": "m", "male": "m", "man": "m",
              "ж": "f", "f": "f", "жен": "f", "женский": "f", "female": "f", "woman": "f",
              "w": "f"}  # fmt: skip


class RussianPack(LanguagePack):
    code = "ru"
    rules_version = 1
    tables = ("given_names", "given_name_variants", "given_names_latin", "diminutives",
              "patronymic_exceptions", "surnames", "months", "date_words", "statuses",
              "unit_types", "unit_words", "units", "honorifics", "regions", "region_aliases",
              "cities", "name_stopwords")  # fmt: skip

    def __init__(self, data: PackData) -> None:
        super().__init__(data)
        self.lex = Lexicon(data, keys.script_key)
        self._cached_parse = lru_cache(maxsize=20_000)(self._parse_name)
        self._parts_cache: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._word_info = lru_cache(maxsize=100_000)(self._word_info_uncached)  # type: ignore[method-assign]

    def parse_name(
        self,
        full_name: str | None,
        surname: str | None = None,
        given_name: str | None = None,
        patronymic: str | None = None,
        sex: str | None = None,
    ) -> ParsedName:
        """Parse a name (cached: one record in a thousand has a new name at scale)."""
        return self._cached_parse(full_name, surname, given_name, patronymic, sex)

    def script_key(self, text: str) -> str:
        return keys.script_key(text)

    def phonetic_key(self, text: str) -> str:
        return keys.phonetic_key(text)

    @cached_property
    def _given(self) -> dict[str, list[tuple[str, str, str]]]:
        return self.lex.given_forms

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
        # an ambiguous name (Саша, Женя) has no sex of its own: the other parts decide
        t.given, t.given_case, t.given_sex = names, case, entry_sex
        t.given_rule = ("diminutive" if diminutive else "given name") + (
            f", {case}" if case != "nominative" else ""
        )

    # -- tokens ------------------------------------------------------------------------

    def token_info(self, word: str) -> TokenInfo:
        t = TokenInfo(word, caps=len(word) > 1 and word.isupper())
        latin = bool(_LATIN.search(word)) and not _CYRILLIC.search(word)
        k = keys.script_key(word)
        if latin:
            entry = self.lex.given_by_key.get(k)
            if entry:
                t.given, t.given_case, t.given_sex = entry.canonical, "nominative", entry.sex
                t.given_rule = "Latin spelling of a given name" + (
                    " (diminutive)" if entry.diminutive else ""
                )
            patr = self.lex.patronymic_by_key.get(k)
            if patr:
                t.patronymic, t.patronymic_case, t.patronymic_sex = patr[0], "nominative", patr[1]
            elif re.search(r"(ovich|evich|ovna|evna|ichna)$", word.lower()):
                form = morph.patronymic_form(to_cyrillic(word))
                if form:
                    t.patronymic, t.patronymic_sex, t.patronymic_case = form
        else:
            readings = self._given.get(word.lower().replace("ё", "е"))
            if readings:
                t.readings = tuple(readings)
                self._read_as(t, readings[0])
            p = morph.patronymic_form(word)
            if p:
                t.patronymic, t.patronymic_sex, t.patronymic_case = p
        t.surname_like = k.endswith(_SURNAME_ENDINGS) and not t.patronymic
        return t

    # -- the parse ---------------------------------------------------------------------

    def _parse_name(
        self,
        full_name: str | None,
        surname: str | None = None,
        given_name: str | None = None,
        patronymic: str | None = None,
        sex: str | None = None,
    ) -> ParsedName:
        out = ParsedName()
        if full_name and _DIRT.search(full_name):
            full_name = self._clean_full_name(full_name)
        split = bool(surname or given_name or patronymic)
        if split:
            written = " ".join(x for x in (surname, given_name, patronymic, full_name) if x)
        else:
            written = full_name or ""
        has_latin = _LATIN.search(written) is not None
        if has_latin:
            full_name, surname, given_name, patronymic = (
                _latin_yo(v) for v in (full_name, surname, given_name, patronymic)
            )
            written = _latin_yo(written) or ""
        has_cyr = not written.isascii() and _CYRILLIC.search(written) is not None
        out.script = "mixed" if has_latin and has_cyr else "latin" if has_latin else "cyrillic"
        roles: dict[str, str] = {}
        initials: list[str] = []
        if split:
            out.order = "columns"
            for role, value in (("S", surname), ("G", given_name), ("P", patronymic)):
                if not value:
                    continue
                toks = tokens_of(value)
                if all(is_initial(x) for x in toks):
                    initials.extend(x.rstrip(".") for x in toks)
                else:
                    roles[role] = " ".join(toks)
            infos = {r: self._word_info(w) for r, w in roles.items()}
        else:
            toks = tokens_of(full_name or "")
            if _TURKIC_RE.search(written):
                toks = _merge_turkic(toks)
            flags = [len(x) <= 2 and is_initial(x) for x in toks]
            words = [x for x, f in zip(toks, flags, strict=True) if not f]
            initials = [x.rstrip(".") for x, f in zip(toks, flags, strict=True) if f]
            word_infos = [self._word_info(w) for w in words]
            order = assign_roles(word_infos, len(initials), bool(flags) and flags[0])
            roles_iter = iter(order)
            out.order = " ".join("I" if f else next(roles_iter, "?") for f in flags)
            infos = {}
            for role, info in zip(order, word_infos, strict=True):
                if role in infos:  # two-word surname in a long name
                    infos[role] = TokenInfo(infos[role].text + " " + info.text)
                else:
                    infos[role] = info
        self._finish(out, infos, initials, sex)
        return out

    @cached_property
    def _stopwords(self) -> frozenset[str]:
        return frozenset(r["word"].lower() for r in self.data.table("name_stopwords"))

    def _clean_full_name(self, text: str) -> str:
        """Drop what is not a name: brackets, call signs, ranks, years, «г.р.», symbols."""
        text = _BRACKETS.sub(" ", text)
        text = _CALLSIGN.sub(" ", text)
        text = _BORN.sub(" ", text)
        kept = [
            t for t in text.replace(",", " ").split()
            if not any(c.isdigit() for c in t) and t.lower().strip(".") not in self._stopwords
            and t.lower().rstrip(".") not in self._stopwords and t.strip("†*+✝✞-") != ""
        ]  # fmt: skip
        return " ".join(t.strip("†*+✝✞") for t in kept)

    def _word_info(self, word: str) -> TokenInfo:
        """What the pack knows of one word (cached; the result is shared, never changed)."""
        return self._word_info_uncached(word)

    def _word_info_uncached(self, word: str) -> TokenInfo:
        low = word.lower()
        for particle, sex in _TURKIC.items():
            if low.endswith(" " + particle):
                father = word[: -len(particle) - 1]
                t = TokenInfo(word, patronymic=f"{_title(father)} {particle}")
                t.patronymic_sex, t.patronymic_case = sex, "nominative"
                return t
        return self.token_info(word)

    def _finish(
        self, out: ParsedName, infos: dict[str, TokenInfo], initials: list[str], sex: str | None
    ) -> None:
        g, p, s = infos.get("G"), infos.get("P"), infos.get("S")
        hints = _surname_hints(s.text) if s is not None else None
        # everything but the surname depends on a few small vocabularies: cached
        part = self._given_part(g.text if g else None, p.text if p else None, hints, sex,
                                tuple(initials))  # fmt: skip
        (out.case, out.sex, out.given_name, out.given_candidates, out.patronymic,
         out.given_initial, out.patronymic_initial, rules) = part  # fmt: skip
        out.rules.update(rules)
        if s is not None:
            self._finish_surname(out, s, out.case or "nominative")

    def _given_part(
        self,
        g_text: str | None,
        p_text: str | None,
        hints: tuple[str | None, str | None, bool] | None,
        sex: str | None,
        initials: tuple[str, ...],
    ) -> tuple[Any, ...]:
        """Case, sex, given name, patronymic and initials: all but the surname (cached)."""
        key = (g_text, p_text, hints, sex, initials)
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
        hints: tuple[str | None, str | None, bool] | None,
        sex: str | None,
        initials: tuple[str, ...],
    ) -> tuple[Any, ...]:
        out = ParsedName()
        g = self._word_info(g_text) if g_text is not None else None
        p = self._word_info(p_text) if p_text is not None else None
        # token infos are cached and shared: copy before changing one
        if g is not None and not g.given and _CYRILLIC.search(g.text):
            guess = morph.pymorphy_given(g.text)
            if guess:
                g = replace(g, given=(guess[0],), given_case=guess[1], given_sex=guess[2],
                            given_rule="pymorphy3 first-name lemma")  # fmt: skip
        if g is not None and p is not None and p.patronymic and len(g.readings) > 1:
            g = replace(g)
            self._agree(g, p)
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

    def _agree(self, g: TokenInfo, p: TokenInfo) -> None:
        """Read the given name in the patronymic's sex and case («Александра Андреевича»)."""
        for reading in g.readings:
            if reading[2] == p.patronymic_sex and self._same_case(
                reading[1], p.patronymic_case, reading[2]
            ):
                self._read_as(g, reading)
                g.readings = (reading,)
                g.given_rule += ", agrees with the patronymic"
                return

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

    def _finish_surname(self, out: ParsedName, s: TokenInfo, case: str) -> None:
        text = s.text
        if out.script != "cyrillic" and _LATIN.search(text) and not _CYRILLIC.search(text):
            found = self._latin_surname(text, out.sex)
            if found:
                out.surname, out.rules["surname"] = found, "Latin spelling of a listed surname"
            else:
                out.surname = _title(to_cyrillic(text))
                out.rules["surname"] = "reverse transliteration (guess)"
            return
        if case == "nominative":
            out.surname, out.rules["surname"] = _title(text), "as written (nominative)"
            return
        # each part of a double surname declines: Римского-Корсакова → Римский-Корсаков
        *heads, last = text.split("-")
        nominative, rule = morph.surname_nominative(last, out.sex or "m", case)
        done = []
        for head in heads:  # a Russian head declines (Римского-); a Tuvan one does not (Кара-)
            undone = morph.surname_nominative(head, out.sex or "m", case)[0]
            looks = keys.script_key(undone).endswith(_SURNAME_ENDINGS)
            done.append(undone if looks else head)
        out.surname = _title("-".join([*done, nominative]))
        out.rules["surname"] = rule

    def _latin_surname(self, text: str, sex: str | None) -> str | None:
        k = keys.script_key(text)
        table = self.lex.surname_by_key
        if k in table:
            return table[k]
        if sex != "m" and k.endswith("a") and k[:-1] in table:  # Polyakova → Поляков + а
            masc = table[k[:-1]]
            if masc.endswith(("ов", "ев", "ёв", "ин", "ын")):
                return masc + "а"
        if sex != "m" and k.endswith("ska") and k[:-1] + "i" in table:  # -skaya
            masc = table[k[:-1] + "i"]
            return masc[:-2] + "ая" if masc.endswith("ий") else None
        return None

    def _sex(self, g: TokenInfo | None, p: TokenInfo | None,
             hints: tuple[str | None, str | None, bool] | None, written: str | None,
             case: str) -> tuple[str | None, str]:  # fmt: skip
        if p is not None and p.patronymic_sex:
            return p.patronymic_sex, "patronymic ending"
        col = _SEX_WORDS.get((written or "").strip().lower().rstrip("."))
        if col:
            return col, "sex column"
        if g is not None and g.given:
            sexes = {self.lex.sex_of.get(n) for n in g.given} - {None}
            if len(sexes) == 1:
                return sexes.pop(), "given name"
            if g.given_sex:
                return g.given_sex, "given name form"
        if hints is not None:
            if case != "nominative" and hints[2]:
                return "f", "surname ending (feminine case form)"
            if hints[1]:
                return hints[1], "surname ending"
        return None, "unknown"


@lru_cache(maxsize=200_000)
def _surname_hints(text: str) -> tuple[str | None, str | None, bool]:
    """(case its ending shows, sex its nominative ending shows, a feminine case form?)."""
    shown = None
    if _CYRILLIC.search(text):
        low = text.lower()
        shown = next((c for e, c in _SURNAME_CASE_ENDINGS if low.endswith(e)), None)
    k = keys.script_key(text)
    sex = ("f" if k.endswith(("ova", "eva", "ina", "ska", "tka", "aia"))
           else "m" if k.endswith(("ov", "ev", "in", "ski", "tki")) else None)  # fmt: skip
    return shown, sex, k.endswith(("ovoi", "evoi", "inoi", "skoi", "tkoi"))


#: A full name that needs cleaning first: brackets, digits, symbols, commas, or a rank word.
_DIRT = re.compile(
    r"[()\[\]«»\"\d†*+✝✞,]|(?i:рядов|ефрейт|сержант|лейтенант|капитан|майор|прапорщ|полковн"
    r"|генерал|матрос|гвардии|позывн|private|corporal|sergeant|lieutenant|captain|major|colonel"
    r"|\b(?:мл|ст|гв|ряд|ефр|sgt|pvt|cpl|lt|capt|col)\.)"
)
_BORN = re.compile(r"(?i)(?<!\w)г\.?\s?р\.?(?=[\s,;]|$)|года рождения")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_CALLSIGN = re.compile(r"(?i)(?:позывной|call\s*sign|callsign)\s*[«\"']?[^»\"',]*[»\"']?")
_YO_IN_LATIN = re.compile(r"(?<=[A-Za-z])[ёЁ]|[ёЁ](?=[A-Za-z])")


def _latin_yo(value: str | None) -> str | None:
    """BGN/PCGN and scientific schemes keep ё in Latin text («Artёm», «FЁDOROV»)."""
    if not value or not _LATIN.search(value):
        return value
    return _YO_IN_LATIN.sub(lambda m: "yo" if m[0] == "ё" else "YO", value)


_TURKIC_RE = re.compile(r"(?i)(?<!\w)(?:" + "|".join(_TURKIC) + r")(?!\w)")


def _merge_turkic(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok.lower() in _TURKIC and out:
            out[-1] = f"{out[-1]} {tok.lower()}"
        else:
            out.append(tok)
    return out


def _initial(letter: str) -> str:
    return initial_to_cyrillic(letter) if _LATIN.match(letter) else letter.upper()


def _title(word: str) -> str:
    """Capitalise a name written all in capitals or all in lower case; else keep it."""
    if word.isupper() or word.islower():
        return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
    return word
