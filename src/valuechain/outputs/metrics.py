"""Indicators: poverty measures, inequality, and the catalogue of output columns.

Rates are shares of persons in [0, 1]; counts are real persons or workers (simulated
households scaled by their weights); money in rupiah per month unless named otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain.model import kernels
from valuechain.model.kernels import wsum

__all__ = [
    "BPS_MEASURES",
    "COMMODITY_INDICATORS",
    "COMMODITY_SUMMARY",
    "INDICATORS",
    "PROGRAMME_INDICATORS",
    "PROGRAMME_SUMMARY",
    "SUMMARY",
    "Indicator",
    "fgt",
    "gini",
    "weighted_gini",
]


@dataclass(frozen=True)
class Indicator:
    """An output column: what it measures and its unit."""

    label: str
    unit: str


INDICATORS: dict[str, Indicator] = {
    "extreme_poverty_rate": Indicator("Extreme poverty (USD 1.90, 2011 PPP)", "share of persons"),
    "extreme_poverty_rate_215": Indicator(
        "Extreme poverty (USD 2.15, 2017 PPP)", "share of persons"
    ),
    "poverty_rate": Indicator(
        "Poverty (national line, or the district's own line)", "share of persons"
    ),
    "poverty_gap": Indicator("Extreme poverty gap, FGT1 (USD 1.90 line)", "share of the line"),
    "poverty_severity": Indicator("Extreme poverty severity, FGT2 (USD 1.90 line)", "index"),
    "poverty_gap_national": Indicator(
        "Poverty gap, FGT1 (national or district line; a share, BPS publishes it x100)",
        "share of the line",
    ),
    "poverty_severity_national": Indicator(
        "Poverty severity, FGT2 (national or district line; BPS publishes it x100)", "index"
    ),
    "extreme_poor_persons": Indicator(
        "Persons below the USD 1.90 line (person-months this month)", "person-months/month"
    ),
    "extreme_poverty_gap_idr": Indicator(
        "Rupiah that would lift every extreme-poor person to the USD 1.90 line this month "
        "(sum of line - consumption per person, in start-month rupiah)",
        "IDR/month",
    ),
    "line_190_idr_current": Indicator(
        "USD 1.90 line in rupiah of this month (the model's line moved by the CPI)",
        "IDR/person/month",
    ),
    "line_215_idr_current": Indicator(
        "USD 2.15 line in rupiah of this month (the model's line moved by the CPI)",
        "IDR/person/month",
    ),
    "line_national_idr_current": Indicator(
        "National (or district) line in rupiah of this month (person-weighted mean over "
        "districts with their own lines)",
        "IDR/person/month",
    ),
    "exits": Indicator("Exits from extreme poverty this month", "persons"),
    "entries": Indicator("Entries into extreme poverty this month", "persons"),
    "sustained_exits": Indicator(
        "Persons extreme poor at the start (end of the spin-up), now out for the "
        "sustained-exit window",
        "persons",
    ),
    "processing_jobs": Indicator("Processing jobs", "workers"),
    "processing_jobs_poor": Indicator(
        "Processing jobs held by households poor (national line) at the start", "workers"
    ),
    "processing_jobs_trained": Indicator(
        "Processing jobs held by households with a member who completed a training course",
        "workers",
    ),
    "processing_jobs_women": Indicator(
        "Processing jobs held by women (a household's first job goes to a man when it has "
        "one, a second earner's to a woman when it has one)",
        "workers",
    ),
    "tied_growers": Indicator(
        "Households that sell a crop to their trader only (tied by debt; crops.<c>.tied_share)",
        "households",
    ),
    "growers_freed_by_plants": Indicator(
        "Tied growers freed this month by a plant settling their debt (tie_buyout_idr)",
        "households",
    ),
    "jobs_displaced_elsewhere": Indicator(
        "Processing work lost by plants elsewhere in Indonesia whose input local plants now "
        "buy (displacement; chains' elsewhere block): the input of the last 12 months, spread "
        "over the year",
        "workers",
    ),
    "net_processing_jobs": Indicator(
        "Processing jobs less the jobs displaced elsewhere (net national jobs)", "workers"
    ),
    "farm_labour": Indicator("Hired farm labour", "worker-months"),
    "unemployment_rate": Indicator("Working-age labour time without work", "share"),
    "mean_consumption_pc": Indicator("Mean consumption per person", "IDR/person/month"),
    "gini": Indicator("Gini of consumption per person", "index"),
    "transfer_recipients": Indicator("Households receiving any transfer", "households"),
    "registered_households": Indicator("Households in the targeting registry", "households"),
    "exclusion_error": Indicator(
        "Registry exclusion error: share of the target group (the poorest target_share by "
        "consumption per person this month) not registered",
        "share of households",
    ),
    "inclusion_error": Indicator(
        "Registry inclusion error: share of the registered outside the target group",
        "share of households",
    ),
    "farm_share_extreme_poor": Indicator(
        "Share of the extreme poor (USD 1.90) in households that farm or fish (hold land or a "
        "boat share in a commodity); BPS reports it for household heads in agriculture",
        "share of extreme-poor persons",
    ),
    "extreme_poverty_rate_elderly_disabled": Indicator(
        "Extreme poverty among persons in households with elderly or disabled members",
        "share of persons",
    ),
    "cooperative_members": Indicator(
        "Households in a cooperative (processing or collective selling)", "households"
    ),
    "graded_kg": Indicator(
        "Quality-practice lots (red cherry, clean slab) grading plants bought from farms this "
        "month",
        "kg farm stage/month",
    ),
    "growers_practising_quality": Indicator(
        "Growers using a crop's quality practice this month (any crop)", "households"
    ),
    "tax_revenue": Indicator("Export tax collected on raw exports", "IDR/month"),
    "trainees": Indicator("Persons on training courses", "persons"),
    "borrowers": Indicator("Households repaying a programme loan", "households"),
    "training_completions": Indicator("Trainees completing a course this month", "persons"),
    "fiscal_cost": Indicator("Government spending this month", "IDR/month"),
    "fiscal_cost_cum": Indicator("Government spending since the start", "IDR"),
    "spending_processing": Indicator(
        "Spending on processing: plants' capital cost and operating subsidies", "IDR/month"
    ),
    "spending_central": Indicator("Spending paid by the central budget", "IDR/month"),
    "spending_district": Indicator("Spending paid by district budgets", "IDR/month"),
    "processor_profit": Indicator("Processor profits", "IDR/month"),
    "processors_active": Indicator("Processors operating", "plants"),
    "local_value_added": Indicator(
        "Value added by local processing (output value less input cost)", "IDR/month"
    ),
    "mass_balance_residual": Indicator("Mass accounting residual", "kg"),
    "money_balance_residual": Indicator("Money accounting residual", "IDR"),
    # --- registry fit and konvergensi (programmes received by the extreme poor)
    "registry_pmt_r2": Indicator(
        "R^2 of the registry's proxy-means fit to log consumption per person, at its last "
        "certification (within districts)",
        "share of variance",
    ),
    "extreme_poor_programmes_mean": Indicator(
        "Programmes received (with recipients lists), mean over extreme-poor persons", "programmes"
    ),
    "extreme_poor_programmes_0": Indicator(
        "Extreme-poor persons whose household receives from no programme", "share of persons"
    ),
    "extreme_poor_programmes_1": Indicator(
        "Extreme-poor persons whose household receives from one programme", "share of persons"
    ),
    "extreme_poor_programmes_2": Indicator(
        "Extreme-poor persons whose household receives from two programmes", "share of persons"
    ),
    "extreme_poor_programmes_3plus": Indicator(
        "Extreme-poor persons whose household receives from three or more programmes",
        "share of persons",
    ),
}

#: Per-commodity columns; ``{c}`` is replaced by the commodity name.
COMMODITY_INDICATORS: dict[str, Indicator] = {
    "farmgate_price_{c}": Indicator("Farmgate price received", "IDR/kg farm stage"),
    "farmgate_share_{c}": Indicator("Farmgate price / reference price", "share"),
    "reference_price_{c}": Indicator("Reference price of the farm stage", "IDR/kg"),
    "price_{c}": Indicator(
        "Reference price of a stage (column price_<commodity>_<stage>, every stage of the chain)",
        "IDR/kg of the stage",
    ),
    "harvest_{c}": Indicator("Harvest", "kg farm stage/month"),
    "raw_exports_{c}": Indicator("Farm stage leaving the district raw (traders)", "kg/month"),
    "processor_imports_{c}": Indicator(
        "Farm stage processors bought from outside the district", "kg/month"
    ),
    "local_processing_share_{c}": Indicator(
        "Share of the harvest bought by local processors (from farmers)", "share"
    ),
}

#: Per-programme columns; ``{p}`` is replaced by the programme's name.
PROGRAMME_INDICATORS: dict[str, Indicator] = {
    "spending_{p}": Indicator("Spending of the programme this month", "IDR/month"),
    "budget_exhausted_{p}": Indicator("The programme's budget has run out (1) or not (0)", "flag"),
    # --- targeting, for programmes with a list of recipients (transfers, health cover)
    "recipients_{p}": Indicator("Households receiving from the programme this month", "households"),
    "exclusion_error_{p}": Indicator(
        "Share of the target group (the registry's target_share, poorest by consumption per "
        "person this month) not receiving",
        "share of households",
    ),
    "inclusion_error_{p}": Indicator(
        "Share of the programme's recipients outside the target group", "share of households"
    ),
    "coverage_extreme_poor_{p}": Indicator(
        "Share of extreme-poor persons whose household receives", "share of persons"
    ),
    "coverage_poorest_decile_{p}": Indicator(
        "Share of the poorest tenth of households (consumption per person) that receives",
        "share of households",
    ),
}

#: Poverty measures summarised as BPS publishes them: at the first and last March, the last
#: September, and the mean of the last 12 months (an annual mean), never at whatever month
#: the run ends in.
BPS_MEASURES: tuple[str, ...] = (
    "extreme_poverty_rate",
    "extreme_poverty_rate_215",
    "poverty_rate",
    "poverty_gap",
    "poverty_gap_national",
    "poverty_severity_national",
)

#: Run summaries (one row of runs.parquet per run): name -> (indicator, aggregation), the
#: aggregation a name in :data:`valuechain.outputs.aggregations.AGGREGATIONS` (which also
#: gives its label and what it does with months without data).
SUMMARY: dict[str, tuple[str, str]] = {
    "extreme_poverty_rate_first": ("extreme_poverty_rate", "first"),
    **{
        f"{ind}_{how}": (ind, how)
        for ind in BPS_MEASURES
        for how in ("march_first", "march_last", "september_last", "mean_last12")
    },
    "extreme_poor_person_months": ("extreme_poor_persons", "sum"),
    "extreme_poverty_gap_idr_total": ("extreme_poverty_gap_idr", "sum"),
    "sustained_exits_final": ("sustained_exits", "final"),
    "exits_total": ("exits", "sum"),
    "entries_total": ("entries", "sum"),
    "processing_jobs_last12": ("processing_jobs", "mean_last12"),
    "processing_jobs_poor_last12": ("processing_jobs_poor", "mean_last12"),
    "processing_jobs_trained_last12": ("processing_jobs_trained", "mean_last12"),
    "processing_jobs_women_last12": ("processing_jobs_women", "mean_last12"),
    "farm_share_extreme_poor_march_first": ("farm_share_extreme_poor", "march_first"),
    "farm_share_extreme_poor_march_last": ("farm_share_extreme_poor", "march_last"),
    "jobs_displaced_elsewhere_last12": ("jobs_displaced_elsewhere", "mean_last12"),
    "net_processing_jobs_last12": ("net_processing_jobs", "mean_last12"),
    "mean_consumption_pc_last12": ("mean_consumption_pc", "mean_last12"),
    "gini_final": ("gini", "final"),
    "fiscal_cost_cum": ("fiscal_cost", "sum"),
    "tax_revenue_total": ("tax_revenue", "sum"),
    "exclusion_error_last12": ("exclusion_error", "mean_last12"),
    "inclusion_error_last12": ("inclusion_error", "mean_last12"),
    "trainees_last12": ("trainees", "mean_last12"),
    "training_completions_total": ("training_completions", "sum"),
    "extreme_poverty_rate_elderly_disabled_last12": (
        "extreme_poverty_rate_elderly_disabled",
        "mean_last12",
    ),
    "processor_profit_total": ("processor_profit", "sum"),
    "local_value_added_total": ("local_value_added", "sum"),
    "max_abs_mass_balance_residual": ("mass_balance_residual", "max_abs"),
    "max_abs_money_balance_residual": ("money_balance_residual", "max_abs"),
    # --- registry fit and konvergensi
    "registry_pmt_r2_last12": ("registry_pmt_r2", "mean_last12"),
    "extreme_poor_programmes_mean_last12": ("extreme_poor_programmes_mean", "mean_last12"),
    "extreme_poor_programmes_0_last12": ("extreme_poor_programmes_0", "mean_last12"),
    "extreme_poor_programmes_1_last12": ("extreme_poor_programmes_1", "mean_last12"),
    "extreme_poor_programmes_2_last12": ("extreme_poor_programmes_2", "mean_last12"),
    "extreme_poor_programmes_3plus_last12": ("extreme_poor_programmes_3plus", "mean_last12"),
}

#: Per-commodity summaries; ``weighted_mean`` is weighted by the month's harvest of ``{c}``.
COMMODITY_SUMMARY: dict[str, tuple[str, str]] = {
    "farmgate_price_{c}_last12": ("farmgate_price_{c}", "mean_last12"),
    "farmgate_share_{c}_last12": ("farmgate_share_{c}", "mean_last12"),
    "local_processing_share_{c}_run": ("local_processing_share_{c}", "weighted_mean"),
}


#: Per-programme summaries; ``{p}`` is replaced by the programme's name (and, for spending,
#: by the spending columns of :data:`INDICATORS`: ``processing``, ``central``, ``district``).
PROGRAMME_SUMMARY: dict[str, tuple[str, str]] = {
    "spending_{p}_total": ("spending_{p}", "sum"),
    "budget_exhausted_{p}": ("budget_exhausted_{p}", "max"),
    # --- targeting, for programmes with a list of recipients
    "recipients_{p}_last12": ("recipients_{p}", "mean_last12"),
    "exclusion_error_{p}_last12": ("exclusion_error_{p}", "mean_last12"),
    "inclusion_error_{p}_last12": ("inclusion_error_{p}", "mean_last12"),
    "coverage_extreme_poor_{p}_last12": ("coverage_extreme_poor_{p}", "mean_last12"),
    "coverage_poorest_decile_{p}_last12": ("coverage_poorest_decile_{p}", "mean_last12"),
}


def gini(x: np.ndarray, w: np.ndarray) -> float:
    """Gini coefficient of ``x`` (non-negative) with weights ``w``, as the model reports it.

    One integer sort and one compiled pass (:func:`valuechain.model.kernels.sort_keys`,
    :func:`valuechain.model.kernels.gini`); equal to :func:`weighted_gini` (tested).
    """
    if x.size == 0:
        return float("nan")
    keys, mask = kernels.sort_keys(np.ascontiguousarray(x, dtype=np.float64), 0.0)
    keys.sort()
    return float(kernels.gini(keys, mask, x, np.asarray(w, dtype=np.float64)))


def fgt(pc: np.ndarray, persons: np.ndarray, line: float) -> tuple[float, float, float]:
    """Foster-Greer-Thorbecke measures FGT0, FGT1, FGT2 weighted by persons.

    ``FGT_a = sum(w * max(0, 1 - y/z)^a * [y < z]) / sum(w)``. The model computes the same
    sums in one pass with the other indicators (:func:`valuechain.model.kernels.indicator_sums`).
    """
    total = persons.sum()
    if total <= 0:
        return (float("nan"),) * 3
    gap = np.maximum(0.0, 1.0 - pc / line)
    poor = pc < line
    h = wsum(persons, poor) / total
    g1 = wsum(persons, gap) / total
    g2 = wsum(persons, gap * gap) / total
    return float(h), g1, g2


def weighted_gini(x: np.ndarray, w: np.ndarray) -> float:
    """Gini coefficient of ``x`` with weights ``w`` (exact, by sorting).

    ``G = 1 - sum_i w_i (S_{i-1} + S_i) / (W * S_n)`` with ``S`` the cumulative weighted sum
    of sorted values; equal to the mean absolute difference over twice the mean.
    """
    if x.size == 0:
        return float("nan")
    order = np.argsort(x)  # ties may come in any order: the Gini does not depend on it
    xs = x[order]
    ws = w[order]
    cum_w = np.cumsum(ws)
    cum_xw = np.cumsum(xs * ws)
    total_w = cum_w[-1]
    total_xw = cum_xw[-1]
    if total_w <= 0 or total_xw <= 0:
        return float("nan")
    prev = cum_xw - xs * ws
    area = wsum(ws, prev + cum_xw) / (total_w * total_xw)
    return float(1.0 - area)


#: Run summaries of income by channel (not aggregations of a time-series column:
#: :func:`valuechain.outputs.indicators.channel_summaries`); ``{channel}`` is a key of
#: :data:`valuechain.model.channels.CHANNELS` or ``total``.
CHANNEL_SUMMARY: dict[str, Indicator] = {
    "cohort_income_change_{channel}": Indicator(
        "Change of income through a channel, the run's last year against the year before the "
        "start, among the households extreme poor at the start",
        "IDR/person/month",
    ),
    "exiters_income_change_{channel}": Indicator(
        "Change of income through a channel, the run's last year against the year before the "
        "start, among the initially extreme poor who are sustained exits at the end",
        "IDR/person/month",
    ),
}
