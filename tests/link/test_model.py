"""The m/u sanity check: what makes a learned model implausible."""

from __future__ import annotations

from typing import Any

import pytest

from unaccounted.link.blocking import PREDICTION_RULES, TRAINING_BLOCKS
from unaccounted.link.core import link_records
from unaccounted.link.model import plausibility, sanity_checks
from unaccounted.workspace import Workspace


def test_plausible_values_pass() -> None:
    # exact 0.9 vs 0.002, near 0.08 vs 0.01, else 0.02 vs 0.988
    assert plausibility([0.9, 0.08, 0.02], [0.002, 0.01, 0.988]) is None


def test_disagreement_held_by_many_matches_is_flagged_as_namesakes() -> None:
    # the birth-date m values EM learns when its block gathered namesakes
    problem = plausibility([0.5, 0.05, 0.45], [0.0002, 0.02, 0.98])
    assert problem is not None and "45% of matches would disagree" in problem


def test_a_top_level_that_is_not_evidence_is_flagged() -> None:
    assert plausibility([0.01, 0.2, 0.79], [0.02, 0.1, 0.88]) == (
        "the top level is not evidence for a match (m=0.010, u=0.02)"
    )


def test_sanity_checks_name_the_comparison() -> None:
    settings = {
        "comparisons": [
            {
                "output_column_name": "surname",
                "comparison_levels": [
                    {"is_null_level": True, "sql_condition": "x"},
                    {"m_probability": 0.7, "u_probability": 0.8},
                    {"m_probability": 0.3, "u_probability": 0.2},
                ],
            }
        ]
    }
    assert sanity_checks(settings) == [
        "surname: the top level is not evidence for a match (m=0.700, u=0.8)"
    ]


def test_training_blocks_start_with_the_least_shared_field() -> None:
    # birth day first: few strangers share one; the full name last-but-two: namesakes do
    assert [b.name for b in TRAINING_BLOCKS][:3] == ["birth day", "unit and event day", "full name"]
    # the surname sound + initial alone makes 211 million pairs in a million records: every
    # rule on it adds one more field
    assert all("AND" in rule for rule in PREDICTION_RULES if rule.startswith("l.name_block"))


def test_only_the_columns_splink_reads_are_copied_into_it() -> None:
    from unaccounted.link.comparisons import standard_comparisons
    from unaccounted.link.model import input_columns

    columns = input_columns(standard_comparisons(("email",)))
    assert columns[0] == "unique_id"
    assert set(columns) == {
        "unique_id", "surname_key", "surname_phonetic", "given_key", "given_candidates",
        "given_initial", "patronymic_key", "patronymic_initial", "birth_lo", "birth_hi",
        "birth_precision", "event_lo", "event_hi", "unit_key", "unit_class_key",
        "unit_number", "unit_vch", "region", "settlement", "email", "name_block",
        "birth_year_lo", "birth_year_hi", "birth_day", "birth_year", "given_ambiguous",
    }  # fmt: skip
    assert len(columns) == len(set(columns))


def test_a_block_whose_em_underflows_is_skipped_and_said(
    linked_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Splink raises ValueError when an EM step drives an m value below 1e-300; the run
    # goes on with the other blocks and the model's checks name the block.
    from unaccounted.link import model

    real = model.new_linker
    failed: list[str] = []

    def linker(con: Any, settings: dict[str, Any], table: str = model.INPUT_TABLE) -> Any:
        made = real(con, settings, table)
        em = made.training.estimate_parameters_using_expectation_maximisation

        def first_fails(rule: str, **kwargs: Any) -> Any:
            if not failed:
                failed.append(rule)
                raise ValueError(
                    "m_probability value 2.5e-301 is below the minimum allowed "
                    "value of 1e-300. Values this small cannot be represented"
                )
            return em(rule, **kwargs)

        made.training.estimate_parameters_using_expectation_maximisation = first_fails
        return made

    monkeypatch.setattr(model, "new_linker", linker)
    with linked_ws.store(read_only=True) as store:
        table = store.link_input()
    result = link_records(table, linked_ws.settings.link)
    first = result.model.training["sessions"][0]
    assert (first["rule"], first["used"]) == (failed[0], False)
    assert (
        first["why"] == "EM stopped: m_probability value 2.5e-301 is below the minimum "
        "allowed value of 1e-300"
    )
    assert (
        f"training block '{first['block']}' not used: EM stopped: m_probability value "
        "2.5e-301 is below the minimum allowed value of 1e-300" in result.model.checks
    )
    assert any(s["used"] for s in result.model.training["sessions"][1:])
    assert len(result.labels) == table.num_rows
