"""Benchmark multiple systems estimation: speed on 4/6/8 lists and a simulation study.

Run ``python bench/estimate.py`` (``--quick`` for a small run); writes
``bench/results/estimate.json``.

Baselines measured in the same run:

- speed: a plain vectorised numpy Gibbs sampler for LCMCR that draws every person's class
  one by one (the textbook data augmentation), against the history-collapsed, chain-batched
  sampler of ``unaccounted.estimate.lcmcr``;
- accuracy: the independence log-linear model (Lincoln-Petersen for two lists), against
  downhill search with a BCa bootstrap, LCMCR and dga.

Simulated populations have latent-class heterogeneity (a hard-to-record minority) and
direct list dependence (list b copies part of list a), the situation MSE is used for.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path

import numpy as np

from unaccounted.estimate import LCMCRSettings, LoglinearSettings, estimate, from_cells
from unaccounted.estimate.histories import CaptureHistories
from unaccounted.estimate.lcmcr import sample

RESULTS = Path(__file__).parent / "results" / "estimate.json"


def simulate(rng: np.random.Generator, n: int, k: int, copy_rate: float = 0.3) -> CaptureHistories:
    """Two latent classes, plus list 1 copying a share of list 0 (``copy_rate``)."""
    hard = rng.random(n) < 0.35
    easy_p = rng.uniform(0.25, 0.5, size=k)
    hard_p = easy_p * 0.4
    p = np.where(hard[:, None], hard_p, easy_p)
    caught = rng.random((n, k)) < p
    copy = caught[:, 0] & (rng.random(n) < copy_rate)
    caught[:, 1] |= copy
    idx = caught.astype(np.int64) @ (1 << np.arange(k))
    cells = np.bincount(idx, minlength=2**k)
    cells[0] = 0
    return from_cells([chr(ord("a") + j) for j in range(k)], cells)


def plain_gibbs(hist: CaptureHistories, iterations: int, seed: int, classes: int = 10) -> float:
    """The baseline LCMCR sampler: one chain, one class draw per person, per iteration."""
    rng = np.random.default_rng(seed)
    x_obs = np.repeat(hist.patterns, hist.counts, axis=0).astype(np.float64)
    n = x_obs.shape[0]
    k, j = classes, hist.k
    lam = rng.beta(1, 1, size=(j, k))
    pi = np.full(k, 1 / k)
    alpha = 1.0
    n0 = n
    started = time.perf_counter()
    for _ in range(iterations):
        x = np.vstack([x_obs, np.zeros((n0, j))])
        logp = x @ np.log(lam) + (1 - x) @ np.log1p(-lam) + np.log(pi)
        p = np.exp(logp - logp.max(axis=1, keepdims=True))
        cum = np.cumsum(p, axis=1)
        z = (rng.random(x.shape[0])[:, None] * cum[:, -1:] > cum).sum(axis=1)
        nk = np.bincount(z, minlength=k)
        caught = np.stack([np.bincount(z, weights=x[:, i], minlength=k) for i in range(j)])
        lam = np.clip(rng.beta(1 + caught, 1 + nk - caught), 1e-12, 1 - 1e-12)
        tail = np.cumsum(nk[::-1])[::-1]
        v = np.clip(rng.beta(1 + nk[:-1], alpha + tail[1:]), 1e-300, 1 - 1e-16)
        rest = np.concatenate([[0.0], np.cumsum(np.log1p(-v))])
        pi = np.exp(np.concatenate([np.log(v), [0.0]]) + rest)
        alpha = rng.gamma(0.25 + k - 1, 1 / (0.25 - rest[-1]))
        p0 = float(pi @ np.exp(np.log1p(-lam).sum(axis=0)))
        n0 = int(rng.negative_binomial(n, 1 - p0))
    return time.perf_counter() - started


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def speed(quick: bool) -> dict[str, object]:
    rng = np.random.default_rng(2024)
    out: dict[str, object] = {}
    chains, iters = 4, (2_000 if quick else 10_000)
    for k in (4, 6, 8):
        h = simulate(rng, 3000, k)
        row: dict[str, object] = {"observed": h.observed}
        row["loglinear_downhill_point_s"] = timed(
            lambda h=h: estimate(h, loglinear=LoglinearSettings(nboot=0))
        )
        row["loglinear_downhill_bca100_s"] = timed(
            lambda h=h: estimate(h, loglinear=LoglinearSettings(nboot=100, seed=1))
        )
        settings = LCMCRSettings(chains=chains, iterations=iters, burn_in=iters // 4, seed=1)
        row[f"lcmcr_{chains}x{iters}_s"] = sample(h, settings).seconds
        row[f"baseline_plain_gibbs_{chains}x{iters}_s"] = sum(
            plain_gibbs(h, iters, seed=c) for c in range(chains)
        )
        row["dga_s"] = timed(lambda h=h: estimate(h, "dga")) if k <= 5 else None
        out[f"{k}_lists"] = row
    h5 = simulate(rng, 3000, 5)
    out["5_lists"] = {"dga_s": timed(lambda: estimate(h5, "dga"))}
    return out


def study(populations: int, quick: bool, copy_rate: float) -> dict[str, object]:
    rng = np.random.default_rng(7)
    n_true = 2000
    methods = {
        "baseline_independence": lambda h: estimate(
            h, loglinear=LoglinearSettings(model=" + ".join(h.lists))
        ),
        "loglinear_downhill_bca": lambda h: estimate(
            h, loglinear=LoglinearSettings(nboot=60 if quick else 100, seed=1)
        ),
        "lcmcr": lambda h: estimate(
            h, "lcmcr", lcmcr_settings=LCMCRSettings(iterations=4000, burn_in=1000, seed=1)
        ),
        "dga": lambda h: estimate(h, "dga"),
    }
    rows: dict[str, list[tuple[float, float, float]]] = {m: [] for m in methods}
    seconds = {m: 0.0 for m in methods}
    for _ in range(populations):
        h = simulate(rng, n_true, 4, copy_rate)
        for name, run in methods.items():
            t = time.perf_counter()
            try:
                e = run(h)
                rows[name].append((e.estimate, e.lower, e.upper))
            except Exception:  # a refusal counts as a miss, not a crash
                rows[name].append((math.nan, math.nan, math.nan))
            seconds[name] += time.perf_counter() - t
    summary: dict[str, object] = {
        "populations": populations,
        "true_n": n_true,
        "lists": 4,
        "copy_rate": copy_rate,
    }
    for name, vals in rows.items():
        a = np.array(vals)
        ok = np.isfinite(a[:, 0])
        est, lo, hi = a[ok, 0], a[ok, 1], a[ok, 2]
        summary[name] = {
            "bias": float(np.mean(est - n_true)),
            "relative_bias": float(np.mean(est / n_true - 1)),
            "mean_abs_relative_error": float(np.mean(np.abs(est / n_true - 1))),
            "rmse": float(np.sqrt(np.mean((est - n_true) ** 2))),
            "coverage_95": float(np.mean((lo <= n_true) & (n_true <= hi))),
            "median_interval_width": float(np.median(hi - lo)),
            "refused": int((~ok).sum()),
            "seconds": seconds[name],
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (about a minute)")
    args = parser.parse_args()
    started = time.perf_counter()
    result = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
        },
        "quick": args.quick,
        "speed": speed(args.quick),
        # the latent-class model's own assumption: heterogeneity only
        "simulation_latent_classes": study(20 if args.quick else 100, args.quick, 0.0),
        # plus direct dependence (list b copies 30% of list a), which no method here models
        "simulation_with_copying": study(10 if args.quick else 40, args.quick, 0.3),
    }
    result["total_seconds"] = time.perf_counter() - started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
