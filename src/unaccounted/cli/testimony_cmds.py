"""Accounts of abuse ("testimonies"), incidents, places and the incident vocabulary
(docs/testimonies.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from unaccounted.cli.app import app, console, out, session
from unaccounted.present import terminal_safe
from unaccounted.service import Session
from unaccounted.service import suggestions as suggestions_service
from unaccounted.service import testimonies as service
from unaccounted.service import testimony_publication as publication

testimony_app = typer.Typer(
    help="Accounts of abuse (testimonies): take them in unmodified and hashed, read them as "
    "your role may, follow their chain of custody (docs/testimonies.md).",
    no_args_is_help=True,
)
incident_app = typer.Typer(
    help="Incidents: what was done to whom, where and when, by whom, and the testimonies "
    "that support them, graded with the grading rules (docs/testimonies.md).",
    no_args_is_help=True,
)
places_app = typer.Typer(
    help="The place registry: places with aliases and coordinates where known.",
    no_args_is_help=True,
)
app.add_typer(testimony_app, name="testimony")
app.add_typer(incident_app, name="incident")
app.add_typer(places_app, name="places")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")]
FromOption = Annotated[
    str | None, typer.Option("--from", help="Start: YYYY, YYYY-MM or YYYY-MM-DD.")
]
ToOption = Annotated[str | None, typer.Option("--to", help="End: YYYY, YYYY-MM or YYYY-MM-DD.")]
ProtectedOption = Annotated[
    bool,
    typer.Option(
        "--protected",
        help="Show protected values (reviewers and up; each request is an audited event).",
    ),
]


PublishedOption = Annotated[
    bool,
    typer.Option(
        "--published",
        help="The published form only (anyone, viewers too): public passages, names withheld "
        "unless cleared.",
    ),
]
LangOption = Annotated[
    str, typer.Option("--lang", help="Language of the withheld-name marker: en or ru.")
]


def _say(line: str) -> None:
    out.print(terminal_safe(line), markup=False)


def _tell(line: str) -> None:
    """A message for a person (stderr), on one line however long."""
    console.print(terminal_safe(line), markup=False, soft_wrap=True)


def _json(value: Any) -> None:
    out.print_json(json.dumps(value, ensure_ascii=False, default=str))


# -- testimony -------------------------------------------------------------------------------


@testimony_app.command("add")
def testimony_add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The original: a UTF-8 text file, or - for stdin.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="interview, written_statement, media_report, court_document or form_submission.",
        ),
    ],
    source: Annotated[str, typer.Option("--source", help="Who or where it came from.")],
    language: Annotated[str, typer.Option("--language", help="ISO 639 code (ru, uk, en).")],
    date: Annotated[
        str | None, typer.Option("--date", help="When it was given: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    witness: Annotated[
        str | None,
        typer.Option(
            "--witness",
            help="The witness's name: sealed at once, never stored in "
            "the clear; the witness gets a random id.",
        ),
    ] = None,
    confidential: Annotated[
        bool, typer.Option("--confidential", help="Seal the original at rest.")
    ] = False,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            help="public, restricted or confidential (default by kind: "
            "interviews and form submissions confidential).",
        ),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group", help="Independence group (default: the source's, else the source's name)."
        ),
    ] = None,
) -> None:
    """Take in one testimony: kept unmodified, hashed (SHA-256), received by you (editors)."""
    with session(ctx) as s:
        r = service.add_testimony_file(
            s, file, kind=kind, source=source, language=language, date=date, witness=witness,
            level=level, confidential=confidential, group=group,
        )  # fmt: skip
    sealed = ", sealed" if r["sealed"] else ""
    witness_id = f", witness {r['witness_id']}" if r["witness_id"] else ""
    _tell(
        f"testimony {r['id']}: {r['size']:,} bytes, sha256 {r['sha256']}, "
        f"{r['level']}{sealed}{witness_id}"
    )


@testimony_app.command("list")
def testimony_list(
    ctx: typer.Context, published: PublishedOption = False, as_json: JsonOption = False
) -> None:
    """Every testimony's facts (never its text or witness's name; reviewers and up); with
    --published, the published accounts (viewers too)."""
    if published:
        with session(ctx, read_only=True) as s:
            found = publication.published_testimonies(s)
        if as_json:
            _json(found)
            return
        for p in found:
            supported = ", ".join(p["incidents"]) or "-"
            _say(f"{p['id']}  {p['kind']}  {p['date'] or '-'}  {p['language']}  "
                 f"{p['witness_id'] or '-'}  incidents: {supported}")  # fmt: skip
        if not found:
            _tell("no published testimonies")
        return
    with session(ctx, read_only=True) as s:
        rows = service.testimonies(s)
    if as_json:
        _json(rows)
        return
    for r in rows:
        _say(f"{r['id']}  {r['kind']}  {r['date_edtf'] or '-'}  {r['language']}  "
             f"{r['level']}  {r['witness_id'] or '-'}  {r['source']}  "
             f"incidents: {', '.join(r['incidents']) or '-'}")  # fmt: skip
    if not rows:
        _tell("no testimonies yet ('unaccounted testimony add')")


@testimony_app.command("show")
def testimony_show(
    ctx: typer.Context, testimony: str, protected: ProtectedOption = False,
    published: PublishedOption = False, lang: LangOption = "en", as_json: JsonOption = False,
) -> None:  # fmt: skip
    """A testimony: its facts, its text (passages not public read [protected]), passages,
    incidents and chain of custody; with --published, its published form (viewers too)."""
    if published:
        p = _published_form(
            ctx, protected, as_json, lambda s: publication.published_testimony(s, testimony, lang)
        )
        if p is not None:
            _say_published_testimony(p)
        return
    with session(ctx) as s:
        r = service.show_testimony(s, testimony, protected=protected)
    if as_json:
        _json(r)
        return
    for key in ("id", "kind", "source", "independence_group", "date_edtf", "language",
                "level", "witness_id", "sha256", "size", "received_by", "received_at"):  # fmt: skip
        _say(f"{key}: {r[key] if r[key] is not None else '-'}")
    _say("incidents: " + (", ".join(r["incidents"]) or "-"))
    for p in r["passages"]:
        _say(f"passage {p['start']}:{p['end']} {p['level']} (by {p['marked_by']})")
    _say("custody: " + "; ".join(f"{e['command']} by {e['actor']} at {e['logged_at']}"
                                 for e in r["custody"]))  # fmt: skip
    _say("")
    for line in r["text"].splitlines():
        _say(line)


@testimony_app.command("original")
def testimony_original(
    ctx: typer.Context, testimony: str,
    out_path: Annotated[Path, typer.Option("--out", help="The file to write the original to.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the file.")] = False,
) -> None:  # fmt: skip
    """Write a testimony's original, byte for byte, after checking its hash (reviewers and
    up; an audited event in its chain of custody)."""
    with session(ctx) as s:
        r = service.testimony_original(s, testimony, out_path, force=force)
    _tell(f"wrote {out_path} ({len(r['data']):,} bytes, sha256 {r['sha256']})")


@testimony_app.command("verify")
def testimony_verify(
    ctx: typer.Context, testimony: str,
    file: Annotated[
        Path | None, typer.Argument(help="A copy to check against the intake hash.")
    ] = None,
) -> None:  # fmt: skip
    """Whether the stored original still matches the SHA-256 taken at intake, and whether
    FILE is the original taken in; exit 1 when either does not."""
    with session(ctx, read_only=True) as s:
        r = service.verify_testimony(s, testimony, file)
    good = r["stored_matches"]
    if good:
        _say(f"the stored original of {r['id']} matches its intake hash {r['sha256']}")
    else:
        _say(f"the stored original of {r['id']} does NOT match its intake hash {r['sha256']}")
    if file is not None:
        good = good and r["matches"]
        if r["matches"]:
            _say(f"{file} is testimony {r['id']}'s original")
        else:
            _say(f"{file} is NOT testimony {r['id']}'s original: sha256 {r['file_sha256']}")
    if not good:
        raise typer.Exit(1)


@testimony_app.command("passage")
def testimony_passage(
    ctx: typer.Context, testimony: str,
    passage: Annotated[str, typer.Argument(help="START:END in characters (END excluded).")],
    level: Annotated[str, typer.Option("--level", help="public, restricted or confidential.")],
) -> None:  # fmt: skip
    """Set a passage's level (editors); a confidential passage seals the original."""
    with session(ctx) as s:
        r = service.mark_passage(s, testimony, passage, level)
    sealed = " (the original is now sealed)" if r["sealed_original"] else ""
    _tell(f"{r['id']} {r['start']}:{r['end']} is {r['level']}{sealed}")


@testimony_app.command("custody")
def testimony_custody(ctx: typer.Context, testimony: str, as_json: JsonOption = False) -> None:
    """The chain of custody: every audited event naming the testimony, oldest first."""
    with session(ctx, read_only=True) as s:
        rows = service.custody(s, testimony)
    if as_json:
        _json(rows)
        return
    for e in rows:
        _say(f"{e['event_id']}  {e['logged_at']}  {e['actor']}  {e['command']}  {e['outcome']}")


def _say_suggestion(x: suggestions_service.Suggestion) -> None:
    decided = f" -> {x.decided_value}" if x.decided_value is not None else ""
    made = f" ({x.result})" if x.result else ""
    _say(f"{x.id}  {x.start}:{x.end}  {x.kind}  «{x.quote}»  {x.value}  [{x.detail}]  "
         f"{x.status}{decided}{made}")  # fmt: skip


@testimony_app.command("suggest")
def testimony_suggest(ctx: typer.Context, testimony: str, as_json: JsonOption = False) -> None:
    """Read suggestions (people, places, dates, units, sums, incident types) from a Russian
    testimony's text and keep them for a decision (reviewers and up); nothing enters the
    record until someone accepts or corrects one."""
    with session(ctx) as s:
        made = suggestions_service.suggest(s, testimony)
    if as_json:
        _json([x.as_dict() for x in made])
        return
    for x in made:
        _say_suggestion(x)
    _tell(f"{len(made)} new suggestion(s); decide with 'unaccounted testimony decide'")


@testimony_app.command("suggestions")
def testimony_suggestions(
    ctx: typer.Context, testimony: str, protected: ProtectedOption = False,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    """A testimony's suggestions and their decisions (those from passages that are not
    public read [protected] unless asked with --protected)."""
    with session(ctx) as s:
        rows = suggestions_service.list_suggestions(s, testimony, protected=protected)
    if as_json:
        _json([x.as_dict() for x in rows])
        return
    for x in rows:
        _say_suggestion(x)


@testimony_app.command("decide")
def testimony_decide(
    ctx: typer.Context,
    suggestion: Annotated[str, typer.Argument(help="A suggestion's id (S-1).")],
    decision: Annotated[str, typer.Argument(help="accept, correct or reject.")],
    value: Annotated[
        str | None, typer.Option("--value", help="The right value (with correct).")
    ] = None,
    incident: Annotated[
        str | None,
        typer.Option("--incident", help="The incident a person, unit, date or place enters."),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="A person's or unit's role in --incident (victim, ...)."),
    ] = None,
) -> None:
    """Accept, correct or reject a suggestion: accept and correct enter the record (editors),
    reject changes nothing else (reviewers and up); each decision is audited."""
    with session(ctx) as s:
        x = suggestions_service.decide(s, suggestion, decision, value, incident=incident,
                                       role=role)  # fmt: skip
    made = f": {x.result}" if x.result else ""
    _tell(f"{x.id} {x.status}{made}")


# -- incidents -------------------------------------------------------------------------------


@incident_app.command("add")
def incident_add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option("--type", help="A type of the vocabulary.")],
    start: FromOption = None,
    end: ToOption = None,
    place: Annotated[str | None, typer.Option("--place", help="A place's name or alias.")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="One line.")] = None,
) -> None:  # fmt: skip
    """Add an incident (editors)."""
    with session(ctx) as s:
        iid = service.add_incident(s, kind, start=start, end=end, place=place, summary=summary)
    _tell(f"incident {iid}")


@incident_app.command("edit")
def incident_edit(
    ctx: typer.Context, incident: str,
    kind: Annotated[str | None, typer.Option("--type", help="A type of the vocabulary.")] = None,
    start: FromOption = None,
    end: ToOption = None,
    place: Annotated[str | None, typer.Option("--place", help="A place ('' removes it).")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="One line.")] = None,
) -> None:  # fmt: skip
    """Change an incident (editors)."""
    with session(ctx) as s:
        changed = service.edit_incident(
            s, incident, kind=kind, start=start, end=end, place=place, summary=summary
        )
    _tell(f"changed {', '.join(sorted(changed))}")


@incident_app.command("link")
def incident_link(
    ctx: typer.Context, incident: str, testimony: str,
    passage: Annotated[
        str | None, typer.Option("--passage", help="START:END in characters (END excluded).")
    ] = None,
) -> None:  # fmt: skip
    """Link a testimony (or one passage of it) to an incident it supports (editors)."""
    with session(ctx) as s:
        added = service.link(s, incident, testimony, passage)
    _tell("linked" if added else "already linked")


@incident_app.command("involve")
def incident_involve(
    ctx: typer.Context,
    incident: str,
    role: Annotated[
        str,
        typer.Option(
            "--role", help="victim, perpetrator, witness, commanding_unit or complaint_official."
        ),
    ],
    person: Annotated[
        str | None, typer.Option("--person", help="A person id of the casualty records.")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="A unit as written.")] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="A separate actor's name (sealed for victims and witnesses)."),
    ] = None,
) -> None:
    """Name who was involved in an incident, and how (editors)."""
    with session(ctx) as s:
        inv = service.involve(s, incident, role, person=person, unit=unit, actor=actor)
    _tell(f"involvement {inv}")


@incident_app.command("uninvolve")
def incident_uninvolve(
    ctx: typer.Context,
    incident: str,
    involvement: Annotated[
        str, typer.Argument(help="The involvement's number, as 'incident show' lists it.")
    ],
) -> None:  # fmt: skip
    """Remove one involvement from an incident (editors; audited, naming its role and
    person or unit, never a sealed name)."""
    with session(ctx) as s:
        gone = service.remove_involvement(s, incident, involvement)
    who = gone.get("person") or gone.get("unit") or gone.get("actor") or "a sealed actor"
    _tell(f"removed involvement {gone['involvement']}: {gone['role']} {who}")


@incident_app.command("list")
def incident_list(
    ctx: typer.Context, published: PublishedOption = False, lang: LangOption = "en",
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Every incident with its grade (reviewers and up); with --published, the published
    incidents in their published form (viewers too)."""
    if published:
        with session(ctx, read_only=True) as s:
            found = publication.published_incidents(s, lang)
        if as_json:
            _json(found)
            return
        for p in found:
            _say_published_incident(p)
        if not found:
            _tell("no published incidents")
        return
    with session(ctx, read_only=True) as s:
        rows = service.incidents(s)
    if as_json:
        _json(rows)
        return
    for r in rows:
        span = r["from_edtf"] or "-"
        if r["to_edtf"]:
            span += f"/{r['to_edtf']}"
        _say(f"{r['id']}  {r['type']}  {span}  {r['place'] or '-'}  {r['grade']['grade']}  "
             f"testimonies: {r['testimonies']}  involved: {r['involvements']}")  # fmt: skip
    if not rows:
        _tell("no incidents yet ('unaccounted incident add')")


@incident_app.command("show")
def incident_show(
    ctx: typer.Context, incident: str, protected: ProtectedOption = False,
    published: PublishedOption = False, lang: LangOption = "en", as_json: JsonOption = False,
) -> None:  # fmt: skip
    """An incident: type, dates, place, involvements, supporting testimonies, grade; with
    --published, its published form (viewers too)."""
    if published:
        p = _published_form(
            ctx, protected, as_json, lambda s: publication.published_incident(s, incident, lang)
        )
        if p is not None:
            _say_published_incident(p)
        return
    with session(ctx) as s:
        r = service.incident(s, incident, protected=protected)
    if as_json:
        _json(r)
        return
    span = (r["from_edtf"] or "-") + (f"/{r['to_edtf']}" if r["to_edtf"] else "")
    _say(f"{r['id']}: {r['type']}, {span}, {r['place'] or 'no place'}")
    if r["summary"]:
        _say(r["summary"])
    for i in r["involvements"]:
        who = i["person_id"] or (f"{i['unit_raw']} ({i['unit_key'] or 'no unit key'})"
                                 if i["unit_raw"] else i["actor_name"])  # fmt: skip
        _say(f"  {i['role']}: {who}  (involvement {i['id']})")
    for x in r["support"]:
        where = f" {x['start']}:{x['end']}" if x["start"] is not None else ""
        _say(f"  supported by {x['testimony_id']}{where} ({x['kind']}, group "
             f"{x['independence_group']})")  # fmt: skip
    g = r["grade"]
    _say(f"grade: {g['grade']} by rule '{g['rule']}' ({g['description']}); groups: "
         f"{', '.join(g['groups']) or 'none'}")  # fmt: skip


def _published_form(
    ctx: typer.Context, protected: bool, as_json: bool, read: Callable[[Session], dict[str, Any]]
) -> dict[str, Any] | None:
    """A published form (``--published``), read as anyone may; refused with ``--protected``.
    With ``--json`` it is printed here and None returned."""
    if protected:
        raise typer.BadParameter("--published and --protected exclude each other")
    with session(ctx, read_only=True) as s:
        p = read(s)
    if as_json:
        _json(p)
        return None
    return p


def _say_published_testimony(p: dict[str, Any]) -> None:
    for key in ("id", "kind", "date", "language", "witness_id"):
        _say(f"{key}: {p[key] if p[key] is not None else '-'}")
    _say("incidents: " + (", ".join(p["incidents"]) or "-"))
    for x in p["passages"]:
        _say("")
        _say(f"[{x['start']}:{x['end']}]")
        for line in str(x["text"]).splitlines():
            _say(line)


def _say_published_incident(p: dict[str, Any]) -> None:
    span = (p["from"] or "-") + (f"/{p['to']}" if p["to"] else "")
    _say(f"{p['id']}: {p['type']}, {span}, {p['place'] or 'no place'}, {p['grade']} "
         f"(rule '{p['rule']}')")  # fmt: skip
    for u in p["units"]:
        _say(f"  {u['role']}: {u['unit']}")
    for x in p["people"]:
        _say(f"  {x['role']}: {x['name']}")
    _say(f"  testimonies: {', '.join(p['testimonies']) or '-'}")


@incident_app.command("types")
def incident_types(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The vocabulary of incident types: shipped, then the workspace's own."""
    with session(ctx, read_only=True) as s:
        types = service.incident_types(s)
    if as_json:
        _json([vars(x) for x in types])
        return
    for x in types:
        _say(f"{x.code}  {x.label}  ({x.origin})")


@incident_app.command("type-add")
def incident_type_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="lower_case_code")],
    label: Annotated[str, typer.Argument(help="What the type is called.")],
    description: Annotated[str, typer.Option("--description", help="What it covers.")] = "",
) -> None:
    """Add an incident type to the workspace's vocabulary (editors)."""
    with session(ctx) as s:
        made = service.add_incident_type(s, code, label, description)
    _tell(f"incident type {made} added")


# -- places ----------------------------------------------------------------------------------


@places_app.command("add")
def places_add(
    ctx: typer.Context, name: str,
    lat: Annotated[float | None, typer.Option("--lat", help="Latitude (WGS 84).")] = None,
    lon: Annotated[float | None, typer.Option("--lon", help="Longitude (WGS 84).")] = None,
) -> None:  # fmt: skip
    """Add a place (editors)."""
    with session(ctx) as s:
        pid = service.add_place(s, name, lat, lon)
    _tell(f"place {pid}: {name.strip()}")


@places_app.command("alias")
def places_alias(ctx: typer.Context, place: str, alias: str) -> None:
    """Another spelling of a place (editors)."""
    with session(ctx) as s:
        pid = service.alias_place(s, place, alias)
    _tell(f"{alias.strip()} -> {pid}")


@places_app.command("list")
def places_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The place registry with aliases and coordinates."""
    with session(ctx, read_only=True) as s:
        rows = service.places(s)
    if as_json:
        _json(rows)
        return
    for r in rows:
        where = f"  {r['latitude']}, {r['longitude']}" if r["latitude"] is not None else ""
        aliases = f"  ({', '.join(r['aliases'])})" if r["aliases"] else ""
        _say(f"{r['id']}  {r['name']}{where}{aliases}")


@places_app.command("show")
def places_show(ctx: typer.Context, place: str, as_json: JsonOption = False) -> None:
    """A place (by id, name or any alias) with its incidents and their testimonies."""
    with session(ctx, read_only=True) as s:
        r = service.place(s, place)
    if as_json:
        _json(r)
        return
    where = f" ({r['latitude']}, {r['longitude']})" if r["latitude"] is not None else ""
    _say(f"{r['id']}: {r['name']}{where}")
    if r["aliases"]:
        _say("aliases: " + ", ".join(r["aliases"]))
    for i in r["incidents"]:
        span = (i["from_edtf"] or "-") + (f"/{i['to_edtf']}" if i["to_edtf"] else "")
        _say(f"  {i['id']}  {i['type']}  {span}  {i['grade']['grade']}")
    _say("testimonies: " + (", ".join(r["testimonies"]) or "-"))
