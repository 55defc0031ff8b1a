"""SQL of reviewers' judgements and the review queue.

A judgement names a pair of records in canonical order (the smaller ``(source_id,
record_id)`` on the left) and is never updated except to mark it withdrawn.
"""

from __future__ import annotations

from typing import Any

from unaccounted.store.duckdb_core import DuckDBCore
from unaccounted.store.types import Key, ordered


class JudgementQueries(DuckDBCore):
    """judgements: see the module docstring."""

    def add_judgement(
        self, a: Key, b: Key, decision: str, score: float | None, note: str | None,
        event_id: int, actor: str | None = None,
    ) -> int:  # fmt: skip
        (sl, rl), (sr, rr) = ordered(a, b)
        jid = int(self.scalar("SELECT nextval('judgement_seq')"))
        self._con.execute(
            """INSERT INTO link_judgements (judgement_id, source_id_l, record_id_l, source_id_r,
                record_id_r, decision, actor, score, note, event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [jid, sl, rl, sr, rr, decision, actor or self.actor, score, note, event_id],
        ).fetchall()
        return jid

    def withdraw_judgement(self, judgement_id: int, event_id: int) -> bool:
        """Mark a judgement withdrawn; False if there is no such judgement in force."""
        n = self.scalar(
            "SELECT count(*) FROM link_judgements WHERE judgement_id = ? AND withdrawn_at IS NULL",
            [judgement_id],
        )
        if not n:
            return False
        self._con.execute(
            """UPDATE link_judgements SET withdrawn_at = current_timestamp, withdrawn_by = ?,
                withdrawn_event = ? WHERE judgement_id = ?""",
            [self.actor, event_id, judgement_id],
        ).fetchall()
        return True

    def judgements_in_force(self) -> list[dict[str, Any]]:
        """Judgements in force; for a pair judged more than once, the latest counts."""
        return self.rows(
            """SELECT * FROM link_judgements WHERE withdrawn_at IS NULL
            QUALIFY row_number() OVER (PARTITION BY source_id_l, record_id_l, source_id_r,
                record_id_r ORDER BY judgement_id DESC) = 1
            ORDER BY judgement_id"""
        )

    def all_judgements(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM link_judgements ORDER BY judgement_id")

    def pair_score(self, a: Key, b: Key) -> dict[str, Any] | None:
        """The pair as scored by the last link run, or None."""
        (sl, rl), (sr, rr) = ordered(a, b)
        rows = self.rows(
            """SELECT match_weight, match_probability, levels, run_id FROM link_pairs
            WHERE run_id = (SELECT max(run_id) FROM link_runs) AND source_id_l = ?
                AND record_id_l = ? AND source_id_r = ? AND record_id_r = ?""",
            [sl, rl, sr, rr],
        )
        return rows[0] if rows else None

    def review_queue(self, low: float, high: float, limit: int) -> list[dict[str, Any]]:
        """Pairs of the last run in the review band with no judgement in force, most
        uncertain first."""
        return self.rows(
            """SELECT q.* FROM link_pairs q
            WHERE q.run_id = (SELECT max(run_id) FROM link_runs)
                AND q.match_probability BETWEEN ? AND ?
                AND NOT EXISTS (SELECT 1 FROM link_judgements j WHERE j.withdrawn_at IS NULL
                    AND j.source_id_l = q.source_id_l AND j.record_id_l = q.record_id_l
                    AND j.source_id_r = q.source_id_r AND j.record_id_r = q.record_id_r)
            ORDER BY abs(q.match_probability - 0.5), q.source_id_l, q.record_id_l,
                q.source_id_r, q.record_id_r
            LIMIT ?""",
            [low, high, limit],
        )
