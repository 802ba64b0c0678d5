"""The targeting registry (DTKS/P3KE-like): enumeration, a proxy-means score, ranks.

Each household is enumerated or not (one uniform ``u_enum`` drawn at the start; enumerated
when ``u_enum >= miss share`` of its district's type); only a registry-update programme
enumerates again, with the same draws. At each certification, in each district, log
consumption per person is regressed by least squares on what an enumerator sees
(:data:`PMT_OBSERVABLES`) over the enumerated households, as proxy-means formulas are
estimated on survey data; the score is the fitted value plus noise. Enumerated households are
ranked by score over the district's households and the lowest ``coverage_share`` register.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain.config.programmes import Registry
from valuechain.model import kernels
from valuechain.model.households.state import Households
from valuechain.model.rng import Streams

__all__ = [
    "PMT_OBSERVABLES",
    "Certification",
    "PmtFit",
    "RegistryState",
    "certify",
    "fit_pmt",
    "log_consumption_per_person",
    "pmt_observables",
]

#: what the proxy-means test regresses log consumption per person on (columns of
#: :func:`pmt_observables`, in order)
PMT_OBSERVABLES = (
    "constant",
    "log household size",
    "share of young children (0-6)",
    "share of school children",
    "share of elderly members",
    "share of disabled members",
    "any elderly member",
    "any disabled member",
    "log(1 + land, ha, all commodities; boats for fisheries)",
    "skill of the household's workers",
    "a member holds a processing job",
    "own health insurance (a formal-work proxy)",
)


def log_consumption_per_person(hh: Households, s: slice) -> np.ndarray:
    """``log(max(consumption / size, 1))`` of district slice ``s``'s households (last
    month's consumption): what the proxy-means test fits and villages rank by."""
    return np.log(np.maximum(hh.consumption_idr[s] / hh.size[s], 1.0))


def pmt_observables(hh: Households, s: slice) -> np.ndarray:
    """The observables of district slice ``s``'s households (households x
    :data:`PMT_OBSERVABLES`, C order)."""
    size = hh.size[s]
    n = size.size
    school = hh.n_primary[s] + hh.n_junior[s] + hh.n_senior[s]
    x = np.empty((n, len(PMT_OBSERVABLES)))
    x[:, 0] = 1.0
    x[:, 1] = np.log(size)
    x[:, 2] = hh.n_young[s] / size
    x[:, 3] = school / size
    x[:, 4] = hh.n_elderly[s] / size
    x[:, 5] = hh.n_disabled[s] / size
    x[:, 6] = hh.n_elderly[s] > 0
    x[:, 7] = hh.n_disabled[s] > 0
    x[:, 8] = np.log1p(hh.land_ha[s].sum(axis=1))
    x[:, 9] = hh.skill[s]
    x[:, 10] = hh.job_firm[s] >= 0
    x[:, 11] = hh.has_insurance[s]
    return x


@dataclass(frozen=True)
class PmtFit:
    """A proxy-means fit in one district.

    Attributes:
        coef: least-squares coefficients, one per observable.
        prediction: fitted log consumption per person of every household of the district.
        ssr: sum of squared residuals over the households fitted.
        sst: total sum of squares around their mean.
    """

    coef: np.ndarray
    prediction: np.ndarray
    ssr: float
    sst: float

    @property
    def r2(self) -> float:
        """``1 - ssr / sst`` (NaN when the outcome does not vary)."""
        return 1.0 - self.ssr / self.sst if self.sst > 0 else float("nan")


def fit_pmt(x: np.ndarray, y: np.ndarray, fit: np.ndarray) -> PmtFit:
    """Least squares of ``y`` on ``x`` over the rows where ``fit`` is true.

    The normal equations are summed in a fixed order (:func:`kernels.normal_equations`) and
    solved by ``numpy.linalg.lstsq`` (minimum norm when an observable does not vary, such as
    nobody holding a job), so the fit has the same bits on every machine.
    """
    xtx, xty = kernels.normal_equations(np.ascontiguousarray(x), y, fit)
    coef = np.linalg.lstsq(xtx, xty, rcond=None)[0]
    prediction = kernels.predict(np.ascontiguousarray(x), coef)
    y_fit = y[fit]
    if y_fit.size == 0:
        return PmtFit(coef, prediction, 0.0, 0.0)
    resid = y_fit - prediction[fit]
    centred = y_fit - y_fit.mean()
    return PmtFit(coef, prediction, kernels.wsum(resid, resid), kernels.wsum(centred, centred))


@dataclass(frozen=True)
class Certification:
    """One district's registry after certification."""

    rank: np.ndarray  # among the enumerated by score / households; 1 if not enumerated
    registered: np.ndarray  # bool


def certify(score: np.ndarray, enumerated: np.ndarray, coverage_share: float) -> Certification:
    """Rank the enumerated households by score; the lowest ``coverage_share`` register.

    ``rank = position by score among the enumerated / households of the district`` (so the
    ranks of the enumerated run from 0 to the enumerated share); ``registered = enumerated
    and rank < coverage_share``.
    """
    n = score.size
    who = np.flatnonzero(enumerated)
    order = who[kernels.argsort(score[who])]
    rank = np.ones(n)
    rank[order] = np.arange(order.size) / max(n, 1)
    return Certification(rank=rank, registered=enumerated & (rank < coverage_share))


class RegistryState:
    """The registry in one run: its settings by district (a registry update changes them),
    when it certifies, and its last fit.

    Attributes:
        miss_share: households never enumerated, by district.
        score_noise_sd: noise of the score, by district (log IDR).
        recertify_every_months: certification interval, by district.
        certifications: certifications so far, by district (enrolment lists follow it).
        fit_ssr, fit_sst: the last fit's sums of squares by district, times the district's
            household weight (so districts combine by adding).
        fit_r2: the last fit's R^2 by district.
    """

    def __init__(
        self,
        spec: Registry,
        district_types: list[str],
        district_names: list[str],
        hh: Households,
        streams: Streams,
    ):
        self.spec = spec
        n_k = len(district_names)
        self.miss_share = np.array([spec.enumeration_miss_share[t] for t in district_types])
        self.score_noise_sd = np.full(n_k, spec.score_noise_sd)
        self.recertify_every_months = np.full(n_k, spec.recertify_every_months)
        self.certifications = np.zeros(n_k, dtype=np.int64)
        self.requested = np.zeros(n_k, dtype=bool)
        self.fit_ssr = np.zeros(n_k)
        self.fit_sst = np.zeros(n_k)
        self.fit_r2 = np.full(n_k, np.nan)
        for k, name in enumerate(district_names):
            s = hh.district_slices[k]
            u = streams.stream(f"targeting/enumeration/{name}").random(s.stop - s.start)
            hh.u_enum[s] = u
            self.enumerate(hh, k)

    def enumerate(self, hh: Households, k: int) -> None:
        """Enumerate district ``k``: households with ``u_enum >= miss share``."""
        s = hh.district_slices[k]
        hh.enumerated[s] = hh.u_enum[s] >= self.miss_share[k]

    def due(self, k: int, t: int, first: bool) -> bool:
        """Whether district ``k`` certifies in month ``t`` (``first``: the first simulated
        month): then, every ``recertify_every_months`` (``t`` a multiple of it), or when an
        update asked for it."""
        return first or t % int(self.recertify_every_months[k]) == 0 or bool(self.requested[k])

    def update(
        self,
        hh: Households,
        k: int,
        miss_share: float,
        score_noise_sd: float,
        recertify_every_months: int,
    ) -> None:
        """A registry update in district ``k``: new settings, enumeration again with the same
        draws, and a certification this month."""
        self.miss_share[k] = miss_share
        self.score_noise_sd[k] = score_noise_sd
        self.recertify_every_months[k] = recertify_every_months
        self.enumerate(hh, k)
        self.requested[k] = True

    def certify(self, hh: Households, k: int, z: np.ndarray) -> None:
        """Certify district ``k`` (``z``: one standard normal per household).

        Fit the proxy-means test on the enumerated households (last month's consumption per
        person, ``y = log(max(c / size, 1))``), score ``= prediction + score_noise_sd x z``
        for the enumerated (NaN for the others), rank and register (:func:`certify`).
        """
        s = hh.district_slices[k]
        y = log_consumption_per_person(hh, s)
        enumerated = hh.enumerated[s]
        fit = fit_pmt(pmt_observables(hh, s), y, enumerated)
        score = np.where(enumerated, fit.prediction + self.score_noise_sd[k] * z, np.nan)
        cert = certify(score, enumerated, self.spec.coverage_share)
        hh.registry_score[s] = score
        hh.registry_rank[s] = cert.rank
        hh.registered[s] = cert.registered
        w = float(hh.weight[s.start]) if s.stop > s.start else 0.0
        self.fit_ssr[k], self.fit_sst[k], self.fit_r2[k] = w * fit.ssr, w * fit.sst, fit.r2
        self.certifications[k] += 1
        self.requested[k] = False
