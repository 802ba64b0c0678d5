"""``valuechain calibrate``: fit a calibration's parameters to its targets by ABC-SMC (pyabc).

Approximate Bayesian computation by sequential Monte Carlo (pyabc's :class:`pyabc.ABCSMC`):
each generation proposes parameter sets from the last one's weighted particles (the first
from the priors), runs the model at each and accepts those whose distance to the observed
targets is below the generation's threshold (a weighted median of the last generation's
distances). The distance is the Euclidean norm of ``(simulated - observed) / scale`` over the
fitted targets (``scale``: the target's standard error, or its tolerance); held-out targets
are simulated and reported, never fitted.

Why pyabc (rather than ELFI): ABC-SMC suits a model of a few seconds a run with a handful of
parameters and needs no surrogate; pyabc is pure Python on numpy, scipy, pandas and
SQLAlchemy, stores every generation in SQLite (so an interrupted calibration resumes from its
last finished generation) and takes a custom sampler, while ELFI's BOLFI brings GPy and a
Gaussian-process surrogate whose fit is itself a tuning problem.

Determinism: pyabc's own samplers reseed from the operating system in each worker, so a
posterior would depend on the workers. :class:`SeededBatchSampler` proposes ``batch_size``
candidates at a time, candidate ``i`` of generation ``t`` with numpy's global generator
seeded from ``(seed, t, i)``, runs them on the local pool or a Dask cluster and reads the
results in candidate order until the population is full: the same file and seed give the same
posterior with any number of workers. Every evaluation runs the model with the same seeds
(``seed + r``, r < replications): common random numbers across particles.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.errors import ScenarioError, UserError
from valuechain.experiments.calibration import LoadedCalibration
from valuechain.experiments.sweep import aggregate
from valuechain.runs.posterior import Posterior
from valuechain.runs.results import (
    atomic_write_text,
    check_writable,
    write_csv_atomic,
    write_manifest,
    write_table_atomic,
)

__all__ = [
    "CalibrationModel",
    "CalibrationResults",
    "read_calibration",
    "read_posterior",
    "run_calibration",
    "seeded_batch_sampler",
]

POSTERIOR = "posterior.parquet"
FIT = "fit.csv"
CALIBRATED = "calibrated.toml"
DATABASE = "abc.db"
_STATE = "calibration.json"
#: The interval reported for simulated targets and posterior parameters (5% to 95%).
INTERVAL = (0.05, 0.95)


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class CalibrationModel:
    """The model as pyabc calls it: parameter values in, the targets' simulated values out.

    Each call builds the base scenario with the values (and the method's households), runs
    every replication with its seed and returns each target (fitted and held out) averaged
    over the replications. A parameter set that makes the scenario invalid, or a run whose
    target is not a number, returns NaN for every target (so its distance is infinite and it
    is rejected).
    """

    loaded: LoadedCalibration

    def __call__(self, parameters: dict[str, float]) -> dict[str, float]:
        from valuechain.runs.replications import run_one_replication

        values = {n: float(parameters[n]) for n in self.loaded.spec.parameters}
        targets = self.loaded.spec.targets
        try:
            scenario = self.loaded.scenario(values)
        except ScenarioError:
            return {n: math.nan for n in targets}
        sums = dict.fromkeys(targets, 0.0)
        for r, seed in enumerate(self.loaded.seeds):
            ts = run_one_replication(scenario, r, seed).timeseries
            for n, t in targets.items():
                sums[n] += aggregate(ts, t)
        k = len(self.loaded.seeds)
        return {n: s / k for n, s in sums.items()}


def distance_weights(loaded: LoadedCalibration) -> dict[str, float]:
    """Each target's weight in the distance: ``1 / scale`` fitted, 0 held out."""
    return {n: 0.0 if t.held_out else 1.0 / t.scale for n, t in loaded.spec.targets.items()}


def distance(weights: dict[str, float], simulated: dict, observed: dict) -> float:
    """``sqrt(sum_k (w_k (simulated_k - observed_k))^2)`` over the weighted targets; infinite
    when a weighted target is not a number."""
    total = 0.0
    for k, w in weights.items():
        if w == 0:
            continue
        d = w * (float(simulated[k]) - float(observed[k]))
        if not math.isfinite(d):
            return math.inf
        total += d * d
    return math.sqrt(total)


def priors(loaded: LoadedCalibration) -> Any:
    """The parameters' priors as a :class:`pyabc.Distribution` (normal: truncated to the
    bounds)."""
    import pyabc

    rvs = {}
    for n, p in loaded.spec.parameters.items():
        lo, hi = p.bounds
        if p.prior == "uniform":
            rvs[n] = pyabc.RV("uniform", lo, hi - lo)
        elif p.prior == "loguniform":
            rvs[n] = pyabc.RV("loguniform", lo, hi)
        else:
            a, b = (lo - p.mean) / p.sd, (hi - p.mean) / p.sd
            rvs[n] = pyabc.RV("truncnorm", a, b, p.mean, p.sd)
    return pyabc.Distribution(**rvs)


# --------------------------------------------------------------------------- the sampler
def _candidate_seed(seed: int, t: int, i: int) -> int:
    """The numpy seed of candidate ``i`` of generation ``t`` (a 32-bit draw of a
    SeedSequence of the three)."""
    return int(np.random.SeedSequence([seed, t + 1, i]).generate_state(1)[0])


def _simulate_task(payload: bytes, seed: int, task: tuple[int, int]) -> tuple[int, Any]:
    """Run pyabc's ``simulate_one`` (pickled in ``payload``) for candidate ``i`` of
    generation ``t`` (``task = (t, i)``), with the global generators seeded from
    ``(seed, t, i)``; returns ``(i, the particle)``."""
    import cloudpickle

    t, i = task
    simulate_one = cloudpickle.loads(payload)
    s = _candidate_seed(seed, t, i)
    np.random.seed(s)  # noqa: NPY002  (pyabc draws from the global generator)
    random.seed(s)
    return i, simulate_one()


def seeded_batch_sampler(
    seed: int,
    batch_size: int,
    run_batch: Callable[[Callable[[Any], Any], list[tuple[int, int]]], list[Any]],
    on_batch: Callable[[int, int, int], None] | None = None,
) -> Any:
    """A :class:`SeededBatchSampler` (built here: its base class is pyabc's, imported late
    because pyabc takes seconds to import)."""
    from pyabc.sampler import Sampler

    class SeededBatchSampler(Sampler):
        """A pyabc sampler whose population depends on the seed and the batch size only.

        Candidates are proposed ``batch_size`` at a time and run through ``run_batch`` (the
        local pool or a Dask cluster); results are read in candidate order, and the
        population is the first ``n`` accepted (every candidate up to the last accepted one
        counts as an evaluation; those after it are discarded). ``on_batch(t, evaluations,
        accepted)`` is called after each batch (progress).
        """

        def sample_until_n_accepted(
            self, n: int, simulate_one: Callable[[], Any], t: int, **kwargs: Any
        ) -> Any:
            """The first ``n`` accepted candidates of generation ``t``, in candidate order."""
            import cloudpickle

            max_eval = kwargs.get("max_eval", np.inf)
            call = functools.partial(_simulate_task, cloudpickle.dumps(simulate_one), seed)
            sample = self._create_empty_sample()
            accepted = evaluations = start = 0
            while accepted < n and evaluations < max_eval:
                batch = range(start, start + batch_size)
                results = dict(run_batch(call, [(t, i) for i in batch]))
                for i in batch:
                    if accepted >= n:
                        break
                    sample.append(results[i])
                    evaluations += 1
                    accepted += bool(results[i].accepted)
                start += batch_size
                if on_batch is not None:
                    on_batch(t, evaluations, accepted)
            self.nr_evaluations_ = evaluations
            return sample

    return SeededBatchSampler()


def _batch_runner(
    run_local: Callable[..., None], cluster: str | None
) -> Callable[[Callable[[Any], Any], list[Any]], list[Any]]:
    """Run a batch of tasks on the kept local pool (``run_local``) or a Dask cluster;
    outputs in any order (each carries its candidate index)."""

    def run(call: Callable[[Any], Any], tasks: list[Any]) -> list[Any]:
        out: list[Any] = []
        if cluster is not None:
            from valuechain.runs.backends import run_dask

            run_dask(iter(tasks), call, cluster, out.append)
        else:
            run_local(tasks, call, out.append)
        return out

    return run


# --------------------------------------------------------------------------- the run
@dataclass
class CalibrationResults:
    """A finished calibration, read back.

    Attributes:
        path: the results directory.
        manifest: its ``manifest.json``.
    """

    path: Path
    manifest: dict[str, Any]

    @functools.cached_property
    def posterior(self) -> pd.DataFrame:
        """The last generation's particles: one column per parameter, and ``weight``."""
        df = pd.read_parquet(self.path / POSTERIOR)
        return df[df.generation == df.generation.max()].reset_index(drop=True)

    @functools.cached_property
    def fit(self) -> pd.DataFrame:
        """Each target: observed, simulated median and interval, within or not, source."""
        return pd.read_csv(self.path / FIT)


def read_calibration(directory: str | Path) -> CalibrationResults:
    """Open a complete calibration directory (refuses one without its manifest)."""
    path = Path(directory)
    manifest = path / "manifest.json"
    if not manifest.is_file():
        raise UserError(
            f"{path} holds no finished calibration (no manifest.json)",
            hint="run `valuechain calibrate FILE --out DIR` to finish it (it resumes)",
        )
    return CalibrationResults(path, json.loads(manifest.read_text()))


def read_posterior(directory: str | Path) -> Posterior:
    """A finished calibration's posterior (refuses a folder without one)."""
    res = read_calibration(directory)
    keys = res.manifest.get("keys")
    if not keys:
        raise UserError(
            f"{directory} is a calibration of an older format (its manifest names no keys)",
            hint="run `valuechain calibrate` again for it",
        )
    post = res.posterior
    medians = {n: float(v["median"]) for n, v in res.manifest["parameters"].items()}
    return Posterior(
        (Path(directory),),
        (post[list(keys)],),
        (post["weight"].to_numpy(float),),
        dict(keys),
        medians,
    )


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple) -> list[float]:
    """Quantiles of weighted values: the smallest value whose cumulative weight reaches
    each ``q`` of the total."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cum = np.cumsum(w) / w.sum()
    return [float(v[min(np.searchsorted(cum, q), v.size - 1)]) for q in qs]


def run_calibration(
    loaded: LoadedCalibration,
    out: str | Path,
    *,
    workers: int = 1,
    cluster: str | None = None,
    progress: bool = True,
    command: str = "",
) -> CalibrationResults:
    """Fit the calibration's parameters; write ``out`` (resuming a calibration left there).

    Writes ``posterior.parquet`` (every generation's weighted particles), ``fit.csv`` (each
    target: observed, the simulated median and 90% interval at the last generation, within
    or not, source, held out), ``calibrated.toml`` (a scenario extending the base with the
    posterior medians) and, last, ``manifest.json``. The pyabc database ``abc.db`` keeps
    every finished generation: a calibration interrupted in ``out`` resumes there.
    """
    from tqdm import tqdm

    out = check_writable(out)
    method = loaded.spec.method
    state_path, db = out / _STATE, out / DATABASE
    resumed = False
    if state_path.is_file() and db.is_file():
        state = json.loads(state_path.read_text())
        if state.get("content_hash") != loaded.content_hash:
            raise UserError(
                f"{out} holds a calibration of a different file or base scenario",
                hint="use another --out, or delete that folder to start again",
            )
        resumed = True
    else:
        for f in (db, out / "manifest.json"):
            f.unlink(missing_ok=True)
        atomic_write_text(state_path, json.dumps({"content_hash": loaded.content_hash}))
    (out / "manifest.json").unlink(missing_ok=True)

    bar = tqdm(
        total=method.generations,
        desc=f"calibrating {loaded.name}",
        unit="generation",
        file=sys.stderr,
        disable=None if progress else True,  # None: hidden when stderr is not a terminal
        dynamic_ncols=True,
    )

    def on_batch(t: int, evaluations: int, accepted: int) -> None:
        rate = accepted / evaluations if evaluations else 0.0
        what = "prior sample (first threshold)" if t < 0 else f"generation {t + 1}"
        bar.set_postfix_str(
            f"{what}: {accepted}/{method.population_size} accepted of {evaluations} ({rate:.0%})"
        )

    from valuechain.runs.pool import kept_pool

    t0 = time.perf_counter()
    with kept_pool(1 if cluster else workers) as run_local:
        history, resumed = _run_abc(loaded, out, resumed, run_local, cluster, on_batch, bar)
    bar.close()
    session = {
        "wall_time_s": round(time.perf_counter() - t0, 2),
        "workers": 1 if cluster else workers,
        "backend": "dask" if cluster else "local",
    }
    return _write_outputs(loaded, out, history, resumed, command, session)


def _run_abc(
    loaded: LoadedCalibration,
    out: Path,
    resumed: bool,
    run_local: Callable[..., None],
    cluster: str | None,
    on_batch: Callable[[int, int, int], None],
    bar: Any,
) -> tuple[Any, bool]:
    """Run (or resume) pyabc's ABC-SMC to the method's generations; returns its history and
    whether it resumed finished generations."""
    import pyabc

    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Epsilon", "ABC.Distance"):
        logging.getLogger(name).setLevel(logging.WARNING)  # the bar says what pyabc logs
    method = loaded.spec.method
    db = out / DATABASE
    url = f"sqlite:///{db}"
    batch = method.batch_size or method.population_size
    sampler = seeded_batch_sampler(loaded.seed, batch, _batch_runner(run_local, cluster), on_batch)
    weights = distance_weights(loaded)
    observed = {n: t.observed for n, t in loaded.spec.targets.items()}

    def stored() -> int:
        """Generations finished in the database (0 without one)."""
        return pyabc.History(url, _id=1).n_populations if db.is_file() else 0

    start = stored() if resumed else 0
    bar.update(min(start, method.generations))
    done = start
    # One generation per ABCSMC, each loaded from the database (the first: a new one), so an
    # uninterrupted calibration and a resumed one take the same steps, and the bar moves
    # as each generation finishes.
    while done < method.generations:
        # pyabc draws from numpy's global generator: seeded so its draws here repeat
        np.random.seed(_candidate_seed(loaded.seed, -1, done))  # noqa: NPY002
        abc = pyabc.ABCSMC(
            CalibrationModel(loaded),
            priors(loaded),
            functools.partial(distance, weights),
            population_size=method.population_size,
            sampler=sampler,
            eps=pyabc.MedianEpsilon(),
        )
        if done == 0:
            db.unlink(missing_ok=True)  # a first generation that never finished
            abc.new(url, observed)
        else:
            abc.load(url, 1, observed)
        abc.run(max_nr_populations=1, min_acceptance_rate=method.min_acceptance_rate)
        now = stored()
        if now == done:  # pyabc stopped: acceptance below the minimum
            break
        bar.update(now - done)
        done = now
    return pyabc.History(url, _id=1), start > 0


def _write_outputs(
    loaded: LoadedCalibration,
    out: Path,
    history: Any,
    resumed: bool,
    command: str,
    session: dict[str, Any],
) -> CalibrationResults:
    from valuechain import __version__

    frames = []
    for t in range(history.max_t + 1):
        df, w = history.get_distribution(m=0, t=t)
        df = df.reset_index(drop=True)
        df["weight"] = np.asarray(w)
        df["generation"] = t
        frames.append(df)
    posterior = pd.concat(frames, ignore_index=True)
    names = list(loaded.spec.parameters)
    posterior = posterior[["generation", *names, "weight"]]
    write_table_atomic(posterior, out / POSTERIOR)
    last = posterior[posterior.generation == posterior.generation.max()]

    w_stats, stats = history.get_weighted_sum_stats(t=history.max_t)
    w_stats = np.asarray(w_stats)
    rows = []
    for n, t in loaded.spec.targets.items():
        sim = np.array([s[n] for s in stats], dtype=float)
        ok = np.isfinite(sim)
        lo, med, hi = weighted_quantiles(sim[ok], w_stats[ok], (INTERVAL[0], 0.5, INTERVAL[1]))
        within = (
            abs(med - t.observed) <= t.tolerance
            if t.tolerance is not None
            else lo <= t.observed <= hi
        )
        rows.append(
            {
                "target": n,
                "indicator": t.indicator,
                "aggregation": t.aggregation,
                "district": t.district,
                "observed": t.observed,
                "sd": t.sd,
                "tolerance": t.tolerance,
                "simulated_median": med,
                "simulated_p05": lo,
                "simulated_p95": hi,
                "within": bool(within),
                "held_out": t.held_out,
                "source": t.source,
            }
        )
    write_csv_atomic(pd.DataFrame(rows), out / FIT)

    medians = {}
    lines = [
        f"# {loaded.name}: the base scenario with the posterior medians of calibration",
        f"# {loaded.path.name} (valuechain {__version__}); each value's 90% posterior interval",
        '# is beside it. Source of each: "calibrated: calibrations/' + loaded.path.name + '"',
        f'extends = "{os.path.relpath(loaded.base_path, out)}"',
        f'name = "{loaded.base.scenario.name}_calibrated"',
        "",
    ]
    for n, p in loaded.spec.parameters.items():
        lo, med, hi = weighted_quantiles(
            last[n].to_numpy(), last.weight.to_numpy(), (INTERVAL[0], 0.5, INTERVAL[1])
        )
        medians[n] = {"median": med, "p05": lo, "p95": hi}
        lines.append(f"{p.key} = {med!r}  # calibrated: {loaded.name}, 90% [{lo:.6g}, {hi:.6g}]")
    atomic_write_text(out / CALIBRATED, "\n".join(lines) + "\n")

    pops = history.get_all_populations()
    manifest = {
        "kind": "calibration",
        "calibration": loaded.name,
        "file": str(loaded.path),
        "content_hash": loaded.content_hash,
        "base": str(loaded.base_path),
        "seed": loaded.seed,
        "seeds": loaded.seeds,
        "method": loaded.spec.method.model_dump(mode="json"),
        "generations": int(history.n_populations),
        "evaluations": int(pops["samples"].sum()),
        "epsilons": [float(e) if math.isfinite(e) else None for e in pops["epsilon"]],
        "parameters": medians,
        "keys": {n: p.key for n, p in loaded.spec.parameters.items()},
        "priors": {n: p.model_dump(mode="json") for n, p in loaded.spec.parameters.items()},
        "resumed": resumed,
        "this_session": session,
        "valuechain_version": __version__,
        "command": command,
    }
    write_manifest(out, manifest, (POSTERIOR, FIT, CALIBRATED))
    return read_calibration(out)
