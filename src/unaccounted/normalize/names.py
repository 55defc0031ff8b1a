"""Language-neutral name handling: tokens, initials, and which token plays which role.

A language pack describes each token (:class:`TokenInfo`: is it a known given name, a
patronymic form, surname-like, all capitals, an initial); :func:`assign_roles` then picks
the reading of the whole string that fits best among the orders people write names in:

- ``S G P`` (lists: «Савченко Сергей Иванович»), ``G P S`` (prose: «Сергей Иванович
  Савченко»), ``G S`` / ``S G`` (social posts, Latin lists), ``G P`` (no surname),
  and with initials ``I I S`` («С. И. Савченко»), ``S I I`` («Савченко С.И.»), ``S G I``.

A token written in capitals in a mixed-case string is the surname (``DZUGKAEV Semen``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

#: Initials: «С.», «С», «Ю.», and a run of them written together («С.И.»).
_INITIALS_RUN = re.compile(r"^(?:[^\W\d_]\.){2,3}$")
_SPLIT = re.compile(r"[\s,;]+")
_STRIP = re.compile(r"^[\"'«»()\[\]]+|[\"'«»()\[\]:]+$")


@dataclass
class TokenInfo:
    """What a language pack knows about one written token."""

    text: str
    initial: bool = False
    caps: bool = False
    #: canonical given names this form may stand for (nominative), best first
    given: tuple[str, ...] = ()
    given_case: str | None = None
    given_sex: str | None = None
    given_rule: str = ""
    #: every (nominative, case, sex) reading of the form, best first
    readings: tuple[tuple[str, str, str], ...] = ()
    #: the nominative patronymic, when the token is a patronymic form
    patronymic: str | None = None
    patronymic_case: str | None = None
    patronymic_sex: str | None = None
    #: a given name only pymorphy3 knows (not in the pack's lists): weaker evidence
    given_weak: bool = False
    #: a word of patronymic shape whose father's name is known nowhere («Янукович»)
    patronymic_weak: bool = False
    surname_like: bool = False
    extra: dict[str, str] = field(default_factory=dict)


_GLUED = re.compile(r"(?<=[а-яё])(?=[А-ЯЁ][а-яё])")
_PLAIN = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*$")


def tokens_of(text: str) -> list[str]:
    """Split a written name into tokens; «С.И.» becomes «С.», «И.»; quotes and brackets go."""
    text = _GLUED.sub(" ", text.strip())  # «МаксимовМихаил»: a lost space
    if _PLAIN.match(text):  # the common case: words and spaces only
        return text.split()
    out: list[str] = []
    for raw in _SPLIT.split(text.strip()):
        tok = _STRIP.sub("", raw)
        if not tok:
            continue
        if _INITIALS_RUN.match(tok):
            out.extend(f"{c}." for c in tok.split(".") if c)
            continue
        # «Савченко.С.И.» or «С.И.Савченко»: initials glued to a word
        m = re.match(r"^((?:[^\W\d_]\.){1,2})([^\W\d_]{2,}.*)$", tok)
        if m:
            out.extend(f"{c}." for c in m[1].split(".") if c)
            out.append(m[2])
            continue
        out.append(tok)
    return out


def is_initial(token: str) -> bool:
    n = len(token)
    if n == 1:
        return token.isalpha()
    return n == 2 and token[1] == "." and token[0].isalpha()


#: Orders allowed for a number of word tokens, with a prior (lists write S G P most).
_ORDERS: dict[int, tuple[tuple[str, float], ...]] = {
    1: (("S", 0.6), ("G", 0.0)),
    2: (("SG", 0.6), ("GS", 0.5), ("GP", 0.0), ("SP", -1.0)),
    3: (("SGP", 1.0), ("GPS", 0.8), ("GSP", -1.0), ("SSG", -2.0), ("GSS", -2.5)),
}


def _fit(role: str, t: TokenInfo, mixed_case: bool) -> float:
    if role == "P":
        return (1.0 if t.patronymic_weak else 5.0) if t.patronymic else -9.0
    if role == "G":
        score = 3.0 if t.given else -1.0
        if t.patronymic:
            score -= 4.0
        if t.surname_like and not t.given:
            score -= 1.5
        if t.caps and mixed_case:
            score -= 2.0
        return score
    score = 1.5 if t.surname_like else 0.0  # S
    if t.given:
        score -= 0.5 if t.given_weak else 2.0
    if t.patronymic:
        score -= 0.5 if t.patronymic_weak else 3.0
    if t.caps and mixed_case:
        score += 3.0
    return score


#: Name hints (``LanguagePack.parse_name``): the source mostly writes names declined, or
#: mostly surname first («Иванов Иван Иванович»); a hint may join both with «+».
OBLIQUE, SURNAME_FIRST = "oblique", "surname_first"
#: What a source's usual order adds to the orders that put the surname first.
_SURNAME_FIRST_BONUS = 3.0
#: What a source that declines names adds to «G S» for two words: it outweighs the lists'
#: «S G» prior, never what the words themselves say.
_PROSE_BONUS = 0.3


def hint_has(hint: str | None, flag: str) -> bool:
    """Whether a name hint («oblique», «surname_first», «oblique+surname_first») holds ``flag``."""
    return bool(hint) and flag in hint.split("+")  # type: ignore[union-attr]


def assign_roles(words: list[TokenInfo], n_initials: int, leading_initials: bool,
                 surname_first: bool = False, prose: bool = False) -> str:  # fmt: skip
    """The best order (a string of S/G/P, one letter per word) for the word tokens.

    ``surname_first``: the source usually writes the surname first, which tips a name
    whose words say nothing of their roles («Батрес Карлос»). ``prose``: the source
    writes names declined, as running text does, where two words that say nothing of
    their roles are the given name, then the surname («Рихарда Вагнера»).
    """
    return _assign(tuple([signature(w) for w in words]), n_initials, leading_initials,
                   surname_first, prose)  # fmt: skip


#: What role assignment looks at in a word token (:func:`signature`).
Signature = tuple[bool, bool, bool, bool, bool, bool]


@lru_cache(maxsize=8192)
def layout(codes: tuple[Signature | None, ...], surname_first: bool = False,
           prose: bool = False) -> tuple[tuple[str, ...], str]:  # fmt: skip
    """(role of each token, the name order) from each token's signature, None for initials.

    The same roles as :func:`assign_roles` and the same order as the full parse shows
    («S G P», «I I S»), computed once per layout of token signatures.
    """
    sigs = tuple(c for c in codes if c is not None)
    order = _assign(sigs, len(codes) - len(sigs), bool(codes) and codes[0] is None,
                    surname_first, prose)  # fmt: skip
    roles = iter(order)
    shown = tuple("I" if c is None else next(roles, "?") for c in codes)
    return shown, " ".join(shown)


def is_glued(token: str) -> bool:
    """Whether a token is two words written without a space («МаксимовМихаил»)."""
    return _GLUED.search(token) is not None


def signature(w: TokenInfo) -> Signature:
    """What role assignment looks at in a token."""
    return (bool(w.given), w.given_weak, bool(w.patronymic), w.patronymic_weak, w.surname_like,
            w.caps)  # fmt: skip


@lru_cache(maxsize=4096)
def _assign(signature: tuple[Signature, ...], n_initials: int, leading_initials: bool,
            surname_first: bool = False, prose: bool = False) -> str:  # fmt: skip
    words = [TokenInfo("", given=("x",) if g else (), given_weak=weak,
                       patronymic="x" if p else None, patronymic_weak=p_weak, surname_like=sl,
                       caps=caps)
             for g, weak, p, p_weak, sl, caps in signature]  # fmt: skip
    n = len(words)
    if n == 0:
        return ""
    mixed_case = any(w.caps for w in words) and not all(w.caps for w in words)
    if n > 3:
        return "S" * (n - 2) + "GP" if words[-1].patronymic else "S" * (n - 1) + "G"
    best, best_score = "", float("-inf")
    for order, prior in _ORDERS[n]:
        if n_initials and "G" in order and "P" not in order and n == 2 and order in ("GS", "SG"):
            prior -= 0.2
        if n_initials and n == 1 and order == "G":
            continue  # «С. Савченко»: the word is the surname
        if leading_initials and order.startswith("S") and n >= 2:
            prior -= 0.5
        if surname_first and order.startswith("S") and n >= 2:
            prior += _SURNAME_FIRST_BONUS
        if prose and order == "GS" and not surname_first:
            prior += _PROSE_BONUS
        score = prior + sum(_fit(r, w, mixed_case) for r, w in zip(order, words, strict=True))
        if score > best_score:
            best, best_score = order, score
    return best
