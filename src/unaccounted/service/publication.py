"""The publication rule: which persons a viewer, the public API and the memorial site see.

The rule is a shared file, ``publication.yaml`` (:mod:`unaccounted.service.shared`): the
store keeps every version with the event that stored it, and every change is an audited
``set-publication-rule`` write. The rule in force is the stored version (the default
until an editor stores one); the workspace copy is how the rule is exported and imported
(edit or copy it, then ``unaccounted files --sync``).

A person is published when

* its grade (from the grading rules) is at least ``min_grade`` in the order of
  :data:`unaccounted.resolve.rules.GRADES` (confirmed, probable, unverified, contested,
  rejected), and
* with ``exclude_protected_only``, not every one of its records comes from a confidential
  source,

or when an editor listed it in ``include_ids``; never when an editor listed it in
``exclude_ids``. Every listed id carries the editor's reason.

:func:`published_ids` is kept per store state (the newest event and the grading rules),
so that filtering each search or page of a server costs a set lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from unaccounted.errors import InputError
from unaccounted.normalize.stage import normalizer_for
from unaccounted.publish import LANGS, SiteInfo, SitePerson, write_site
from unaccounted.publish.site import LABELS
from unaccounted.resolve.claims import claims_by_person
from unaccounted.resolve.rules import GRADES, Grade, GradingRules, workspace_rules
from unaccounted.resolve.stored import current_views, rules_digest, views_current
from unaccounted.resolve.view import PersonView, view_of
from unaccounted.service.session import Session
from unaccounted.service.shared import PUBLICATION_FILE, store_shared_file, sync_shared_files
from unaccounted.store import Store
from unaccounted.yamlfile import describe_validation_error

log = logging.getLogger(__name__)

__all__ = ["PUBLICATION_FILE", "PublicationRule", "published_ids"]

_HEADER = """\
# The publication rule of this workspace: which persons viewers, the public API and the
# memorial site ('unaccounted publish') see. Change it with 'unaccounted publication set';
# a hand edit counts once stored with 'unaccounted files --sync'. See docs/publish.md.
#
# min_grade: the lowest grade published (confirmed, probable, unverified, contested,
#   rejected; each includes the ones before it)
# exclude_protected_only: leave out persons whose every record is from a confidential source
# exclude_ids / include_ids: an editor's decisions about single persons, each with a reason
"""


class Decision(BaseModel):
    """An editor's decision about one person, with the reason for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    @field_validator("id", "reason")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class PublicationRule(BaseModel):
    """The rule, as stored in ``publication.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    min_grade: Grade = "probable"
    exclude_protected_only: bool = True
    exclude_ids: tuple[Decision, ...] = ()
    include_ids: tuple[Decision, ...] = ()

    @field_validator("exclude_ids", "include_ids")
    @classmethod
    def _one_each(cls, value: tuple[Decision, ...]) -> tuple[Decision, ...]:
        ids = [d.id for d in value]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"lists {', '.join(twice)} more than once")
        return value

    @model_validator(mode="after")
    def _not_both(self) -> PublicationRule:
        both = sorted({d.id for d in self.exclude_ids} & {d.id for d in self.include_ids})
        if both:
            raise ValueError(f"{', '.join(both)} is both excluded and included; choose one")
        return self

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def parse_rule(text: str, where: str = PUBLICATION_FILE) -> PublicationRule:
    """Read a rule file's text; one-line :class:`InputError` naming the bad key."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"publication rule {where}: not valid YAML{line}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"publication rule {where}: must be a mapping of keys to values")
    try:
        return PublicationRule.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"publication rule {where}: {_problem(exc)}") from None


def _problem(exc: ValidationError) -> str:
    key, message = describe_validation_error(exc)
    return message if key == "(top level)" else f"{key}: {message}"


def rule_text(rule: PublicationRule) -> str:
    """The file a rule is stored and exported as: a commented header and the YAML."""
    body = yaml.safe_dump(rule.as_dict(), allow_unicode=True, sort_keys=False)
    return _HEADER + body


def current_rule(s: Session) -> PublicationRule:
    """The rule in force: the stored version, else the default."""
    stored = s.store.shared_file(PUBLICATION_FILE)
    if stored is None:
        return PublicationRule()
    return parse_rule(str(stored["content"]))


# -- which persons are published ----------------------------------------------------------

#: published ids by store file: (store state, ids)
_PUBLISHED: dict[str, tuple[tuple[int, str], frozenset[str]]] = {}


def _grades(store: Store, s: Session) -> dict[str, str]:
    """Every person's grade: the stored views' when current, else computed in memory."""
    rules = workspace_rules(s.workspace)
    if views_current(store, rules):
        return store.view_grades()
    return {v.person_id: v.grade.grade for v in current_views(store, rules, summary=True)}


def published(rule: PublicationRule, grades: dict[str, str], protected_only: Iterable[str]) -> (
    frozenset[str]
):  # fmt: skip
    """The persons ``rule`` publishes, given every person's grade and the persons whose
    every record is confidential."""
    limit = GRADES.index(rule.min_grade)
    found = {p for p, g in grades.items() if g in GRADES and GRADES.index(g) <= limit}
    if rule.exclude_protected_only:
        found -= set(protected_only)
    found |= {d.id for d in rule.include_ids if d.id in grades}
    found -= {d.id for d in rule.exclude_ids}
    return frozenset(found)


def published_ids(s: Session) -> frozenset[str]:
    """The ids of the published persons, computed again only when the store or the
    grading rules changed since the last call."""
    store = s.store
    state = (store.newest_event(), rules_digest(workspace_rules(s.workspace)))
    key = str(store.path)
    cached = _PUBLISHED.get(key)
    if cached is not None and cached[0] == state:
        return cached[1]
    if store.person_count() == 0:
        ids: frozenset[str] = frozenset()
    else:
        ids = published(
            current_rule(s), _grades(store, s), frozenset(store.confidential_only_persons())
        )
    _PUBLISHED[key] = (state, ids)
    return ids


def visible_ids(s: Session) -> frozenset[str] | None:
    """The persons the session's actor may see: None for every person (reviewers and
    above), else the published ones."""
    if s.may("see-unpublished"):
        return None
    return published_ids(s)


# -- reading and changing the rule -------------------------------------------------------


def show(s: Session) -> dict[str, Any]:
    """The rule in force, its stored version (who stored it, when), how many persons it
    publishes, and whether the workspace copy differs from it."""
    store = s.read("publication-rule")
    stored = store.shared_file(PUBLICATION_FILE)
    rule = current_rule(s)
    path = s.workspace.root / PUBLICATION_FILE
    try:
        on_disk: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        on_disk = None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    copy = ("missing" if on_disk is None else "not stored" if stored is None
            else "same" if on_disk == stored["content"] else "changed")  # fmt: skip
    persons = store.person_count()
    return {
        "rule": rule.as_dict(),
        "version": stored["version"] if stored else None,
        "stored_by": stored["actor"] if stored else None,
        "stored_at": stored["logged_at"] if stored else None,
        "workspace_copy": copy,
        "persons": persons,
        "published": len(published_ids(s)) if persons else 0,
    }


def set_rule(
    s: Session, *, min_grade: str | None = None, exclude_protected_only: bool | None = None,
    exclude: Iterable[tuple[str, str]] = (), include: Iterable[tuple[str, str]] = (),
    forget: Iterable[str] = (),
) -> PublicationRule:  # fmt: skip
    """Change the rule: the grade, the protected-only switch, persons excluded or included
    (``(id, reason)``; a new decision about a listed person replaces the old one), and
    persons to ``forget`` (taken off both lists). Stored as one audited
    ``set-publication-rule`` event, and written to the workspace copy."""
    s.check("set-publication-rule")
    if min_grade is not None and min_grade not in GRADES:
        raise InputError(f"unknown grade {min_grade!r}; choose one of {', '.join(GRADES)}")
    exclude, include, forget = list(exclude), list(include), [f.strip() for f in forget]
    sync_shared_files(s)  # a hand edit of the workspace copy is stored before it is changed
    rule = current_rule(s)
    for pid, _ in [*exclude, *include]:
        if not s.store.person_exists(pid.strip()):
            raise InputError(f"no person with id {pid.strip()!r} in this workspace")
    changed = {d for d, _ in [*exclude, *include]} | set(forget)
    changed = {c.strip() for c in changed}
    keep_ex = [d for d in rule.exclude_ids if d.id not in changed]
    keep_in = [d for d in rule.include_ids if d.id not in changed]
    try:
        new = PublicationRule(
            min_grade=min_grade or rule.min_grade,
            exclude_protected_only=rule.exclude_protected_only
            if exclude_protected_only is None else exclude_protected_only,
            exclude_ids=tuple([*keep_ex, *(Decision(id=i, reason=r) for i, r in exclude)]),
            include_ids=tuple([*keep_in, *(Decision(id=i, reason=r) for i, r in include)]),
        )  # fmt: skip
    except ValidationError as exc:
        raise InputError(f"publication rule: {_problem(exc)}") from None
    args = {"min_grade": new.min_grade, "exclude_protected_only": new.exclude_protected_only,
            "exclude": [i for i, _ in exclude], "include": [i for i, _ in include],
            "forget": forget}  # fmt: skip
    store_shared_file(s, PUBLICATION_FILE, rule_text(new), "set-publication-rule", args)
    return new


def rule_digest(rule: PublicationRule) -> str:
    """A short fingerprint of a rule (shown on the memorial site's about page)."""
    return hashlib.sha256(rule.model_dump_json().encode("utf-8")).hexdigest()[:12]


# -- the memorial site -------------------------------------------------------------------

#: Persons whose claims are read at a time while the site is written.
_BATCH = 5_000
#: The columns each public field of a site page comes from: a field is left out when the
#: workspace protects its column (setting ``protection.columns``).
_FIELD_COLUMNS = {"birth_date": "birth_date", "event_date": "event_date", "status": "status",
                  "unit": "unit", "region": "region"}  # fmt: skip
_NAME_COLUMNS = ("full_name", "surname", "given_name", "patronymic")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _public(value: Any, column: str, protected: set[str]) -> str | None:
    """A value fit for the site: not of a protected column, not an encrypted token."""
    if value is None or column in protected:
        return None
    text = str(value).strip()
    return None if not text or text.startswith("enc:") else text


def _written_name(v: PersonView, rules: GradingRules, protected: set[str]) -> str | None:
    """The name as written in the best source (the highest kind, then by source name)."""
    for c in sorted(v.claims, key=lambda c: (rules.kind_rank(c.kind), c.source, c.record_id)):
        full = _public(c.value("full_name"), "full_name", protected)
        if full:
            return full
        parts = [_public(c.value(f"raw_{p}"), p, protected)
                 for p in ("surname", "given_name", "patronymic")]  # fmt: skip
        if any(parts):
            return " ".join(p for p in parts if p)
    return None


def _site_person(
    v: PersonView, grade: str | None, rules: GradingRules, protected: set[str],
    key: Callable[[str], str],
) -> SitePerson | None:  # fmt: skip
    """The public fields of a person's view made of its open claims only."""
    canonical = None if protected & set(_NAME_COLUMNS) else _public(v.name, "name", protected)
    name = _written_name(v, rules, protected) or (canonical if canonical != "?" else None)
    if not name:
        return None
    texts = {name, canonical or ""}
    for c in v.claims:
        texts.add(_public(c.value("full_name"), "full_name", protected) or "")
        for part in ("surname", "given_name", "patronymic"):
            texts.add(_public(c.value(f"raw_{part}"), part, protected) or "")
            texts.add(_public(c.value(part), part, protected) or "")
    found = (w.strip("'’-") for t in texts for w in _WORD.findall(t.lower().replace("ё", "е")))
    words = sorted({w for w in found if w})
    best = {k: b.shown for k, b in v.best.items()}
    col = _FIELD_COLUMNS
    return SitePerson(
        person_id=v.person_id,
        name=name,
        birth_date=_public(best.get("birth_date"), col["birth_date"], protected),
        event_date=_public(best.get("event_date"), col["event_date"], protected),
        status=_public(v.history.current, col["status"], protected),
        unit=_public(best.get("unit"), col["unit"], protected),
        region=_public(best.get("region"), col["region"], protected),
        grade=grade,
        sources=len({c.source for c in v.claims}),
        words=tuple(words),
        keys=tuple(sorted({k for w in words if (k := key(w))})),
    )


def site_persons(s: Session, ids: Iterable[str]) -> tuple[list[SitePerson], int]:
    """The site's persons among ``ids``, each made of its records from sources that are
    not confidential; and how many had no such record (they are left out)."""
    store = s.store
    rules = workspace_rules(s.workspace)
    confidential = frozenset(store.confidential_sources())
    protected = set(s.workspace.settings.protection.columns)
    grades = _grades(store, s)
    key = normalizer_for(s.workspace).pack.script_key
    people, hidden, wanted = [], 0, sorted(ids)
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        found = set()
        for pid, claims in claims_by_person(store.claims_of_persons(batch)):
            found.add(pid)
            open_claims = [c for c in claims if c.source not in confidential]
            person = None
            if any(not c.superseded for c in open_claims):
                view = view_of(pid, open_claims, rules)
                person = _site_person(view, grades.get(pid), rules, protected, key)
            if person is None:
                hidden += 1
            else:
                people.append(person)
        hidden += len(set(batch) - found)
    return people, hidden


def publish(
    s: Session, out: Path, *, title: str | None = None, lang: str = "ru"
) -> dict[str, Any]:  # fmt: skip
    """Write the memorial site of the published persons into ``out`` (an empty or new
    folder, or an earlier site's) as one audited ``publish`` action."""
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    s.check("publish")
    sync_shared_files(s)  # a hand edit of the rule is stored (and audited) before it is used
    t0 = time.perf_counter()
    with s.write("publish", {"out": s.workspace.relative(out), "lang": lang}) as work:
        rule = current_rule(s)
        ids = published_ids(s)
        people, hidden = site_persons(s, ids)
        info = SiteInfo(
            title=title or LABELS[lang]["title"],
            lang=lang,
            published_on=dt.date.today().isoformat(),
            rule=rule.as_dict(),
            counts={"published": len(people), "left_out": hidden},
        )
        written = write_site(out, people, info)
        work.counts.update(persons=len(people), left_out=hidden, **written)
    return {"out": str(out), "persons": len(people), "left_out": hidden, **written,
            "seconds": round(time.perf_counter() - t0, 2), "rule": rule.as_dict()}  # fmt: skip
