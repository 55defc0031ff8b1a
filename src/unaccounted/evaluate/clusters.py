"""Cluster scores: pairwise and B-cubed precision/recall/F1 and the cluster-count error.

Both inputs map a record key to a cluster label. Only keys present in both are scored;
the counts of keys missing on either side are reported, never silently dropped.

- *Pairwise*: a pair of records is a true positive when both partitions put it together.
  Precision = TP / predicted pairs, recall = TP / true pairs.
- *B-cubed* (Bagga & Baldwin 1998): per record, precision is the share of its predicted
  cluster that truly belongs with it, recall the share of its true cluster that was put
  with it; both averaged over records. Unlike pairwise scores it does not let the few
  largest clusters dominate.
- *Cluster-count error*: (predicted clusters − true clusters) / true clusters; positive
  means the method split persons, negative that it merged them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class ClusterScores:
    records: int
    true_clusters: int
    predicted_clusters: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    cluster_count_error: float
    missing_in_prediction: int
    extra_in_prediction: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(sizes: npt.NDArray[np.int64]) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _codes(labels: list[Hashable]) -> npt.NDArray[np.int64]:
    seen: dict[Hashable, int] = {}
    return np.fromiter((seen.setdefault(x, len(seen)) for x in labels), np.int64, len(labels))


def score_clusters(
    truth: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
) -> ClusterScores:
    """Scores of the ``predicted`` partition against ``truth`` (key → cluster label)."""
    keys = [k for k in truth if k in predicted]
    missing = len(truth) - len(keys)
    extra = sum(1 for k in predicted if k not in truth)
    if not keys:
        raise ValueError("no record is in both the truth and the prediction")
    t = _codes([truth[k] for k in keys])
    p = _codes([predicted[k] for k in keys])
    n = len(keys)
    t_size = np.bincount(t)
    p_size = np.bincount(p)
    cell, cell_n = np.unique(t * (int(p.max()) + 1) + p, return_counts=True)
    cell_t = cell // (int(p.max()) + 1)
    cell_p = cell % (int(p.max()) + 1)
    tp = _pairs(cell_n.astype(np.int64))
    pred_pairs, true_pairs = _pairs(p_size), _pairs(t_size)
    pw_p = tp / pred_pairs if pred_pairs else 1.0
    pw_r = tp / true_pairs if true_pairs else 1.0
    b_p = float((cell_n.astype(np.float64) ** 2 / p_size[cell_p]).sum() / n)
    b_r = float((cell_n.astype(np.float64) ** 2 / t_size[cell_t]).sum() / n)
    n_true = int(t_size.shape[0])
    n_pred = int(p_size.shape[0])
    return ClusterScores(
        records=n,
        true_clusters=n_true,
        predicted_clusters=n_pred,
        pairwise_precision=pw_p,
        pairwise_recall=pw_r,
        pairwise_f1=_f1(pw_p, pw_r),
        bcubed_precision=b_p,
        bcubed_recall=b_r,
        bcubed_f1=_f1(b_p, b_r),
        cluster_count_error=(n_pred - n_true) / n_true,
        missing_in_prediction=missing,
        extra_in_prediction=extra,
    )
