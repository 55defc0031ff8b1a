"""Background jobs of the process that owns the store: ingest → normalize → link.

One job at a time per workspace. A job runs ingest, normalize and link as their own units
of work; so that a failed job leaves the workspace as it was, the store file is copied
before the first step and put back if any step fails. Progress is kept on the :class:`Job`
(readable without touching the store, so a page can poll it while the job holds the store).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from unaccounted.errors import InputError, UnaccountedError
from unaccounted.ingest import IngestOptions
from unaccounted.service.ingest import ingest
from unaccounted.service.link import link, normalize
from unaccounted.service.session import Session

log = logging.getLogger(__name__)

#: The steps of an ingest-and-link job, in order.
STEPS = ("ingest", "normalize", "link")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class Job:
    id: int
    files: list[str]
    state: str = "queued"  # queued, running, done, failed
    step: str = ""
    #: overall fraction done, 0 to 1
    fraction: float = 0.0
    message: str = ""
    started: str = field(default_factory=_now)
    finished: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class Jobs:
    """The jobs of one workspace; ``lock`` is the one that serializes use of its store."""

    def __init__(self, session: Session, lock: threading.Lock) -> None:
        self.session, self.lock = session, lock
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    def get(self, job_id: int) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise InputError(f"no job {job_id}") from None

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: -j.id)

    def running(self) -> Job | None:
        return next((j for j in self._jobs.values() if j.state in ("queued", "running")), None)

    def start(
        self, files: Sequence[Path], options: IngestOptions, *, wait: bool = False,
        actor: str | None = None,
    ) -> Job:  # fmt: skip
        """Start ingest → normalize → link of ``files`` in the background, as ``actor``
        (default: the session's actor). Asking needs no lock: the job may be refused
        while another one holds the store."""
        if not files:
            raise InputError("a job needs at least one file")
        actor = actor or self.session.actor
        # the session's hook, asked for the actor without touching the shared session
        Session(self.session.workspace, actor, self.session.permissions).check("run-job")
        with self._guard:
            busy = self.running()
            if busy is not None:
                raise InputError(f"job {busy.id} is still running; one job at a time")
            job = Job(next(self._ids), [p.name for p in files])
            self._jobs[job.id] = job
        self._thread = threading.Thread(
            target=self._run, args=(job, list(files), options, actor),
            name=f"job-{job.id}", daemon=True,
        )  # fmt: skip
        self._thread.start()
        if wait:
            self._thread.join()
        return job

    def _run(self, job: Job, files: list[Path], options: IngestOptions, actor: str) -> None:
        s = self.session
        with self.lock, s.acting_as(actor):  # as the actor who started the job
            job.state = "running"
            backup = _snapshot(s)
            try:
                self._steps(job, files, options)
            except Exception as exc:  # any failure: the workspace goes back as it was
                if not isinstance(exc, UnaccountedError):
                    log.exception("job %s failed", job.id)
                _restore(s, backup)
                job.state, job.message = "failed", str(exc).splitlines()[0] if str(exc) else (
                    type(exc).__name__)  # fmt: skip
            else:
                job.state, job.fraction, job.step = "done", 1.0, ""
            finally:
                backup.unlink(missing_ok=True)
                job.finished = _now()

    def _steps(self, job: Job, files: list[Path], options: IngestOptions) -> None:
        s = self.session

        def tick(i: int) -> Callable[[float, float], None]:
            def update(done: float, total: float) -> None:
                part = done / total if total else 0.0
                job.fraction = round((i + min(max(part, 0.0), 1.0)) / len(STEPS), 3)

            return update

        job.step = "ingest"
        report = ingest(s, files, options, tick(0))
        job.counts["ingest"] = {"accepted": report.accepted, "rejected": report.rejected}
        job.step, job.fraction = "normalize", 1 / 3
        job.counts["normalize"] = {"records": normalize(s, tick(1)).normalized}
        job.step, job.fraction = "link", 2 / 3
        job.counts["link"] = {"persons": link(s, tick(2)).persons}


def _snapshot(s: Session) -> Path:
    """Close the store and copy its file, with reads held back meanwhile; reopen it."""
    path = s.workspace.store_path
    backup = path.with_name(path.name + ".job-backup")
    with s.readers.paused():
        s.close()
        shutil.copy2(path, backup)
        s.store.schema_version()  # open again before reads resume
    return backup


def _restore(s: Session, backup: Path) -> None:
    path = s.workspace.store_path
    with s.readers.paused():
        s.close()
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        shutil.copy2(backup, path)
        try:
            s.store.schema_version()  # open again before reads resume
        except Exception:  # the job's own error is the one to show; reads will say theirs
            log.debug("the restored store did not open", exc_info=True)
            s.close()
