"""Requests that only read run side by side, on cursors of their own, and do not wait for
the store's write lock; requests that write still take it one at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi.testclient import TestClient


def in_thread(call: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(call()), daemon=True)
    thread.start()
    return thread, got


def test_reads_do_not_wait_for_the_write_lock(client: TestClient) -> None:
    web = client.app.state.web  # type: ignore[attr-defined]
    person = client.get("/api/search", params={"q": "Петров"}).json()["hits"][0]["person_id"]
    paths = ["/api/status", f"/api/persons/{person}", f"/person/{person}", "/review",
             "/?q=Петров", "/api/review/progress"]  # fmt: skip
    with web.lock:  # as a write or a background job holds it
        thread, got = in_thread(lambda: [client.get(p).status_code for p in paths])
        thread.join(60)
        assert not thread.is_alive()
    assert got == [[200] * len(paths)]


def test_a_write_waits_for_the_write_lock(client: TestClient) -> None:
    web = client.app.state.web  # type: ignore[attr-defined]
    with web.lock:
        thread, got = in_thread(lambda: client.post("/api/judgements/999/withdraw"))
        thread.join(0.5)
        assert thread.is_alive() and got == []  # waiting for the lock
    thread.join(60)
    answer = got[0]
    assert answer.status_code == 404  # type: ignore[attr-defined]


def test_eight_reads_at_once_all_answer_and_each_cursor_is_kept(client: TestClient) -> None:
    web = client.app.state.web  # type: ignore[attr-defined]
    start = threading.Barrier(8)

    def read() -> int:
        start.wait(30)
        return client.get("/api/status").status_code

    threads = [in_thread(read) for _ in range(8)]
    for thread, _ in threads:
        thread.join(60)
    assert [got for _, got in threads] == [[200]] * 8
    made = web.session.readers.made
    # no more cursors than readers at one moment, and they stay open for the next ones
    assert 1 <= made <= 8
    client.get("/api/status")
    assert web.session.readers.made == made
