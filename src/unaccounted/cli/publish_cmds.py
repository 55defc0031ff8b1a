"""The publication rule and the memorial site: ``publication show|set`` and ``publish``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from unaccounted.cli.app import app, console, fail, out, session
from unaccounted.present import terminal_safe
from unaccounted.service import publication as service

publication_app = typer.Typer(
    help="The publication rule: which persons viewers and the memorial site see.",
    no_args_is_help=True,
)
app.add_typer(publication_app, name="publication")

#: The options of 'publication set' read in the order given (a reason follows its id).
_DECISIONS = ("--exclude", "--include", "--reason", "--forget")


def _print_rule(d: dict[str, Any]) -> None:
    r = d["rule"]
    show = terminal_safe
    out.print(f"min_grade: {r['min_grade']}", markup=False)
    out.print(f"exclude_protected_only: {str(r['exclude_protected_only']).lower()}",
              markup=False)  # fmt: skip
    for key in ("exclude_ids", "include_ids"):
        out.print(f"{key}: {len(r[key])}", markup=False)
        for x in r[key]:
            out.print(show(f"  {x['id']}  {x['reason']}"), markup=False)
    who = (f"version {d['version']}, stored by {d['stored_by']} at {d['stored_at']:%Y-%m-%d %H:%M}"
           if d["version"] else "the default (never changed)")  # fmt: skip
    out.print(show(f"rule: {who}; workspace copy: {d['workspace_copy']}"), markup=False)
    out.print(f"published: {d['published']:,} of {d['persons']:,} persons", markup=False)


@publication_app.command("show")
def show_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout.")] = False,
) -> None:
    """The rule in force, who stored it and when, and how many persons it publishes."""
    with session(ctx, read_only=True) as s:
        d = service.show(s)
    if as_json:
        out.print(json.dumps(d, ensure_ascii=False, indent=1, default=str), markup=False)
        return
    _print_rule(d)


def _decisions(args: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """``--exclude ID --reason R``, ``--include ID --reason R`` and ``--forget ID``, in order."""
    exclude: list[tuple[str, str]] = []
    include: list[tuple[str, str]] = []
    forget: list[str] = []
    pending: tuple[str, str] | None = None
    items = []
    for arg in args:  # --opt=value as two words
        if arg.startswith("--") and "=" in arg:
            items.extend(arg.split("=", 1))
        else:
            items.append(arg)
    i = 0
    while i < len(items):
        word = items[i]
        if word not in _DECISIONS:
            raise fail(f"unexpected argument {word!r}; see 'unaccounted publication set --help'")
        if i + 1 >= len(items) or items[i + 1] in _DECISIONS:
            raise fail(f"{word} needs a value")
        value = items[i + 1]
        i += 2
        if word == "--reason":
            if pending is None:
                raise fail("--reason must follow an --exclude ID or --include ID")
            (exclude if pending[0] == "--exclude" else include).append((pending[1], value))
            pending = None
            continue
        if pending is not None:
            raise fail(f"{pending[0]} {pending[1]} needs a --reason")
        if word == "--forget":
            forget.append(value)
        else:
            pending = (word, value)
    if pending is not None:
        raise fail(f"{pending[0]} {pending[1]} needs a --reason")
    return exclude, include, forget


@publication_app.command(
    "set", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def set_cmd(
    ctx: typer.Context,
    min_grade: Annotated[
        str | None,
        typer.Option("--min-grade", help="Lowest grade published: confirmed, probable, "
                     "unverified, contested or rejected."),
    ] = None,
    protected_only: Annotated[
        bool | None,
        typer.Option("--exclude-protected-only/--publish-protected-only",
                     help="Leave out (default) or publish persons whose every record is from "
                     "a confidential source."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new rule as JSON.")] = False,
) -> None:  # fmt: skip
    """Change the publication rule (an audited change; editors only).

    Also, any number of times, in this order: --exclude ID --reason R (never publish this
    person), --include ID --reason R (publish this person whatever its grade), --forget ID
    (drop an earlier decision about this person). What is not given stays as it was."""
    exclude, include, forget = _decisions(list(ctx.args))
    if min_grade is None and protected_only is None and not (exclude or include or forget):
        raise fail("nothing to change: give --min-grade, --exclude, --include or --forget")
    with session(ctx) as s:
        service.set_rule(s, min_grade=min_grade, exclude_protected_only=protected_only,
                         exclude=exclude, include=include, forget=forget)  # fmt: skip
        d = service.show(s)
    if as_json:
        out.print(json.dumps(d, ensure_ascii=False, indent=1, default=str), markup=False)
        return
    console.print("stored the publication rule", markup=False)
    _print_rule(d)


@app.command("publish")
def publish_cmd(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="An empty or new folder (or an "
                                          "earlier site's) to write the site into.")],
    title: Annotated[
        str | None,
        typer.Option("--title", help="Title on every page (default: Мемориал; Memorial in en)."),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the site's text: ru or en.")
    ] = "ru",
) -> None:  # fmt: skip
    """Write the static memorial site of the published persons: a search page that works
    offline (also opened from a file), one page per person, and an about page with the rule.
    No protected field and nothing from a confidential source is written."""
    with (
        session(ctx) as s,
        console.status("writing the memorial site"),
    ):
        d = service.publish(s, out_dir, title=title, lang=lang)
    left = (
        f"; {d['left_out']:,} published persons have no record from an open source and "
        "were left out"
        if d["left_out"]
        else ""
    )
    size = f"{d['bytes'] / 1e6:.1f} MB"
    console.print(f"wrote {d['persons']:,} persons, {d['files']:,} files ({size}) "
                  f"in {d['seconds']} s{left}", markup=False)  # fmt: skip
    out.print(str(out_dir / "index.html"), markup=False)
