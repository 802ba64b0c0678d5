"""Per-step indicator rows (each district and ``all``) and run summaries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.model import kernels
from valuechain.model.households.budgets import LINE_190, LINE_215
from valuechain.outputs.aggregations import aggregate
from valuechain.outputs.metrics import COMMODITY_SUMMARY, PROGRAMME_SUMMARY, SUMMARY, gini

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["channel_summaries", "district_rows", "summarise"]


def _district_sums(
    model: ValueChainModel, k: int, pc: np.ndarray, ranked: RankedConsumption
) -> dict[str, float]:
    """The weighted sums behind district ``k``'s indicators (``pc``: its households'
    consumption per person, ``ranked`` its sort keys)."""
    hh = model.households
    led = model.ledger
    s = hh.district_slices[k]
    out = dict(
        zip(
            kernels.SUMS,
            kernels.indicator_sums(
                pc,
                hh.persons[s],
                hh.weight[s],
                model.poverty_lines[k],
                hh.is_extreme_poor[s],
                led.was_extreme_poor[s],
                hh.extreme_poor_at_start[s],
                hh.months_out_run[s],
                model.scenario.poverty.sustained_exit_months,
                hh.job_firm[s],
                hh.job_firm2[s],
                hh.n_women[s],
                hh.poor_at_start[s],
                hh.n_adults[s],
                led.transfers[s],
                hh.registered[s],
                hh.n_elderly[s],
                hh.n_disabled[s],
                hh.coop[s],
                _selling_groups(model, k),
                hh.land_ha[s],
            ).tolist(),
            strict=True,
        )
    )
    firms = [p for p in model.processors if p.district == k]
    month = led.month
    line_190, _, line_nat = model.poverty_lines[k]
    out |= {
        "gap190_idr": out["gap190"] * line_190,  # sum p (z - y) over the extreme poor
        "line_nat_x_persons": line_nat * out["persons"],
        "farm_labour": month.farm_worker_months[k],
        "idle": month.idle_worker_months[k],
        "tax_revenue": month.tax_revenue_idr[k],
        "trainees": sum(p.trainees(model, k) for p in model.programmes),
        "borrowers": sum(p.borrowers(model, k) for p in model.programmes),
        "training_completions": sum(p.completions(model, k) for p in model.programmes),
        "fiscal_cost": float(led.month.fiscal_cost_idr[k]),
        "fiscal_cost_cum": led.cum_fiscal_cost_idr[k],
        "processor_profit": sum(p.books.profit_idr for p in firms),
        "processors_active": float(sum(p.operating(model.t) for p in firms)),
        "local_value_added": sum(
            p.books.revenue_idr
            - p.books.paid_idr
            - p.books.collection_cost_idr
            - p.books.variable_cost_idr
            for p in firms
        ),
        "jobs_displaced_elsewhere": float(month.jobs_displaced[k]),
        "processing_jobs_trained": _trained_workers(model, s),
        "tied_growers": _tied_growers(model, s),
        "growers_freed_by_plants": sum(p.books.growers_freed for p in firms),
        "graded_kg": float(
            sum(p.books.graded_bought_kg / p.input_per_farm_kg for p in firms if p.spec.grades)
        ),
        "growers_practising_quality": _practising(model, s),
        "mass_balance_residual": led.mass_residual(model, k),
        "money_balance_residual": led.money_residual(model, k),
    }
    out.update(led.spending(model, k))
    for p in model.programmes:
        out[f"budget_exhausted_{p.name}"] = float(p.exhausted_month is not None)
    out.update(_targeting_sums(model, k, ranked))
    return out


def _tied_growers(model: ValueChainModel, s: slice) -> float:
    """Households tied to their trader for at least one crop (real households)."""
    tied = model.households.tied[s]
    if not tied.any():
        return 0.0
    return kernels.wsum(model.households.weight[s], tied.any(axis=1))


def _trained_workers(model: ValueChainModel, s: slice) -> float:
    """Processing jobs held by households with a member who completed a training course
    (real workers); nothing to count without a training programme."""
    if not any(spec.kind == "training" for spec in model.scenario.policies.values()):
        return 0.0
    hh = model.households
    jobs = (hh.job_firm[s] >= 0).astype(np.int8) + (hh.job_firm2[s] >= 0)
    return kernels.wsum(hh.weight[s], jobs * hh.trained[s])


def _practising(model: ValueChainModel, s: slice) -> float:
    """Growers using a quality practice this month, of any crop (real households); nothing
    to count without a grading plant."""
    if not any(p.spec.grades for p in model.processors):
        return 0.0
    hh = model.households
    return kernels.wsum(hh.weight[s], hh.practises_quality[s].any(axis=1))


# ---------------------------------------------------------------------- targeting (registry)
#: prefix of the per-programme targeting sums in a district's sums (never a column name)
_TARGETING = "targeting:"


@dataclass(frozen=True)
class RankedConsumption:
    """A district's consumption per person as sort keys (:func:`kernels.sort_keys`, floor
    0): ``keys`` in household order, ``ordered`` sorted, ``mask`` the position bits. One
    sort serves the Gini and both targeting cut-offs."""

    keys: np.ndarray
    ordered: np.ndarray
    mask: int

    @classmethod
    def of(cls, pc: np.ndarray) -> RankedConsumption:
        """Rank ``pc`` (consumption per person of one district's households)."""
        keys, mask = kernels.sort_keys(np.ascontiguousarray(pc, dtype=np.float64), 0.0)
        return cls(keys, np.sort(keys), mask)

    def cut(self, share: float) -> int:
        """The largest key of the ``ceil(share x n)`` smallest (below every key when none)."""
        n_take = int(np.ceil(share * self.keys.size - 1e-9))
        return int(self.ordered[n_take - 1]) if n_take > 0 else int(np.iinfo(np.int64).min)


def _targeting_sums(model: ValueChainModel, k: int, ranked: RankedConsumption) -> dict[str, float]:
    """The sums behind the registry's and each programme's targeting indicators in district
    ``k`` (``ranked``: its households' consumption per person this month), in one compiled
    pass.

    The target group is the poorest ``registry.target_share`` of the district's households by
    consumption per person this month, the poorest decile the poorest tenth (the first
    ``ceil(share x households)`` by consumption, ties by position).
    """
    hh = model.households
    s = hh.district_slices[k]
    n = s.stop - s.start
    listed = [(p.name, m) for p in model.programmes if (m := p.recipients(model, k)) is not None]
    if len(listed) > kernels.MAX_PROGRAMMES:
        raise ValueError(f"at most {kernels.MAX_PROGRAMMES} programmes with recipients")
    masks = [mask for _, mask in listed]  # bit p of a code: receives from programme p
    codes = kernels.pack_bits(np.stack(masks) if masks else np.zeros((0, n), dtype=bool))
    per, common = kernels.targeting_sums(
        codes,
        len(listed),
        ranked.keys,
        ranked.cut(model.scenario.registry.target_share),
        ranked.cut(POOREST_DECILE),
        hh.is_extreme_poor[s],
        hh.registered[s],
        hh.weight[s],
        hh.persons[s],
    )
    out = dict(zip(kernels.TARGETING_COMMON, common.tolist(), strict=True))
    for (name, _), sums in zip(listed, per.tolist(), strict=True):
        for what, value in zip(kernels.TARGETING_PER_PROGRAMME, sums, strict=True):
            out[f"{_TARGETING}{what}:{name}"] = value
    reg = model.registry
    out["pmt_ssr"], out["pmt_sst"] = float(reg.fit_ssr[k]), float(reg.fit_sst[k])
    return out


#: the share of households in a district's poorest decile
POOREST_DECILE = 0.1


def _targeting_columns(model: ValueChainModel, sums: dict) -> dict[str, float]:
    """The proxy-means fit's, each programme's and the konvergensi columns, from (combined)
    sums (the registry's own errors are in the main block)."""
    target, extreme = sums["target_households"], sums["extreme_persons"]
    sst = sums["pmt_sst"]
    row = {
        "registry_pmt_r2": 1.0 - sums["pmt_ssr"] / sst if sst > 0 else np.nan,
        "extreme_poor_programmes_mean": _ratio(sums["extreme_programme_count"], extreme),
        "extreme_poor_programmes_0": _ratio(sums["extreme_programmes_0"], extreme),
        "extreme_poor_programmes_1": _ratio(sums["extreme_programmes_1"], extreme),
        "extreme_poor_programmes_2": _ratio(sums["extreme_programmes_2"], extreme),
        "extreme_poor_programmes_3plus": _ratio(sums["extreme_programmes_3plus"], extreme),
    }
    for p in model.programmes:
        key = f"{_TARGETING}recipients:{p.name}"
        if key not in sums:
            continue
        got = {
            what: sums[f"{_TARGETING}{what}:{p.name}"] for what in kernels.TARGETING_PER_PROGRAMME
        }
        row[f"recipients_{p.name}"] = got["recipients"]
        row[f"exclusion_error_{p.name}"] = _ratio(got["target_missed"], target)
        row[f"inclusion_error_{p.name}"] = _ratio(got["outside_target"], got["recipients"])
        row[f"coverage_extreme_poor_{p.name}"] = _ratio(got["extreme_receiving"], extreme)
        row[f"coverage_poorest_decile_{p.name}"] = _ratio(
            got["decile_receiving"], sums["decile_households"]
        )
    return row


def _selling_groups(model: ValueChainModel, k: int) -> np.ndarray:
    """Households of district ``k`` in a collective selling group (empty: no group)."""
    groups = [g for p in model.programmes if (g := p.selling_group(model, k)) is not None]
    if not groups:
        return _NO_GROUP
    return np.logical_or.reduce(groups)


_NO_GROUP = np.zeros(0, dtype=bool)


def _commodity_sums(model: ValueChainModel, k: int) -> dict[str, tuple[float, ...]]:
    """Per commodity: harvest kg, farm revenue IDR, bought locally by processors kg,
    trader farmgate price, raw exports kg, processor imports kg."""
    out = {}
    m = model.ledger.month
    for j, c in enumerate(model.commodities):
        firms = [p for p in model.processors if p.district == k and p.commodity == j]
        out[c] = (
            m.harvest_kg[k, j],
            m.farm_revenue_idr[k, j],  # what farmers received, all buyers
            sum(p.books.bought_direct_farm_kg for p in firms),  # bought locally by plants
            model.conditions.trader_price_idr[k, j],
            m.trader_kg[k, j],  # raw exports
            m.imported_kg[k, j],
        )
    return out


def _ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when there is nothing to divide by."""
    return numerator / denominator if denominator > 0 else np.nan


def _row(model: ValueChainModel, name: str, sums: dict, comm: dict, gini: float) -> dict:
    persons = sums["persons"]
    to_current = model.scenario.poverty.cpi_factor(model.scenario.start, model.date)
    row = {
        "step": model.t,
        "date": model.date,
        "district": name,
        "extreme_poverty_rate": sums["poor190"] / persons,
        "extreme_poverty_rate_215": sums["poor215"] / persons,
        "poverty_rate": sums["poor_nat"] / persons,
        "poverty_gap": sums["gap190"] / persons,
        "poverty_severity": sums["sev190"] / persons,
        "poverty_gap_national": sums["gap_nat"] / persons,
        "poverty_severity_national": sums["sev_nat"] / persons,
        "extreme_poor_persons": sums["poor190"],
        "extreme_poverty_gap_idr": sums["gap190_idr"],
        "line_190_idr_current": model.poverty_lines[0, LINE_190] * to_current,
        "line_215_idr_current": model.poverty_lines[0, LINE_215] * to_current,
        "line_national_idr_current": sums["line_nat_x_persons"] / persons * to_current,
        "exits": sums["exits"],
        "entries": sums["entries"],
        "sustained_exits": sums["sustained_exits"],
        "processing_jobs": sums["processing_jobs"],
        "processing_jobs_poor": sums["processing_jobs_poor"],
        "jobs_displaced_elsewhere": sums["jobs_displaced_elsewhere"],
        "processing_jobs_trained": sums["processing_jobs_trained"],
        "processing_jobs_women": sums["processing_jobs_women"],
        "tied_growers": sums["tied_growers"],
        "growers_freed_by_plants": sums["growers_freed_by_plants"],
        "net_processing_jobs": sums["processing_jobs"] - sums["jobs_displaced_elsewhere"],
        "farm_labour": sums["farm_labour"],
        "unemployment_rate": sums["idle"] / sums["labour_force"] if sums["labour_force"] else 0.0,
        "mean_consumption_pc": sums["consumption"] / persons,
        "gini": gini,
        "transfer_recipients": sums["transfer_recipients"],
        "registered_households": sums["registered_households"],
        "exclusion_error": _ratio(sums["registry_missed"], sums["target_households"]),
        "inclusion_error": _ratio(sums["registry_outside"], sums["registry_households"]),
        "farm_share_extreme_poor": _ratio(sums["poor190_farming"], sums["poor190"]),
        "extreme_poverty_rate_elderly_disabled": _ratio(
            sums["poor190_elderly_disabled"], sums["persons_elderly_disabled"]
        ),
        "cooperative_members": sums["cooperative_members"],
        "graded_kg": sums["graded_kg"],
        "growers_practising_quality": sums["growers_practising_quality"],
        "tax_revenue": sums["tax_revenue"],
        "trainees": sums["trainees"],
        "borrowers": sums["borrowers"],
        "training_completions": sums["training_completions"],
        "fiscal_cost": sums["fiscal_cost"],
        "fiscal_cost_cum": sums["fiscal_cost_cum"],
        "processor_profit": sums["processor_profit"],
        "processors_active": sums["processors_active"],
        "local_value_added": sums["local_value_added"],
    }
    for c, (kg, revenue, local_kg, trader_price, raw_kg, imported_kg) in comm.items():
        ref = model.prices[c].farm_price
        price = revenue / kg if kg > 0 else trader_price
        row[f"farmgate_price_{c}"] = price
        row[f"farmgate_share_{c}"] = price / ref
        row[f"reference_price_{c}"] = ref
        row[f"harvest_{c}"] = kg
        row[f"raw_exports_{c}"] = raw_kg
        row[f"processor_imports_{c}"] = imported_kg
        row[f"local_processing_share_{c}"] = _ratio(local_kg, kg)
        prices = model.prices[c]
        for stage in model.chains[c].stages:
            row[f"price_{c}_{stage}"] = prices.price(stage)
    for key, value in sums.items():
        if key.startswith(("spending_", "budget_exhausted_")):
            row[key] = value
    row.update(_targeting_columns(model, sums))
    row["mass_balance_residual"] = sums["mass_balance_residual"]
    row["money_balance_residual"] = sums["money_balance_residual"]
    return row


def district_rows(model: ValueChainModel) -> list[dict]:
    """Indicator rows for every district, for ``all`` (totals) and, when the scenario has
    more than one district, for each district type present (``type:upland`` and so on)."""
    hh = model.households
    pc = hh.consumption_idr / hh.size
    rows = []
    parts = []
    for k, name in enumerate(model.district_names):
        s = hh.district_slices[k]
        ranked = RankedConsumption.of(pc[s])
        sums = _district_sums(model, k, pc[s], ranked)
        comm = _commodity_sums(model, k)
        district_gini = kernels.gini(ranked.ordered, ranked.mask, pc[s], hh.persons[s])
        rows.append(_row(model, name, sums, comm, float(district_gini)))
        parts.append((sums, comm))
    if len(rows) == 1:
        total = dict(rows[0])
        total["district"] = "all"
        return [*rows, total]
    groups = {"all": list(range(len(rows)))}
    types = [d.type for d in model.scenario.districts.values()]
    for t in sorted(set(types)):
        groups[f"type:{t}"] = [k for k, tk in enumerate(types) if tk == t]
    for name, ks in groups.items():
        idx = np.concatenate([np.arange(hh.n)[hh.district_slices[k]] for k in ks])
        group_gini = gini(pc[idx], hh.persons[idx])
        rows.append(_row(model, name, *_combine([parts[k] for k in ks]), group_gini))
    return rows


def _combine(parts: list[tuple[dict, dict]]) -> tuple[dict, dict]:
    """Sums and commodity flows of several districts, as one."""
    sums: dict[str, float] = {}
    acc: dict[str, list[float]] = {}
    for district_sums, comm in parts:
        for key, value in district_sums.items():
            if key.startswith("budget_exhausted_"):
                sums[key] = max(sums.get(key, 0.0), value)
            else:
                sums[key] = sums.get(key, 0.0) + value
        for c, (kg, rev, local, tp, raw, imported) in comm.items():
            a = acc.setdefault(c, [0.0] * 7)
            a[0] += kg
            a[1] += rev
            a[2] += local
            a[3] += tp * district_sums["persons"]  # trader price: person-weighted mean
            a[4] += district_sums["persons"]
            a[5] += raw
            a[6] += imported
    comm_all = {c: (a[0], a[1], a[2], a[3] / a[4], a[5], a[6]) for c, a in acc.items()}
    return sums, comm_all


def per_programme_summaries(columns: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The per-programme summaries a run's columns give (name -> (column, aggregation)):
    total spending of every ``spending_*`` column (programmes, processing, by source),
    whether each programme's budget ran out, and the last-12-month means of each
    programme's recipients, targeting errors and coverage
    (:data:`~valuechain.outputs.metrics.PROGRAMME_SUMMARY`)."""
    out = {}
    for col in columns:
        for name, (template, how) in PROGRAMME_SUMMARY.items():
            head = template.removesuffix("{p}")
            if col.startswith(head):
                out[name.format(p=col.removeprefix(head))] = (col, how)
    return out


def summarise(timeseries: pd.DataFrame, commodities: tuple[str, ...]) -> dict[str, float]:
    """Summary indicators of one run from its ``district == "all"`` rows (with their dates).

    Each is an aggregation of :data:`valuechain.outputs.aggregations.AGGREGATIONS` over the
    months, named in :data:`~valuechain.outputs.metrics.SUMMARY` (and its per-commodity and
    per-programme tables); months without data are left out, and a summary with no month of
    data is NaN.
    """
    tot = timeseries[timeseries["district"] == "all"].sort_values("step")
    dates = tot["date"].to_numpy(dtype=str)
    out = {name: aggregate(tot[col], how, dates=dates) for name, (col, how) in SUMMARY.items()}
    for name, (col, how) in per_programme_summaries(tot.columns).items():
        out[name] = aggregate(tot[col], how, dates=dates)
    for c in commodities:
        harvest = tot[f"harvest_{c}"]
        for name, (col, how) in COMMODITY_SUMMARY.items():
            out[name.format(c=c)] = aggregate(tot[col.format(c=c)], how, harvest, dates)
    return out


def channel_summaries(model: ValueChainModel) -> dict[str, float]:
    """Income by channel of the households extreme poor at the start: the change of each
    channel's monthly mean from the year before the start to the run's last year, per person
    (IDR/person/month), over the whole cohort (``cohort_income_change_<channel>``) and over
    those of them who are sustained exits at the end (``exiters_income_change_<channel>``),
    each with its ``_total``. The cohort is the same households in a scenario and its
    baseline, so the paired difference of a cohort row is the scenario's effect through that
    channel."""
    hh = model.households
    ch = model.channels
    out: dict[str, float] = {}
    exiters = None
    if ch.cohort is not None:
        window = model.scenario.poverty.sustained_exit_months
        exiters = hh.months_out_run[ch.cohort] >= window
    for group, among in (("cohort", None), ("exiters", exiters)):
        change = ch.change_per_person(hh.weight, hh.size, among)
        for channel, value in change.items():
            out[f"{group}_income_change_{channel}"] = value
        out[f"{group}_income_change_total"] = float(sum(change.values()))
    return out
