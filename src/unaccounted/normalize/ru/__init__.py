"""The Russian language pack: data in ``locales/ru/`` plus this adapter.

The adapter describes tokens for the core's role assignment (``normalize/names.py``) and
finishes the parse: case forms back to the nominative, diminutives and Latin spellings to
canonical Cyrillic given names, sex from patronymic, given name or surname ending.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import Any

from unaccounted.normalize.model import ParsedName
from unaccounted.normalize.names import (
    OBLIQUE,
    SURNAME_FIRST,
    TokenInfo,
    assign_roles,
    hint_has,
    is_initial,
    tokens_of,
)
from unaccounted.normalize.pack import LanguagePack, PackData
from unaccounted.normalize.ru import keys, morph, tags
from unaccounted.normalize.ru import text as tx
from unaccounted.normalize.ru.lexicon import Lexicon
from unaccounted.normalize.ru.parts import GivenPart
from unaccounted.normalize.ru.plain import PlainNames
from unaccounted.normalize.ru.ranks import declined_rank, rank_forms, split_rank
from unaccounted.normalize.ru.schemes import respellings
from unaccounted.normalize.ru.translit import to_cyrillic

#: Script-key endings no given name has (-ов, -ский, -енко …): no pymorphy3 look-up needed.
_SURE_SURNAME_ENDINGS = ("ov", "ev", "ski", "tki", "enko", "ko", "uk", "ih", "ova", "eva",
                         "ska", "tka", "dze", "wvili", "ovic", "evic", "ovoi", "evoi",
                         "ovim", "evim", "skogo", "skomu", "skim", "skoi")  # fmt: skip


class RussianPack(PlainNames, GivenPart, LanguagePack):
    code = "ru"
    rules_version = 3
    tables = ("given_names", "given_name_variants", "given_names_latin", "diminutives",
              "given_names_own",
              "patronymic_exceptions", "surnames", "months", "date_words", "statuses",
              "unit_types", "unit_words", "units", "honorifics", "regions", "region_aliases",
              "cities", "name_stopwords")  # fmt: skip

    def __init__(self, data: PackData) -> None:
        super().__init__(data)
        self.lex = Lexicon(data, keys.script_key, batch_key=keys.script_keys)
        self._cached_parse = lru_cache(maxsize=20_000)(self._parse_name)
        self._parts_cache: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._word_info = lru_cache(maxsize=100_000)(self._word_info_uncached)  # type: ignore[method-assign]
        self._init_plain()

    def parse_name(
        self,
        full_name: str | None,
        surname: str | None = None,
        given_name: str | None = None,
        patronymic: str | None = None,
        sex: str | None = None,
        hint: str | None = None,
    ) -> ParsedName:
        """Parse a name (cached)."""
        return self._cached_parse(full_name, surname, given_name, patronymic, sex, hint)

    def name_values(
        self,
        full_name: str | None,
        surname: str | None = None,
        given_name: str | None = None,
        patronymic: str | None = None,
        sex: str | None = None,
        hint: str | None = None,
    ) -> tuple[Any, ...]:
        """The name fields; a plain full name takes the token-cached path (``plain.py``)."""
        found = None
        if not (surname or given_name or patronymic):
            if full_name:
                found = self.plain_name_values(full_name, sex, hint)
        elif not full_name:
            found = self.plain_split_values(surname, given_name, patronymic, sex, hint)
        if found is not None:
            return found
        return super().name_values(full_name, surname, given_name, patronymic, sex, hint)

    def clear_caches(self) -> None:
        for f in (keys.script_key, keys._key_of_lower, keys.phonetic_key, morph.patronymic_form,
                  morph.surname_nominative, morph.pymorphy_surnames, to_cyrillic,
                  tx.surname_hints, tags.name_readings, tags.surname_readings, tags.mostly_surname,
                  tags.is_known_patronymic, self._cached_parse):  # fmt: skip
            f.cache_clear()
        self._word_info.cache_clear()  # type: ignore[attr-defined]
        self._parts_cache.clear()
        self._init_plain()

    def script_key(self, text: str) -> str:
        return keys.script_key(text)

    def phonetic_key(self, text: str) -> str:
        return keys.phonetic_key(text)

    @cached_property
    def _given(self) -> dict[str, list[tuple[str, str, str]]]:
        return self.lex.given_forms

    # -- tokens ------------------------------------------------------------------------

    def token_info(self, word: str) -> TokenInfo:
        t = TokenInfo(word, caps=len(word) > 1 and word.isupper())
        latin = bool(tx.LATIN.search(word)) and not tx.CYRILLIC.search(word)
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
            self._cyrillic_info(t, word, k)
        t.surname_like = t.surname_like or (k.endswith(tx.SURNAME_ENDINGS) and not t.patronymic)
        return t

    def _cyrillic_info(self, t: TokenInfo, word: str, k: str) -> None:
        """The pack's lists first; pymorphy3's Name/Surn/Patr readings for what they lack."""
        readings = tuple(self._given.get(word.lower().replace("ё", "е"), ()))
        p = morph.patronymic_form(word)
        if p:
            t.patronymic, t.patronymic_sex, t.patronymic_case = p
            # a patronymic of a father's name known nowhere is likely a surname (Янукович)
            t.patronymic_weak = keys.script_key(p[0]) not in self.lex.patronymic_by_key and not (
                tags.is_known_patronymic(word))  # fmt: skip
            if t.patronymic_weak:
                t.surname_like = True
        elif not readings and not k.endswith(_SURE_SURNAME_ENDINGS):
            if tags.mostly_surname(word):  # «Майер Марисса»: a surname, though also a name
                t.surname_like = True
                return
            readings = tags.name_readings(word)
            t.given_weak = bool(readings)
            if not readings:
                t.surname_like = bool(tags.surname_readings(word))
        if readings:
            t.readings = readings
            self._read_as(t, readings[0])
            if t.given_weak:
                t.given_rule = "pymorphy3 given name" + t.given_rule.partition(",")[1] + (
                    t.given_rule.partition(",")[2])  # fmt: skip

    # -- the parse ---------------------------------------------------------------------

    def _parse_name(
        self,
        full_name: str | None,
        surname: str | None = None,
        given_name: str | None = None,
        patronymic: str | None = None,
        sex: str | None = None,
        hint: str | None = None,
    ) -> ParsedName:
        out = ParsedName()
        full_name, surname, given_name, patronymic = (
            tx.fold_lookalikes(v) for v in (full_name, surname, given_name, patronymic)
        )
        if full_name and tx.DIRT.search(full_name):
            full_name, out.rank, declined = self._clean_full_name(full_name)
            if out.rank:
                out.rules["name_rank"] = "rank words taken out of the name"
            if declined and not hint_has(hint, OBLIQUE):  # «майора Романа Коноплева»
                hint = f"{hint}+{OBLIQUE}" if hint else OBLIQUE
                out.rules["name_rank"] += ", declined: so is the name"
        split = bool(surname or given_name or patronymic)
        if split:
            written = " ".join(x for x in (surname, given_name, patronymic, full_name) if x)
        else:
            written = full_name or ""
        has_latin = tx.LATIN.search(written) is not None
        if has_latin:
            full_name, surname, given_name, patronymic = (
                tx.latin_yo(v) for v in (full_name, surname, given_name, patronymic)
            )
            written = tx.latin_yo(written) or ""
        has_cyr = not written.isascii() and tx.CYRILLIC.search(written) is not None
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
            if tx.TURKIC_RE.search(written):
                toks = tx.merge_turkic(toks)
            flags = [len(x) <= 2 and is_initial(x) for x in toks]
            words = [x for x, f in zip(toks, flags, strict=True) if not f]
            initials = [x.rstrip(".") for x, f in zip(toks, flags, strict=True) if f]
            word_infos = [self._word_info(w) for w in words]
            if len(words) <= 2:  # «Людмилу Зенькович»: no patronymic of a father's name known
                word_infos = [_as_surname(w) if w.patronymic_weak else w for w in word_infos]
            order = assign_roles(word_infos, len(initials), bool(flags) and flags[0],
                                 hint_has(hint, SURNAME_FIRST),
                                 hint_has(hint, OBLIQUE))  # fmt: skip
            roles_iter = iter(order)
            out.order = " ".join("I" if f else next(roles_iter, "?") for f in flags)
            infos = {}
            for role, info in zip(order, word_infos, strict=True):
                if role in infos:  # two-word surname in a long name
                    infos[role] = TokenInfo(infos[role].text + " " + info.text)
                else:
                    infos[role] = info
        self._finish(out, infos, initials, sex, hint)
        return out

    @cached_property
    def _stopwords(self) -> frozenset[str]:
        return frozenset(r["word"].lower() for r in self.data.table("name_stopwords"))

    @cached_property
    def _rank_forms(self) -> dict[str, str]:
        return rank_forms(r["word"] for r in self.data.table("name_stopwords")
                          if r["kind"] == "rank")  # fmt: skip

    def _clean_full_name(self, text: str) -> tuple[str, str | None, bool]:
        """(the name without what is not a name, the rank words taken out of it, whether
        the rank is written in a case other than the nominative).

        Brackets, call signs, years, «г.р.» and symbols go; rank words in any case
        («майора», «младшему сержанту») go and are kept as the rank.
        """
        text = tx.BRACKETS.sub(" ", text)
        text = tx.CALLSIGN.sub(" ", text)
        text = tx.BORN.sub(" ", text)
        words = [t.strip("†*+✝✞") for t in text.replace(",", " ").split()
                 if not any(c.isdigit() for c in t) and t.strip("†*+✝✞-") != ""]  # fmt: skip
        kept, rank = split_rank(words, self._rank_forms, self._stopwords)
        return " ".join(kept), rank, declined_rank(words, self._rank_forms)

    def _word_info(self, word: str) -> TokenInfo:
        """What the pack knows of one word (cached; the result is shared, never changed)."""
        return self._word_info_uncached(word)

    def _word_info_uncached(self, word: str) -> TokenInfo:
        low = word.lower()
        for particle, sex in tx.TURKIC.items():
            if low.endswith(" " + particle):
                father = word[: -len(particle) - 1]
                t = TokenInfo(word, patronymic=f"{tx.title(father)} {particle}")
                t.patronymic_sex, t.patronymic_case = sex, "nominative"
                return t
        return self.token_info(word)

    def _finish(
        self,
        out: ParsedName,
        infos: dict[str, TokenInfo],
        initials: list[str],
        sex: str | None,
        hint: str | None = None,
    ) -> None:
        g, p, s = infos.get("G"), infos.get("P"), infos.get("S")
        hints = tx.surname_hints(s.text) if s is not None else None
        # everything but the surname depends on a few small vocabularies: cached
        part = self._given_part(g.text if g else None, p.text if p else None, hints, sex,
                                tuple(initials), hint)  # fmt: skip
        (out.case, out.sex, out.given_name, out.given_candidates, out.patronymic,
         out.given_initial, out.patronymic_initial, rules) = part  # fmt: skip
        out.rules.update(rules)
        if s is not None:
            self._finish_surname(out, s, out.case or "nominative")

    def _finish_surname(self, out: ParsedName, s: TokenInfo, case: str) -> None:
        text = s.text
        if out.script != "cyrillic" and tx.LATIN.search(text) and not tx.CYRILLIC.search(text):
            found = self._latin_surname(text, out.sex)
            if found:
                out.surname, out.rules["surname"] = found, "Latin spelling of a listed surname"
                return
            for scheme, respelled in respellings(text):  # Sacharow, Żukow, Schewtschenko
                found = self._latin_surname(respelled, out.sex)
                if found:
                    out.surname = found
                    out.rules["surname"] = scheme
                    return
            out.surname = tx.title(to_cyrillic(text))
            out.rules["surname"] = "reverse transliteration (guess)"
            return
        if case == "nominative":
            out.surname, out.rules["surname"] = tx.title(text), "as written (nominative)"
            return
        # each part of a double surname declines: Римского-Корсакова → Римский-Корсаков
        *heads, last = text.split("-")
        nominative, rule = morph.surname_nominative(last, out.sex or "m", case)
        done = []
        for head in heads:  # a Russian head declines (Римского-); a Tuvan one does not (Кара-)
            undone = morph.surname_nominative(head, out.sex or "m", case)[0]
            looks = keys.script_key(undone).endswith(tx.SURNAME_ENDINGS)
            done.append(undone if looks else head)
        out.surname = tx.title("-".join([*done, nominative]))
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


def _as_surname(t: TokenInfo) -> TokenInfo:
    """A word of patronymic shape read as a surname (token infos are shared: a copy)."""
    return TokenInfo(t.text, caps=t.caps, surname_like=True)
