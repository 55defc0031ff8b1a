"""Benchmark multiple systems estimation: speed on 4/6/8 lists and a simulation study.

Run ``python bench/estimate.py`` (about 30 minutes of CPU on one core; ``--quick`` for a
small run, written to ``bench/results/quick/``); writes ``bench/results/estimate.json``.
Each section is written as soon as it finishes, and a simulation every 10 populations
(``populations_done``, ``complete: false``). ``--only SECTION ...`` runs some sections and
merges them into the existing file; ``--populations`` sets the acceptance scenario's size
(default 200).

Baselines measured in the same run:

- speed: a plain vectorised numpy Gibbs sampler for LCMCR that draws every person's class
  one by one (the textbook data augmentation), against the history-collapsed, chain-batched
  sampler of ``unaccounted.estimate.lcmcr``. The acceptance figure is the sampler's CPU time
  (``lcmcr_4x10000_cpu_s``, BLAS pinned to one thread); wall-clock times are also given and
  grow with the machine's load;
- accuracy: the independence log-linear model (Lincoln-Petersen for two lists), against
  downhill search with a BCa bootstrap, LCMCR and dga.

LCMCR against R (section ``lcmcr_r_tables``, ``--only lcmcr_r_tables``; about 80 s of one
core per run): Kosovo, HIV, lesbian and UK 2013 at the default settings with seeds 1-3,
each run's median, interval, Monte Carlo errors, R-hat and bulk/tail ESS of N, alpha and
log p0, wall and CPU seconds and the load average, and whether the median is within 5% and
the lower end within 10% of R's LCMCR 0.4.14. Named baseline: R's Gibbs scan alone (the same
sampler without the collapsed move on the unseen) at the same length, seed 1, run last.

Simulation scenarios (each over many populations, every method on the same tables; each
scenario's design is also written into the JSON):

- ``simulation_latent_classes`` — the acceptance scenario, a world of the kind LCMCR assumes:
  N = 3000, 6 lists, two latent classes: 60% easy to record (capture probability U(0.4, 0.6)
  per list), 40% hard (U(0.15, 0.3)); lists independent within a class. (dga stops at 5
  lists: refused.) ``lcmcr_true_k`` is LCMCR with K fixed at the true 2 classes, on the
  first 50 populations, to separate the Dirichlet-process prior from the model itself.
- ``simulation_manrique_vallier_2016`` — the simulation design of Manrique-Vallier (2016):
  N = 2000, 5 lists, 1800 people rarely recorded (0.033-0.132 per list) and 200 often
  (0.66-0.99); only who is recorded varies between populations.
- ``stress_proportional_hard_class`` — a harsh world: N = 2000, 4 lists, 35% hard with
  capture probabilities 0.4 x the easy ones (0.1-0.2) on every list. No list sees the hard
  class well, so nothing in the data separates "hard to record" from "not there": every
  method here under-covers. Shown so the failure is on record.
- ``stress_with_copying`` — the harsh world plus list b copying 30% of list a (direct
  dependence no method here models).

Per method: bias, relative error, RMSE, 95% coverage with its binomial Monte Carlo standard
error, and the misses split by side (interval entirely below or above the truth). LCMCR
runs 4 chains x 8,000 iterations (2,000 burn-in) per population; each replicate's split
R-hat and ESS of N are recorded with the share that converged. The downhill search's BCa
bootstrap uses 50 resamples here, on the first 30 populations of the first two scenarios
(about 5 s each).
"""

from __future__ import annotations

import os

# "one core": keep BLAS single-threaded so CPU time is the time of one core
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUICK_ENV, write_result  # noqa: E402
from unaccounted.estimate import (  # noqa: E402
    LCMCRSettings,
    LoglinearSettings,
    estimate,
    from_cells,
    read_histories,
)
from unaccounted.estimate.histories import CaptureHistories  # noqa: E402
from unaccounted.estimate.lcmcr import lcmcr, sample  # noqa: E402
from unaccounted.estimate.mcmc import effective_size, split_rhat  # noqa: E402

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SECTIONS = (
    "simulation_latent_classes",
    "simulation_manrique_vallier_2016",
    "speed",
    "mixing",
    "stress_proportional_hard_class",
    "stress_with_copying",
    "lcmcr_r_tables",
)
PROGRESS = ("load_average_now", "wall_seconds_so_far", "cpu_seconds_so_far")
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


#: Manrique-Vallier (2016), simulation section: N = 2000 on 5 lists, 90% of people in a class
#: rarely recorded by any list and 10% in a class recorded often (the same design is used by
#: HRDAG's StanLCMCR re-implementation of the paper). Class sizes and capture probabilities
#: are fixed; only who is recorded varies between populations.
MV2016_SIZES = (1800, 200)
MV2016_CAPTURE = (
    (0.033, 0.033, 0.099, 0.132, 0.033),
    (0.660, 0.825, 0.759, 0.990, 0.693),
)


def simulate_manrique_vallier_2016(rng: np.random.Generator) -> CaptureHistories:
    """The two-class world of Manrique-Vallier (2016): 1800 hard to record, 200 easy."""
    lam = np.repeat(np.array(MV2016_CAPTURE), MV2016_SIZES, axis=0)
    caught = rng.random(lam.shape) < lam
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
        settings = LCMCRSettings(
            chains=chains, iterations=iters, burn_in=iters // 4, thin=1, seed=1
        )
        cpu = time.process_time()
        row[f"lcmcr_{chains}x{iters}_s"] = sample(h, settings).seconds
        # the acceptance figure: CPU time of one core (BLAS is single-threaded here), which
        # other jobs on the machine do not inflate the way they inflate wall-clock time
        row[f"lcmcr_{chains}x{iters}_cpu_s"] = time.process_time() - cpu
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
    design: dict[str, object],
    limited: dict[str, int] | None = None,
    true_classes: int | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, object]:
    """Every method on the same simulated tables.

    ``limited`` runs a costly method on the first populations only. ``true_classes`` adds
    LCMCR with K fixed at the true number of classes (``lcmcr_true_k``), to separate the
    Dirichlet-process prior from the latent-class model itself. ``progress`` receives the
    summary so far every 10 populations (``populations_done``), so a long run can be
    inspected or cut short without losing what is done.
    """
    rng = np.random.default_rng(7)
    iters = 4_000 if quick else LCMCR_ITERATIONS
    burn = 1_000 if quick else LCMCR_BURN_IN
    methods: dict[str, Callable[[CaptureHistories], Any]] = {
        "baseline_independence": lambda h: estimate(
            h, loglinear=LoglinearSettings(model=" + ".join(h.lists))
        ),
        "loglinear_downhill_bca": lambda h: estimate(
            h, loglinear=LoglinearSettings(nboot=50, seed=1)
        ),
        "lcmcr": lambda h: estimate(
            h,
            "lcmcr",
            lcmcr_settings=LCMCRSettings(
                iterations=iters, burn_in=burn, thin=1, seed=1, accept_unconverged=True
            ),
        ),
        "dga": lambda h: estimate(h, "dga"),
    }
    if true_classes is not None:
        methods["lcmcr_true_k"] = lambda h: estimate(
            h,
            "lcmcr",
            lcmcr_settings=LCMCRSettings(
                classes=true_classes,
                iterations=iters,
                burn_in=burn,
                thin=1,
                seed=1,
                accept_unconverged=True,
            ),
        )
    limited = limited or {}
    rows: dict[str, list[tuple[float, float, float]]] = {m: [] for m in methods}
    cpu = {m: 0.0 for m in methods}
    rhat: list[float] = []
    ess: list[float] = []
    lists = 0

    def summarize(done: int) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "design": design,
            "populations": populations,
            "populations_done": done,
            "true_n": n_true,
            "lists": lists,
        }
        for name, vals in rows.items():
            a = np.array(vals)
            ok = np.isfinite(a[:, 0])
            used = len(vals)
            if not ok.any():
                summary[name] = {"refused": used, "cpu_seconds": cpu[name]}
                continue
            est, lo, hi = a[ok, 0], a[ok, 1], a[ok, 2]
            covered = (lo <= n_true) & (n_true <= hi)
            share = float(np.mean(covered))
            summary[name] = {
                "populations": used,
                "bias": float(np.mean(est - n_true)),
                "relative_bias": float(np.mean(est / n_true - 1)),
                "mean_abs_relative_error": float(np.mean(np.abs(est / n_true - 1))),
                "rmse": float(np.sqrt(np.mean((est - n_true) ** 2))),
                "coverage_95": share,
                # binomial Monte Carlo error of the coverage over this many populations
                "coverage_95_monte_carlo_se": math.sqrt(share * (1 - share) / int(ok.sum())),
                "misses_interval_below_truth": int(np.sum(hi < n_true)),
                "misses_interval_above_truth": int(np.sum(lo > n_true)),
                "median_interval_width": float(np.median(hi - lo)),
                "refused": int((~ok).sum()),
                "cpu_seconds": cpu[name],
            }
        r, e_ = np.array(rhat), np.array(ess)
        converged = (r < 1.1) & (e_ >= 100)
        a = np.array(rows["lcmcr"])
        cov = (a[:, 1] <= n_true) & (n_true <= a[:, 2])
        summary["lcmcr"] |= {
            "chains": 4,
            "iterations": iters,
            "burn_in": burn,
            "rhat_median": float(np.median(r)),
            "rhat_max": float(r.max()),
            "ess_median": float(np.median(e_)),
            "ess_min": float(e_.min()),
            "share_rhat_below_1.05": float(np.mean(r < 1.05)),
            "share_converged_rhat_1.1_ess_100": float(np.mean(converged)),
            "coverage_95_converged_only": float(np.mean(cov[converged]))
            if converged.any()
            else None,
        }
        return summary

    for done in range(populations):
        h = world(rng)
        lists = h.k
        for name, run in methods.items():
            if name in limited and len(rows[name]) >= limited[name]:
                continue
            t = time.process_time()
            try:
                e = run(h)
                rows[name].append((e.estimate, e.lower, e.upper))
                if name == "lcmcr":
                    rhat.append(float(e.diagnostics["rhat"]))
                    ess.append(float(e.diagnostics["ess"]))
            except Exception:  # a refusal counts as a miss, not a crash
                rows[name].append((math.nan, math.nan, math.nan))
            cpu[name] += time.process_time() - t
        if progress is not None and (done + 1) % 10 == 0 and done + 1 < populations:
            progress(summarize(done + 1))
    return summarize(populations)


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
        st = LCMCRSettings(
            iterations=iters, burn_in=iters // 4, thin=1, seed=1, collapsed_move=move
        )
        d = sample(h, st)
        out[f"collapsed_move_{str(move).lower()}"] = {
            "iterations": iters,
            "median": float(np.median(d.n_total)),
            "rhat": split_rhat(d.n_total),
            "ess": effective_size(d.n_total),
            "seconds": d.seconds,
        }
    return out


#: R's LCMCR 0.4.14 on the published tables (K = 10, default priors; 4 seeds x 100,000
#: iterations, Kosovo also 4 x 1,000,000, UK 4 x 1,000,000 per seed): ranges of the
#: posterior median and of the lower 95% end (tests/estimate/data/README.md).
R_LCMCR: dict[str, dict[str, tuple[float, float] | None]] = {
    "Kosovo": {"median": (10_406, 10_598), "lower": (9_035, 9_245)},
    "HIV": {"median": (10_842, 10_925), "lower": (9_325, 9_421)},
    "lesbian": {"median": (5_386, 5_527), "lower": (4_313, 4_503)},
    "UKdat": {"median": (21_082, 22_972), "lower": None},
}
R_TABLES = Path(__file__).resolve().parent.parent / "tests" / "estimate" / "data"


def _within(x: float, span: tuple[float, float] | None, rel: float) -> bool | None:
    """Whether x lies within ``rel`` of R's range (below its low end or above its high)."""
    if span is None:
        return None
    return (1 - rel) * span[0] <= x <= (1 + rel) * span[1]


def _lcmcr_run(h: CaptureHistories, settings: LCMCRSettings) -> dict[str, Any]:
    load = os.getloadavg()[0]
    cpu = time.process_time()
    e = lcmcr(h, settings)
    d = e.diagnostics
    keep = ("converged", "seconds", "classes", "kept_draws", "alpha_mean", "mean_occupied_classes")
    row: dict[str, Any] = {k: d[k] for k in keep}
    row |= {k: v for k, v in d.items() if k.startswith(("rhat_", "ess_", "mcse_"))}
    row |= {
        "seed": settings.seed,
        "median": e.estimate,
        "lower": e.lower,
        "upper": e.upper,
        "cpu_seconds": time.process_time() - cpu,
        "load_average_before": load,
    }
    return row


def lcmcr_r_tables(
    quick: bool, progress: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any]:
    """LCMCR at its default settings against R's LCMCR on Kosovo, HIV, lesbian and UK 2013.

    Three seeds per table at the defaults (every table's seed 1 first, then seeds 2 and 3);
    the baseline, last, is R's scan alone (the same sampler without the collapsed move on
    the unseen) at the same length, seed 1. ``progress`` receives the results after each run.
    """
    seeds = (1,) if quick else (1, 2, 3)
    base = LCMCRSettings()
    if quick:
        base = LCMCRSettings(iterations=20_000, burn_in=2_000, thin=2)
    out: dict[str, Any] = {
        "settings": {
            "chains": base.chains,
            "iterations": base.iterations,
            "burn_in": base.burn_in,
            "thin": base.thin,
            "classes": "min(2^J - 1, 15)",
            "collapsed_move": base.collapsed_move,
        },
        "baseline": "R's Gibbs scan alone (collapsed_move=False), same length, seed 1",
        "acceptance": "median within 5% of R's range, lower end within 10%, R-hat <= 1.01",
    }
    tables = {t: read_histories(R_TABLES / f"{t}.csv") for t in R_LCMCR}
    for table, h in tables.items():
        out[table] = {
            "observed": h.observed,
            "lists": h.k,
            "r_median": R_LCMCR[table]["median"],
            "r_lower": R_LCMCR[table]["lower"],
            "runs": [],
        }
    for seed in seeds:
        for table, h in tables.items():
            ref = R_LCMCR[table]
            row = _lcmcr_run(h, replace(base, seed=seed, accept_unconverged=True))
            row["median_within_5pct_of_r"] = _within(row["median"], ref["median"], 0.05)
            row["lower_within_10pct_of_r"] = _within(row["lower"], ref["lower"], 0.10)
            out[table]["runs"].append(row)
            if progress is not None:
                progress(out)
    for table, h in tables.items():
        plain = replace(base, seed=1, collapsed_move=False, accept_unconverged=True)
        out[table]["baseline_plain_scan"] = _lcmcr_run(h, plain)
        if progress is not None:
            progress(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (a few minutes)")
    parser.add_argument(
        "--populations",
        type=int,
        default=200,
        help="populations in the acceptance scenario (default 200)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=SECTIONS,
        help="run only these sections and merge them into the existing results file",
    )
    args = parser.parse_args()
    if args.quick:  # smoke runs never replace the full figures
        os.environ[QUICK_ENV] = "1"
    started = time.perf_counter()
    cpu_started = time.process_time()
    result: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
        },
        "quick": args.quick,
        # other jobs share the machine: wall-clock timings are only comparable at a low load
        "load_average_at_start": os.getloadavg()[0],
    }

    wanted = set(args.only or SECTIONS)

    def write(key: str, value: object) -> None:
        """Write the results with ``key`` set; with --only, into the existing file (re-read
        just before writing, so that two runs of different sections can share it)."""
        if args.only:
            folder = RESULTS_DIR / "quick" if args.quick else RESULTS_DIR
            path = folder / "estimate.json"
            if path.exists():
                merged = json.loads(path.read_text(encoding="utf-8"))
                own = wanted | {"machine", "quick", "load_average_at_start", *PROGRESS}
                result.update({k: v for k, v in merged.items() if k not in own})
        result[key] = value
        result["load_average_now"] = os.getloadavg()[0]
        result["wall_seconds_so_far"] = time.perf_counter() - started
        result["cpu_seconds_so_far"] = time.process_time() - cpu_started
        write_result("estimate", result)

    def save(key: str, value: Callable[[], object]) -> None:
        """Each section is written as soon as it is done, so a long run is never lost."""
        if key in wanted:
            write(key, value())

    def partial(key: str) -> Callable[[dict[str, Any]], None]:
        return lambda summary: write(key, summary | {"complete": False})

    # the acceptance scenario: the latent-class model's own kind of world
    save(
        "simulation_latent_classes",
        lambda: study(
            20 if args.quick else args.populations,
            args.quick,
            simulate_latent_classes,
            3000,
            {
                "N": 3000,
                "lists": 6,
                "classes": "each person hard with probability 0.4, else easy",
                "capture_easy": "U(0.4, 0.6) per list, drawn per population",
                "capture_hard": "U(0.15, 0.3) per list, drawn per population",
                "lists_within_class": "independent",
                "seed": 7,
            },
            {
                "loglinear_downhill_bca": 10 if args.quick else 30,
                "lcmcr_true_k": 10 if args.quick else 50,
            },
            true_classes=2,
            progress=partial("simulation_latent_classes"),
        ),
    )
    save("speed", lambda: speed(args.quick))
    # the simulation design of Manrique-Vallier (2016)
    save(
        "simulation_manrique_vallier_2016",
        lambda: study(
            10 if args.quick else 100,
            args.quick,
            simulate_manrique_vallier_2016,
            sum(MV2016_SIZES),
            {
                "N": sum(MV2016_SIZES),
                "lists": 5,
                "class_sizes": list(MV2016_SIZES),
                "capture_by_class": [list(c) for c in MV2016_CAPTURE],
                "source": "Manrique-Vallier (2016), Biometrics 72:1246, simulation section",
                "seed": 7,
            },
            {"loglinear_downhill_bca": 10 if args.quick else 30},
            progress=partial("simulation_manrique_vallier_2016"),
        ),
    )
    save("mixing", lambda: mixing(args.quick))
    # no list sees the hard class well: a stress test where every method fails
    stress = {
        "N": 2000,
        "lists": 4,
        "classes": "each person hard with probability 0.35, else easy",
        "capture_easy": "U(0.25, 0.5) per list, drawn per population",
        "capture_hard": "0.4 x the easy probability of the same list",
        "seed": 7,
    }
    save(
        "stress_proportional_hard_class",
        lambda: study(
            10 if args.quick else 30,
            args.quick,
            lambda r: simulate(r, 2000, 4, 0.0),
            2000,
            stress,
        ),
    )
    # plus direct dependence (list b copies 30% of list a), which no method here models
    save(
        "stress_with_copying",
        lambda: study(
            10 if args.quick else 20,
            args.quick,
            lambda r: simulate(r, 2000, 4, 0.3),
            2000,
            stress | {"copying": "list b also records 30% of those on list a"},
        ),
    )
    # LCMCR at its defaults against R's figures on the published tables
    save(
        "lcmcr_r_tables",
        lambda: lcmcr_r_tables(args.quick, partial("lcmcr_r_tables")),
    )
    result["load_average_at_end"] = os.getloadavg()[0]
    for key in PROGRESS:
        result.pop(key, None)
    if not args.only:
        result["total_seconds"] = time.perf_counter() - started
        result["total_cpu_seconds"] = time.process_time() - cpu_started
    else:
        result[f"seconds_of_{'_'.join(sorted(wanted))}"] = time.perf_counter() - started
        result[f"cpu_seconds_of_{'_'.join(sorted(wanted))}"] = time.process_time() - cpu_started
    path = write_result("estimate", result)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
