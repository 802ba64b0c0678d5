"""Parameter uncertainty in effects: replications that draw their parameters from a
calibration's posterior (``valuechain run --posterior``).

A posterior is a finished calibration folder (``valuechain calibrate``), read by
:func:`valuechain.experiments.abc.read_posterior`: the last generation's particles and
weights (``posterior.parquet``) and each parameter's scenario key (``manifest.json``).
Several calibrations (one per district of a scenario) combine into one posterior whose parts
are drawn independently. Replication ``r`` of a run takes draw ``r mod K`` of ``K`` draws of
particles, drawn with their weights from a generator seeded by the run's seed; the scenario
and its baseline share the draw and the random numbers.

Intervals (:func:`with_parameter_uncertainty`): the shocks-only interval is today's, from the
replications at the posterior median; the total one is centred on the mean paired effect of the
replications with drawn parameters and has the half-width
``sqrt(h_shocks^2 + (z s_param)^2)``, where ``h_shocks`` is the shocks-only half-width and
``s_param^2 = max(0, var(d_draws) - var(d_median))`` the variance of one replication's effect
that the parameters add to that of the shocks (``z``: the normal quantile of the confidence).
The total interval is never narrower than the shocks-only one, and a posterior concentrated
on one point gives the shocks-only interval (the draws' runs are then the median's).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from valuechain.config.overrides import Override, Source
from valuechain.errors import UserError

__all__ = ["Posterior", "with_parameter_uncertainty"]


@dataclass(frozen=True)
class Posterior:
    """The last generations of one or more calibrations, drawn independently of one another.

    ``particles[j]`` and ``weights[j]`` are calibration ``j``'s particles (one column per
    parameter) and weights; ``keys`` maps each parameter to its scenario key and ``medians``
    to its posterior median. With several calibrations (districts fitted one by one) a
    parameter's name is qualified by its calibration's folder (``coffee.other_income``).
    """

    paths: tuple[Path, ...]
    particles: tuple[pd.DataFrame, ...]
    weights: tuple[np.ndarray, ...]
    keys: dict[str, str]
    medians: dict[str, float]

    @classmethod
    def combine(cls, posteriors: Sequence[Posterior]) -> Posterior:
        """Several calibrations' posteriors as one, each drawn independently (their keys
        must differ: two calibrations of the same key would be two answers to one question)."""
        if len(posteriors) == 1:
            return posteriors[0]
        owner: dict[str, Path] = {}
        parts, weights, keys, medians = [], [], {}, {}
        names = [p.paths[0].name for p in posteriors]
        for j, post in enumerate(posteriors):
            if len(post.paths) != 1:
                raise ValueError("combine takes single calibrations")
            prefix = names[j] if names.count(names[j]) == 1 else f"{names[j]}{j + 1}"
            for key in post.keys.values():
                if key in owner:
                    raise UserError(
                        f"--posterior {owner[key]} and --posterior {post.paths[0]} both set {key}",
                        hint="give one calibration per district (or per set of keys)",
                    )
                owner[key] = post.paths[0]
            rename = {n: f"{prefix}.{n}" for n in post.keys}
            parts.append(post.particles[0].rename(columns=rename))
            weights.append(post.weights[0])
            keys |= {rename[n]: k for n, k in post.keys.items()}
            medians |= {rename[n]: v for n, v in post.medians.items()}
        return cls(
            tuple(p.paths[0] for p in posteriors), tuple(parts), tuple(weights), keys, medians
        )

    def overrides(self, values: dict[str, float]) -> list[Override]:
        """Overrides setting each parameter's key to its value (for scenario and baseline)."""
        src = Source.command_line(" ".join(f"--posterior {p}" for p in self.paths))
        return [Override(self.keys[n], float(v), src) for n, v in values.items()]

    def median_overrides(self) -> list[Override]:
        """The posterior medians as overrides."""
        return self.overrides(self.medians)

    def draws(self, seed: int, replications: int, k: int | None = None) -> list[dict[str, Any]]:
        """The parameter values of each replication: ``k`` draws (default: one per
        replication) of particles with their weights, replication r taking draw r mod k.
        Each calibration draws from its own generator (seeded by ``seed`` and its place), so
        adding a calibration leaves the draws of the others as they were."""
        k = replications if k is None else k
        if k < 1:
            raise UserError(f"--draws must be at least 1, not {k}", hint="use --draws K")
        picked = []
        for j, w in enumerate(self.weights):
            rng = np.random.default_rng([int(seed), 20_241] + ([j] if j else []))
            picked.append(rng.choice(w.size, size=k, p=w / w.sum()))
        rows = []
        for r in range(replications):
            at = [int(p[r % k]) for p in picked]
            values = {
                n: float(part[n].iloc[i])
                for part, i in zip(self.particles, at, strict=True)
                for n in part.columns
            }
            rows.append({"replication": r, "draw": r % k, "particles": at, "values": values})
        return rows


def with_parameter_uncertainty(
    comparison: pd.DataFrame,
    median_pairs: pd.DataFrame,
    draw_pairs: pd.DataFrame,
    indicators: Sequence[str],
    confidence: float = 0.95,
) -> pd.DataFrame:
    """``comparison`` (of the runs at the posterior median) with the total interval added:
    columns ``difference_total``, ``ci_low_total``, ``ci_high_total`` (see the module).

    ``median_pairs`` and ``draw_pairs`` hold, per replication, the paired differences
    (scenario - baseline) of each indicator, at the median and with drawn parameters.
    """
    z = stats.norm.ppf(0.5 + confidence / 2)
    out = comparison.copy()
    extra = {"difference_total": [], "ci_low_total": [], "ci_high_total": []}
    for _, row in out.iterrows():
        key = row["indicator"]
        if key not in indicators:
            for col in extra:
                extra[col].append(math.nan)
            continue
        dm = median_pairs[key].to_numpy(float)
        dd = draw_pairs[key].to_numpy(float)
        dm, dd = dm[np.isfinite(dm)], dd[np.isfinite(dd)]
        half = (row["ci_high"] - row["ci_low"]) / 2 if math.isfinite(row["ci_high"]) else math.nan
        if dd.size < 2 or dm.size < 2 or not math.isfinite(half):
            for col in extra:
                extra[col].append(math.nan)
            continue
        s2 = max(0.0, float(dd.var(ddof=1)) - float(dm.var(ddof=1)))
        total = math.sqrt(half * half + z * z * s2)
        centre = float(dd.mean())
        extra["difference_total"].append(centre)
        extra["ci_low_total"].append(centre - total)
        extra["ci_high_total"].append(centre + total)
    for col, values in extra.items():
        out[col] = values
    return out
