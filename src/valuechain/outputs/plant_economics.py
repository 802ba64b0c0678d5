"""What a process's defaults imply for a plant: jobs per 1,000 t, margin and payback.

A plant of one tonne a month of input capacity, running at ``utilisation``, paying ``wage``
a worker-month, buying its input at the plant-gate (reference) price of the input stage and
selling at the output stage's start price: its monthly operating profit and the years it
takes to repay its capital at that profit. The ODD's processing table is built from these,
at the defaults and at each end of every range the chain data say were tried.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from valuechain.config.chains import Chain

__all__ = ["PlantEconomics", "economics_ranges", "plant_economics"]

#: The wage of the ODD table (IDR per worker-month): about the 2024 minimum wages of the
#: shipped districts (FACTS:minimum_wage_lampung_2024 2,716,496; FACTS:minimum_wage_jambi_2024
#: 3,037,121; FACTS:minimum_wage_probolinggo_2024 2,806,955)
TABLE_WAGE_IDR = 2_800_000


@dataclass(frozen=True)
class PlantEconomics:
    """What the defaults imply for one process (per t/month of input capacity)."""

    jobs_per_1000_t: float
    margin_idr_per_kg_input: float
    profit_idr_per_month: float
    payback_years: float
    coop_payback_years: float


def plant_economics(
    chain: Chain,
    process: str,
    *,
    wage: float = TABLE_WAGE_IDR,
    utilisation: float = 0.85,
    changes: dict[str, float] | None = None,
) -> PlantEconomics:
    """The economics of ``process`` at its defaults (or with ``changes`` to its numbers).

    ``margin = conversion x (p_out - variable cost) - p_in - wage x labour per kg``, with
    ``p_in`` the input stage's start price (the plant gate) and ``p_out`` the output stage's;
    ``profit = utilisation x 1000 x margin - fixed cost`` a month per t/month of capacity;
    ``payback = capital / (12 x profit)`` years (infinite when profit is not positive). The
    cooperative's payback is the same plant buying from its members at the farm stage's
    trader price (at ``trader_margin_max``) plus its own collection (``trader_margin_min``):
    the trading margin it keeps, on top of the processing margin (farm-stage buyers only).
    """
    p = chain.processes[process].model_copy(update=changes or {})
    p_in = chain.stages[p.input_stage].price_idr_per_kg
    p_out = chain.stages[p.output_stage].price_idr_per_kg
    labour = wage * p.labour_worker_months_per_t / 1000.0

    def payback(input_price: float) -> tuple[float, float, float]:
        margin = p.conversion_kg_per_kg * (p_out - p.variable_cost_idr_per_kg_output)
        margin -= input_price + labour
        profit = utilisation * 1000.0 * margin - p.fixed_cost_idr_per_t_month
        years = p.capex_idr_per_t_month / (12.0 * profit) if profit > 0 else math.inf
        return margin, profit, years

    margin, profit, years = payback(p_in)
    coop = math.nan
    if chain.sold_by_farms(p.input_stage):
        share = 1.0 - chain.trader_margin_max + chain.trader_margin_min
        coop = payback(p_in * share)[2]
    return PlantEconomics(
        jobs_per_1000_t=p.labour_worker_months_per_t * 1000.0,
        margin_idr_per_kg_input=margin,
        profit_idr_per_month=profit,
        payback_years=years,
        coop_payback_years=coop,
    )


def economics_ranges(chain: Chain, process: str, **kw) -> tuple[float, float]:
    """The lowest and highest payback (years) over the ends of each tried range, one number
    changed at a time."""
    paybacks = [plant_economics(chain, process, **kw).payback_years]
    for key, ends in chain.processes[process].tried.items():
        for value in ends:
            paybacks.append(
                plant_economics(chain, process, changes={key: value}, **kw).payback_years
            )
    return min(paybacks), max(paybacks)
