"""Benchmark multiple systems estimation: speed on 4/6/8 lists and a simulation study.

Run ``python bench/estimate.py`` (``--quick`` for a small run); writes
``bench/results/estimate.json``.

Baselines measured in the same run:

- speed: a plain vectorised numpy Gibbs sampler for LCMCR that draws every person's class
  one by one (the textbook data augmentation), against the history-collapsed, chain-batched
  sampler of ``unaccounted.estimate.lcmcr``;
- accuracy: the independence log-linear model (Lincoln-Petersen for two lists), against
  downhill search with a BCa bootstrap, LCMCR and dga.

Simulation scenarios (each over many populations, every method on the same tables):

- ``simulation_latent_classes`` — the acceptance scenario, a world of the kind LCMCR assumes:
  N = 3000, 6 lists, two latent classes: 60% easy to record (capture probability U(0.4, 0.6)
  per list), 40% hard (U(0.15, 0.3)); lists independent within a class. The classes are
  separated enough for the hard one to be identified. (dga stops at 5 lists: refused.)
- ``stress_proportional_hard_class`` — a harsh world: N = 2000, 4 lists, 35% hard with
  capture probabilities 0.4 x the easy ones (0.1-0.2) on every list. No list sees the hard
  class well, so nothing in the data separates "hard to record" from "not there": every
  method here under-covers. Shown so the failure is on record.
- ``stress_with_copying`` — the harsh world plus list b copying 30% of list a (direct
  dependence no method here models).

LCMCR runs 4 chains x 8,000 iterations (2,000 burn-in) per population; each replicate's
split R-hat and ESS of N are recorded with the share that converged. The downhill search's
BCa bootstrap uses 50 resamples here, and in the 6-list scenario runs on the first 30
populations only (about 4 s each), to keep the whole run near 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from unaccounted.estimate import (
    LCMCRSettings,
    LoglinearSettings,
    estimate,
    from_cells,
    read_histories,
)
from unaccounted.estimate.histories import CaptureHistories
from unaccounted.estimate.lcmcr import sample
from unaccounted.estimate.mcmc import effective_size, split_rhat

RESULTS = Path(__file__).parent / "results" / "estimate.json"
KOSOVO = Path("/work/shared/reference/mse/Kosovo.csv")


def simulate(rng: np.random.Generator, n: int, k: int, copy_rate: float = 0.3) -> CaptureHistories:
    """Harsh world: 35% hard to record at 0.4 x the easy rates, list b copying list a."""
    hard = rng.random(n) < 0.35
    easy_p = rng.uniform(0.25, 0.5, size=k)
    hard_p = easy_p * 0.4
    p = np.where(hard[:, None], hard_p, easy_p)
    caught = rng.random((n, k)) < p
    copy = caught[:, 0] & (rng.random(n) < copy_rate)
    caught[:, 1] |= copy
    return _table(caught)


def simulate_latent_classes(
    rng: np.random.Generator, n: int = 3000, k: int = 6
) -> CaptureHistories:
    """Two separated latent classes: 60% easy (0.4-0.6 per list), 40% hard (0.15-0.3)."""
    hard = rng.random(n) < 0.4
    lam = np.stack([rng.uniform(0.4, 0.6, size=k), rng.uniform(0.15, 0.3, size=k)])
    caught = rng.random((n, k)) < lam[hard.astype(np.int64)]
    return _table(caught)


def _table(caught: np.ndarray) -> CaptureHistories:  # type: ignore[type-arg]
    k = caught.shape[1]
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
        # the baseline's cost per iteration is constant: time a quarter and scale it
        row[f"baseline_plain_gibbs_{chains}x{iters}_s_from_{chains}x{iters // 4}"] = 4 * sum(
            plain_gibbs(h, iters // 4, seed=c) for c in range(chains)
        )
        row["dga_s"] = timed(lambda h=h: estimate(h, "dga")) if k <= 5 else None
        out[f"{k}_lists"] = row
    h5 = simulate(rng, 3000, 5)
    out["5_lists"] = {"dga_s": timed(lambda: estimate(h5, "dga"))}
    return out


LCMCR_ITERATIONS, LCMCR_BURN_IN = 8_000, 2_000


def study(
    populations: int,
    quick: bool,
    world: Callable[[np.random.Generator], CaptureHistories],
    n_true: int,
    bca_populations: int | None = None,
) -> dict[str, object]:
    """Every method on the same simulated tables; the BCa search optionally on the first few."""
    rng = np.random.default_rng(7)
    iters = 4_000 if quick else LCMCR_ITERATIONS
    burn = 1_000 if quick else LCMCR_BURN_IN
    methods = {
        "baseline_independence": lambda h: estimate(
            h, loglinear=LoglinearSettings(model=" + ".join(h.lists))
        ),
        "loglinear_downhill_bca": lambda h: estimate(
            h, loglinear=LoglinearSettings(nboot=50, seed=1)
        ),
        "lcmcr": lambda h: estimate(
            h, "lcmcr", lcmcr_settings=LCMCRSettings(iterations=iters, burn_in=burn, seed=1)
        ),
        "dga": lambda h: estimate(h, "dga"),
    }
    rows: dict[str, list[tuple[float, float, float]]] = {m: [] for m in methods}
    seconds = {m: 0.0 for m in methods}
    rhat: list[float] = []
    ess: list[float] = []
    lists = 0
    for _ in range(populations):
        h = world(rng)
        lists = h.k
        for name, run in methods.items():
            skip = name == "loglinear_downhill_bca" and bca_populations is not None
            if skip and len(rows[name]) >= (bca_populations or 0):  # costly on 6 lists
                continue
            t = time.perf_counter()
            try:
                e = run(h)
                rows[name].append((e.estimate, e.lower, e.upper))
                if name == "lcmcr":
                    rhat.append(float(e.diagnostics["rhat"]))  # type: ignore[arg-type]
                    ess.append(float(e.diagnostics["ess"]))  # type: ignore[arg-type]
            except Exception:  # a refusal counts as a miss, not a crash
                rows[name].append((math.nan, math.nan, math.nan))
            seconds[name] += time.perf_counter() - t
    summary: dict[str, object] = {"populations": populations, "true_n": n_true, "lists": lists}
    for name, vals in rows.items():
        a = np.array(vals)
        ok = np.isfinite(a[:, 0])
        used = len(vals)
        est, lo, hi = a[ok, 0], a[ok, 1], a[ok, 2]
        covered = (lo <= n_true) & (n_true <= hi)
        if not ok.any():
            summary[name] = {"refused": populations, "seconds": seconds[name]}
            continue
        summary[name] = {
            "populations": used,
            "bias": float(np.mean(est - n_true)),
            "relative_bias": float(np.mean(est / n_true - 1)),
            "mean_abs_relative_error": float(np.mean(np.abs(est / n_true - 1))),
            "rmse": float(np.sqrt(np.mean((est - n_true) ** 2))),
            "coverage_95": float(np.mean(covered)),
            "median_interval_width": float(np.median(hi - lo)),
            "refused": int((~ok).sum()),
            "seconds": seconds[name],
        }
    r, e_ = np.array(rhat), np.array(ess)
    converged = (r < 1.1) & (e_ >= 100)
    a = np.array(rows["lcmcr"])
    cov = (a[:, 1] <= n_true) & (n_true <= a[:, 2])
    summary["lcmcr"] |= {  # type: ignore[operator]
        "chains": 4,
        "iterations": iters,
        "burn_in": burn,
        "rhat_median": float(np.median(r)),
        "rhat_max": float(r.max()),
        "ess_median": float(np.median(e_)),
        "ess_min": float(e_.min()),
        "share_rhat_below_1.05": float(np.mean(r < 1.05)),
        "share_converged_rhat_1.1_ess_100": float(np.mean(converged)),
        "coverage_95_converged_only": float(np.mean(cov[converged])) if converged.any() else None,
    }
    return summary


def mixing(quick: bool) -> dict[str, object]:
    """ESS and R-hat of N on Kosovo (4 lists), with and without the collapsed unseen move."""
    h = (
        read_histories(KOSOVO)
        if KOSOVO.exists()
        else simulate(np.random.default_rng(3), 5000, 4, 0)
    )
    iters = 4_000 if quick else 10_000
    out: dict[str, object] = {"table": "Kosovo" if KOSOVO.exists() else "simulated", "chains": 4}
    for move in (False, True):
        st = LCMCRSettings(iterations=iters, burn_in=iters // 4, seed=1, collapsed_move=move)
        d = sample(h, st)
        out[f"collapsed_move_{str(move).lower()}"] = {
            "iterations": iters,
            "median": float(np.median(d.n_total)),
            "rhat": split_rhat(d.n_total),
            "ess": effective_size(d.n_total),
            "seconds": d.seconds,
        }
    return out


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
        # other jobs share the machine: timings are only comparable at a low load
        "load_average_at_start": os.getloadavg()[0],
        "speed": speed(args.quick),
        "mixing": mixing(args.quick),
        # the acceptance scenario: the latent-class model's own kind of world
        "simulation_latent_classes": study(
            20 if args.quick else 100,
            args.quick,
            simulate_latent_classes,
            3000,
            10 if args.quick else 30,
        ),
        # no list sees the hard class well: a stress test where every method fails
        "stress_proportional_hard_class": study(
            10 if args.quick else 30, args.quick, lambda r: simulate(r, 2000, 4, 0.0), 2000
        ),
        # plus direct dependence (list b copies 30% of list a), which no method here models
        "stress_with_copying": study(
            10 if args.quick else 20, args.quick, lambda r: simulate(r, 2000, 4, 0.3), 2000
        ),
    }
    result["load_average_at_end"] = os.getloadavg()[0]
    result["total_seconds"] = time.perf_counter() - started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
