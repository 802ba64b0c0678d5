"""Income by channel for the households extreme poor at the start: a year before against the
last year of the run, so that an exit can be read by what changed (ODD 7.11).

Each month a household's income splits into channels that add up to its income net of health
costs and interest (:data:`CHANNELS`). The last twelve months of the spin-up are summed for
every household; at the cohort month only the initially extreme poor are kept, and the last
twelve months of the run are summed for them. Arrays of the cohort only, so the cost at a
million households is a few adds a month in two years of the run.
"""

from __future__ import annotations

import numpy as np

from valuechain.model.kernels import HOUSEHOLD_FLOWS

__all__ = ["CHANNELS", "CHANNEL_MONTHS", "IncomeChannels", "channel_matrix"]

#: months in each window (a year: every season once)
CHANNEL_MONTHS = 12

#: income channels (IDR per household and month), adding up to income less health costs and
#: interest: channel -> what it is
CHANNELS: dict[str, str] = {
    "farm": "farm sales less purchased inputs and hired labour paid",
    "farm_wages": "hired farm work for other farms",
    "processing_wages": "wages from processing plants",
    "dividends": "cooperative dividends",
    "transfers": "social transfers",
    "informal": "informal work",
    "other": "other income (small trade, remittances)",
    "credit_returns": "earnings of activities financed by programme loans",
    "induced": "local income induced by the district's spending (the local multiplier)",
    "health_costs": "out-of-pocket health spending (negative)",
    "interest": "interest on debt (negative)",
}

_ROW = {name: i for i, name in enumerate(HOUSEHOLD_FLOWS)}


def channel_matrix(flows: np.ndarray, farm_revenue: np.ndarray, cols=slice(None)) -> np.ndarray:
    """The month's income by channel (channel x household, IDR) from the ledger's household
    flows (flow x household) and farm revenue, for the households ``cols``."""
    f = flows[:, cols]
    out = np.empty((len(CHANNELS), f.shape[1]))
    out[0] = farm_revenue[cols] - f[_ROW["farm_inputs"]] - f[_ROW["farm_wage_paid"]]
    out[1] = f[_ROW["farm_wage_earned"]]
    out[2] = f[_ROW["wages"]]
    out[3] = f[_ROW["dividends"]]
    out[4] = f[_ROW["transfers"]]
    out[5] = f[_ROW["informal"]]
    out[6] = f[_ROW["other"]]
    out[7] = f[_ROW["credit_returns"]]
    out[8] = f[_ROW["induced"]]
    out[9] = -f[_ROW["health_cost"]]
    out[10] = -f[_ROW["interest"]]
    return out


class IncomeChannels:
    """Sums of income by channel: the last year before the start for every household, then,
    from the cohort month on, for the initially extreme poor only, and their last year of the
    run.

    Args:
        months: the scenario's months (the run's last year is ``months - 12 .. months - 1``,
            or the whole run when it is shorter).
    """

    def __init__(self, months: int):
        self.months = months
        self.cohort: np.ndarray | None = None  # positions of the initially extreme poor
        self.before: np.ndarray | None = None  # channel x household (cohort after the month)
        self.before_months = 0
        self.end: np.ndarray | None = None  # channel x cohort household
        self.end_months = 0

    def book(
        self,
        t: int,
        flows: np.ndarray,
        farm_revenue: np.ndarray,
        extreme_poor_at_start: np.ndarray,
        cohort_month: int,
    ) -> None:
        """Add month ``t``'s income by channel to its window (after the month's budgets)."""
        if -CHANNEL_MONTHS <= t <= cohort_month:
            month = channel_matrix(flows, farm_revenue)
            if self.before is None:
                self.before = month
            else:
                self.before += month
            self.before_months += 1
        if t == cohort_month:
            self.cohort = np.flatnonzero(extreme_poor_at_start)
            if self.before is not None:
                self.before = self.before[:, self.cohort]
        if t >= max(0, self.months - CHANNEL_MONTHS) and self.cohort is not None:
            month = channel_matrix(flows, farm_revenue, self.cohort)
            self.end = month if self.end is None else self.end + month
            self.end_months += 1

    def change_per_person(
        self, weight: np.ndarray, persons: np.ndarray, among: np.ndarray | None = None
    ) -> dict[str, float]:
        """Mean monthly income by channel in the run's last year less in the year before the
        start, per person (IDR/person/month), over the cohort (or the cohort households
        ``among`` marks, a mask over the cohort): ``sum w (end / m_end - before / m_before)
        / sum w n``. NaN by channel when a window is empty or nobody is counted."""
        nan = {c: float("nan") for c in CHANNELS}
        if self.cohort is None or self.end is None or self.before is None:
            return nan
        keep = np.ones(self.cohort.size, dtype=bool) if among is None else among
        idx = self.cohort[keep]
        w = weight[idx]
        people = float(np.dot(w, persons[idx]))
        if people <= 0:
            return nan
        delta = self.end[:, keep] / self.end_months - self.before[:, keep] / self.before_months
        return dict(zip(CHANNELS, (delta @ w / people).tolist(), strict=True))
