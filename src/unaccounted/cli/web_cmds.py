"""``unaccounted serve``: the web application over the workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from unaccounted.cli.app import app, console, fail, get_context
from unaccounted.service import server

EXTRA = "the web application needs the 'web' extra: pip install 'unaccounted[web]'"


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the workspace as a web application (search, persons, review, dossiers, jobs)."""
    try:
        import uvicorn

        from unaccounted.web.app import create_app
    except ModuleNotFoundError as exc:
        raise fail(f"{EXTRA} ({exc.name} is missing)") from None
    c = get_context(ctx)
    url = f"http://{host}:{port}/"
    application = create_app(c.workspace, c.actor)
    actor = application.state.web.session.actor
    server.claim(c.workspace, url, actor)
    console.print(f"serving {c.workspace} at {url} as {actor} (Ctrl+C stops)", markup=False)
    try:
        uvicorn.run(application, host=host, port=port, log_level="warning")
    finally:
        server.release(c.workspace)
