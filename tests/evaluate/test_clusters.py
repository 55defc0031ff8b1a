"""Cluster scores on partitions small enough to count by hand."""

from pathlib import Path

import pytest

from unaccounted.errors import InputError
from unaccounted.evaluate.clusters import score_clusters
from unaccounted.evaluate.io import read_clusters

# Truth: {a,b,c} {d,e} {f}; prediction merges d,e,f and splits c off.
TRUTH = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2, "f": 3}
PRED = {"a": "x", "b": "x", "c": "y", "d": "z", "e": "z", "f": "z"}


def test_perfect() -> None:
    s = score_clusters(TRUTH, TRUTH)
    assert (s.pairwise_f1, s.bcubed_f1, s.cluster_count_error) == (1.0, 1.0, 0.0)


def test_hand_counted() -> None:
    s = score_clusters(TRUTH, PRED)
    # True pairs: ab ac bc de = 4. Predicted pairs: ab de df ef = 4. Shared: ab de = 2.
    assert s.pairwise_precision == pytest.approx(2 / 4)
    assert s.pairwise_recall == pytest.approx(2 / 4)
    # B-cubed precision per record: a,b 2/2; c 1/1; d,e 2/3; f 1/3 → (1+1+1+2/3+2/3+1/3)/6.
    assert s.bcubed_precision == pytest.approx((3 + 5 / 3) / 6)
    # B-cubed recall: a,b 2/3; c 1/3; d,e 2/2; f 1/1 → (2/3+2/3+1/3+1+1+1)/6.
    assert s.bcubed_recall == pytest.approx((5 / 3 + 3) / 6)
    assert (s.true_clusters, s.predicted_clusters) == (3, 3)
    assert s.cluster_count_error == 0.0


def test_all_singletons_and_missing_keys() -> None:
    pred = {k: k for k in TRUTH if k != "f"}
    s = score_clusters(TRUTH, pred)
    assert s.pairwise_precision == 1.0  # no predicted pairs: nothing wrong claimed
    assert s.pairwise_recall == 0.0
    assert s.missing_in_prediction == 1
    # Scored over the five shared records: 2 true clusters, 5 predicted.
    assert s.cluster_count_error == pytest.approx((5 - 2) / 2)


def test_read_clusters_joins_on_source_when_ids_repeat(tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("source,record_id,person_id\ns1,1,P1\ns2,1,P1\ns2,2,P2\n", encoding="utf-8")
    pred = tmp_path / "pred.csv"
    pred.write_text("record_id,person_id\n1,c1\n2,c2\n", encoding="utf-8")
    with pytest.raises(InputError, match="record ids repeat across sources"):
        read_clusters(truth, pred)
    pred.write_text("source,record_id,person_id\ns1,1,c1\ns2,1,c1\ns2,2,c2\n", encoding="utf-8")
    t, p = read_clusters(truth, pred)
    assert score_clusters(t, p).pairwise_f1 == 1.0


def test_read_clusters_needs_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,cluster\n1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs record_id and person_id"):
        read_clusters(bad, bad)
