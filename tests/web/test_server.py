"""One process owns the store: the server's mark, ``unaccounted serve`` itself, and the
one-line messages around them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import run_subprocess
from unaccounted.errors import WorkspaceError
from unaccounted.service import server
from unaccounted.workspace import Workspace


def _gone_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def _mark(root: Path, pid: int) -> None:
    data = {
        "url": "http://127.0.0.1:8123/",
        "pid": pid,
        "actor": "ann",
        "since": "2026-01-02T03:04:05+00:00",
    }
    (root / server.MARK).write_text(json.dumps(data), "utf-8")


def test_a_live_server_is_named_in_one_line(ws: Workspace) -> None:
    _mark(ws.root, 1)  # process 1 always exists
    with pytest.raises(WorkspaceError) as caught:
        server.check_not_served(ws.root)
    message = str(caught.value)
    assert "\n" not in message
    assert (
        "unaccounted serve at http://127.0.0.1:8123/ (process 1, since 2026-01-02T03:04:05+00:00)"
        in message
    )
    with pytest.raises(WorkspaceError):
        server.claim(ws.root, "http://x/", "bob")  # a second server is refused


def test_a_stale_or_unreadable_mark_is_ignored(ws: Workspace) -> None:
    _mark(ws.root, _gone_pid())
    assert server.serving(ws.root) is None
    server.check_not_served(ws.root)
    (ws.root / server.MARK).write_text("{not json", "utf-8")
    assert server.serving(ws.root) is None


def test_claim_and_release_this_process(ws: Workspace) -> None:
    mark = server.claim(ws.root, "http://127.0.0.1:9/", "ann")
    assert (mark.pid, mark.actor) == (os.getpid(), "ann")
    assert server.serving(ws.root) == mark
    server.check_not_served(ws.root)  # this process may use its own store
    server.release(ws.root)
    assert not (ws.root / server.MARK).exists()


def test_release_leaves_another_servers_mark(ws: Workspace) -> None:
    _mark(ws.root, 1)
    server.release(ws.root)
    assert (ws.root / server.MARK).exists()


def test_serve_without_the_web_extra_says_so_in_one_line(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    result = cli("serve")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: the web application needs the 'web' extra: pip install 'unaccounted[web]' "
        "(uvicorn is missing)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_runs_marks_the_workspace_and_a_second_command_is_told(ws: Workspace) -> None:
    pytest.importorskip("uvicorn")
    port = _free_port()
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "unaccounted",
            "-w",
            str(ws.root),
            "--as",
            "ann",
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        for _ in range(150):
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not answer in 30 s")
        assert status["records"] == 0
        mark = server.serving(ws.root)
        assert mark is not None and (mark.pid, mark.actor) == (proc.pid, "ann")
        second = run_subprocess("-w", str(ws.root), "serve", "--port", str(_free_port()))
        assert second.returncode == 2
        assert second.stderr.count("\n") == 1 and f"process {proc.pid}" in second.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not (ws.root / server.MARK).exists()  # a server that stops removes its mark


def test_serve_over_https_needs_both_the_certificate_and_the_key(ws: Workspace) -> None:
    r = run_subprocess("-w", str(ws.root), "serve", "--certfile", str(ws.root / "cert.pem"))
    assert r.returncode == 2
    assert r.stderr == "error: give both --certfile and --keyfile to serve https, or neither\n"
