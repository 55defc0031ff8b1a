"""``unaccounted serve``: the web application over the workspace.

The command line does not import the web application: the server loads it by name
(``unaccounted.web.app:app_from_environment``) with the workspace and actor in the
environment, so that ``cli/`` keeps to the service.
"""

from __future__ import annotations

import importlib.util
import os
import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from unaccounted.cli.app import WORKSPACE_ENV, app, console, fail, get_context
from unaccounted.service import Session, accounts, server

EXTRA = "the web application needs the 'web' extra: pip install 'unaccounted[web]'"
#: The application factory the server loads, and the variable naming the acting user.
FACTORY, ACTOR_ENV = "unaccounted.web.app:app_from_environment", "UNACCOUNTED_USER"


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    certfile: Annotated[
        Path | None,
        typer.Option(help="TLS certificate (PEM) to serve https; with --keyfile.", dir_okay=False),
    ] = None,
    keyfile: Annotated[
        Path | None, typer.Option(help="TLS private key (PEM) of --certfile.", dir_okay=False)
    ] = None,
) -> None:
    """Serve the workspace as a web application (search, persons, review, dossiers, jobs).

    Once the workspace has accounts ('unaccounted user add'), visitors sign in with them and
    each may do what their role allows; until then everyone who reaches the server acts as
    the --as actor. Sign-ins last [web] session_hours; with [web] public = true visitors who
    are not signed in may read as viewers. Scripts send 'Authorization: Bearer TOKEN'
    ('unaccounted token create').
    """
    if (certfile is None) != (keyfile is None):
        raise fail("give both --certfile and --keyfile to serve https, or neither")
    for module in ("uvicorn", "fastapi", "multipart"):
        try:
            found = importlib.util.find_spec(module)
        except ValueError:  # a module set to None: as good as missing
            found = None
        if found is None:
            raise fail(f"{EXTRA} ({module} is missing)")
    import uvicorn

    c = get_context(ctx)
    with Session.open(c.workspace, c.actor) as s:  # a one-line error outside a workspace
        root, actor = s.workspace.root, s.actor
        server.check_not_served(root)  # before the store is opened: one line, not a lock error
        signed = accounts.has_accounts(s)
        public = s.workspace.settings.web.public
    url = f"{'https' if certfile else 'http'}://{host}:{port}/"
    server.claim(root, url, actor)
    os.environ[WORKSPACE_ENV], os.environ[ACTOR_ENV] = str(root), actor
    if not signed:
        who = f"as {actor}, for everyone who reaches it (no accounts)"
    else:
        who = "to signed-in accounts" + (" and, as viewers, to everyone" if public else "")
    console.print(f"serving {root} at {url} {who} (Ctrl+C stops)", markup=False)
    # the server re-raises the signal that stopped it: unwind so that the mark is removed
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.run(FACTORY, factory=True, host=host, port=port, log_level="warning",
                    ssl_certfile=certfile, ssl_keyfile=keyfile)  # fmt: skip
    except KeyboardInterrupt:
        console.print("stopped", markup=False)
    finally:
        server.release(root)
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
