"""Trade at the farmgate: the trader price, the export tax, and farms selling their harvest.

Functions on arrays and numbers: inputs in, results out, no model object. The model's
``farmgate_prices`` and ``selling`` phases gather the inputs (reference prices, the plants
buying this month, the programmes' hooks), call these and book the results. The loops over
households (the selling queue, cooperative intake, trader-only sales) are the compiled kernels
of :mod:`valuechain.model.kernels.markets`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from valuechain.model import kernels
from valuechain.model.kernels import wsum

__all__ = [
    "NO_BUYERS",
    "Buyers",
    "Grading",
    "Sale",
    "displaced_kg",
    "growers_to_free",
    "local_capacity_share",
    "sell_harvest",
    "top_up_kg",
    "trader_margin",
    "trader_price",
]


# ---------------------------------------------------------------------------- prices
def trader_margin(
    m_min: float, m_max: float, local_capacity_share: float, competition: float
) -> float:
    """Trader margin as a share of the reference price; falls as local buyers compete.

    ``m = m_max - (m_max - m_min) x min(1, competition x s)`` where ``s`` is the local
    processors' input capacity as a share of the district's mean monthly harvest. With no
    local buyer traders take ``m_max``; once local buyers could take the whole harvest
    (with ``competition = 1``) the margin is down to ``m_min``. On numbers, not arrays: a
    district grows a handful of commodities, and scalar arithmetic is several times faster
    than numpy's on arrays of one or two elements.
    """
    pressure = min(1.0, competition * max(local_capacity_share, 0.0))
    return m_max - (m_max - m_min) * pressure


def local_capacity_share(capacity_kg: float, mean_harvest_kg: float) -> float:
    """Local plants' input capacity over the mean monthly harvest (0 where nothing grows)."""
    return capacity_kg / mean_harvest_kg if mean_harvest_kg > 0 else 0.0


def trader_price(reference_idr_per_kg: float, margin: float, export_tax_rate: float) -> float:
    """What a buyer taking ``margin`` pays farmers: ``reference x max(0, 1 - margin - rate)``.

    ``rate`` is the tax on raw exports (a share of the reference price), which the trader
    passes on to farmers; a rate of one or more stops the trade.
    """
    return reference_idr_per_kg * max(0.0, 1 - margin - export_tax_rate)


# ---------------------------------------------------------------------------- selling
@dataclass(frozen=True)
class Buyers:
    """The local plants buying one commodity in one district this month, in plant order.

    Attributes:
        offer_idr_per_kg: price each plant offers farmers.
        room_kg: what each plant will buy this month (real kg).
        members: for a cooperative plant with members, their positions in the district (in
            household order); ``None`` for any other plant.
        member_only: plants that buy from their members only (a farm form such as fresh
            latex, which only farmers near the plant can deliver); ``None`` for none.
    """

    offer_idr_per_kg: np.ndarray
    room_kg: np.ndarray
    members: tuple[np.ndarray | None, ...]
    member_only: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of plants."""
        return int(self.room_kg.size)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


#: no lot graded (the kernels' grading arrays when nobody practises a quality practice)
NO_FLAGS = _read_only(np.zeros(0, dtype=bool))

#: no local plant buying (most districts, most months): one shared, read-only instance
NO_BUYERS = Buyers(_read_only(np.zeros(0)), _read_only(np.zeros(0)), ())


@dataclass(frozen=True)
class Grading:
    """A crop's quality practice in one district this month, as :func:`sell_harvest` takes it.

    Attributes:
        practising: households using the practice this month (mask over the district's
            households).
        grades: the buyers that grade (mask over the plants of :class:`Buyers`).
        premium_share: what a grading buyer pays above its offer for a kg of a practising
            household's lot (share of the offer).
        yield_loss_share: harvest the practice costs (kg per kg of ordinary harvest).
        cost_idr_per_kg: extra farm cost per kg sold by a practising household (IDR/kg).
    """

    practising: np.ndarray
    grades: np.ndarray
    premium_share: float
    yield_loss_share: float
    cost_idr_per_kg: float


@dataclass(frozen=True)
class Sale:
    """What one district's farms sold of one commodity in a month (real kg and IDR).

    Attributes:
        harvest_kg: the harvest sold (all of it).
        farm_revenue_idr: what the farms received from every buyer.
        member_kg: bought by each plant from its cooperative's members, first.
        queue_kg: bought by each plant from the selling queue, after.
        trader_kg: bought by traders, who take it out of the district raw.
        collective_idr: paid to collective sellers above the trader price.
        trader_price_idr, reference_idr_per_kg, export_tax_rate: the prices of the sale.
        graded_kg: of what each plant bought, the kg of practising households' lots it
            graded (members and queue); ``None`` when the sale had no :class:`Grading`.
        premium_idr: what each plant paid above its offer for those kg (IDR); ``None`` as
            ``graded_kg``.
    """

    harvest_kg: float
    farm_revenue_idr: float
    member_kg: np.ndarray
    queue_kg: np.ndarray
    trader_kg: float
    collective_idr: float
    trader_price_idr: float
    reference_idr_per_kg: float
    export_tax_rate: float
    graded_kg: np.ndarray | None = None
    premium_idr: np.ndarray | None = None

    @property
    def paid_by_traders_idr(self) -> float:
        """What traders paid: ``trader_kg x trader price + collective_idr`` (IDR)."""
        return self.trader_kg * self.trader_price_idr + self.collective_idr

    @property
    def export_tax_idr(self) -> float:
        """The tax on what traders take out: ``trader_kg x reference x rate`` (IDR)."""
        return self.trader_kg * self.reference_idr_per_kg * self.export_tax_rate


def sell_harvest(
    harvest_kg: np.ndarray,
    weight: np.ndarray,
    queue: np.ndarray,
    queue_offset: int,
    buyers: Buyers,
    trader_price_idr: float,
    reference_idr_per_kg: float,
    export_tax_rate: float,
    collective: Sequence[tuple[np.ndarray, float]],
    farm_cost_share: float,
    farm_revenue_idr: np.ndarray,
    farm_inputs_idr: np.ndarray,
    tied: np.ndarray | None = None,
    grading: Grading | None = None,
) -> Sale:
    """One district's harvest of one commodity sold to the best local buyer with room.

    Cooperative members sell to their cooperative first (in household order, up to its
    room); then every remaining lot queues, in ``queue`` order starting at ``queue_offset``,
    to the plants with room left that buy from anyone (not ``member_only``) in order of their
    offers (highest first, then plant order),
    and what is left goes to traders at ``trader_price_idr``. Members of a collective-selling
    group (``collective``: a mask over the district's households and the group's margin) get
    ``trader_price(reference, margin, rate)`` for what they sell to traders, when that is
    more. Adds each household's revenue (IDR per simulated household) to
    ``farm_revenue_idr`` and ``farm_cost_share`` of it to ``farm_inputs_idr``.

    Args:
        harvest_kg, weight: the district's households' harvest (kg per simulated household)
            and weights.
        queue: positions in the district in the fixed market order.
        farm_revenue_idr, farm_inputs_idr: the district's households' accumulators (updated).
        tied: households that sell to their trader only (a mask over the district's
            households; ``None``: nobody is tied). Their lots go to traders, whoever else buys.
        grading: the crop's quality practice this month (``None``: no practice, every kg
            alike; the sale is then exactly the plain one). Practising households' harvest
            falls by ``yield_loss_share`` first (in ``harvest_kg``: a harvest that never
            exists), ``cost_idr_per_kg`` per kg they sell is added to ``farm_inputs_idr``, and
            grading plants pay ``premium_share`` above their offer for their lots.
    """
    if grading is not None:
        practising = grading.practising
        harvest_kg[practising] *= 1.0 - grading.yield_loss_share
        farm_inputs_idr += np.where(practising, harvest_kg * grading.cost_idr_per_kg, 0.0)
    sold_kg = wsum(weight, harvest_kg)  # summed the same way whoever buys
    member_kg = np.zeros(buyers.n)
    queue_kg = np.zeros(buyers.n)
    if buyers.n == 0 and not collective:  # every lot goes to the traders, in one pass
        kg, paid = kernels.sell_to_traders(
            harvest_kg, weight, trader_price_idr, farm_cost_share, farm_revenue_idr, farm_inputs_idr
        )
        return Sale(
            sold_kg,
            paid,
            member_kg,
            queue_kg,
            kg,
            0.0,
            trader_price_idr,
            reference_idr_per_kg,
            export_tax_rate,
        )
    lots = harvest_kg * weight  # real kg
    tied_lots = None
    if tied is not None and tied.any():
        tied_lots = np.where(tied, lots, 0.0)
        lots = lots - tied_lots
    if not lots.any() and tied_lots is None:
        prices = (trader_price_idr, reference_idr_per_kg, export_tax_rate)
        return Sale(sold_kg, 0.0, member_kg, queue_kg, 0.0, 0.0, *prices)
    revenue = np.zeros(lots.size)  # real IDR
    graded = _Graded(buyers.n) if grading is not None else None
    for b, members in enumerate(buyers.members):
        if members is None:
            continue
        offer, room_b = buyers.offer_idr_per_kg[b], buyers.room_kg[b]
        grades = graded is not None and grading.grades[b]
        member_kg[b], graded_kg, extra = kernels.take_in_order(
            lots,
            members,
            room_b,
            offer,
            revenue,
            grading.practising if grades else NO_FLAGS,
            grading.premium_share if grades else 0.0,
        )
        if grades:
            graded.kg[b], graded.premium_idr[b] = graded_kg, extra
    room = buyers.room_kg - member_kg
    if buyers.member_only is not None:
        room[buyers.member_only] = 0.0
    open_ = sorted(
        (b for b in range(buyers.n) if room[b] > 0),
        key=lambda b: (-buyers.offer_idr_per_kg[b], b),
    )
    trader_lot = np.zeros(lots.size)
    bought = np.zeros(len(open_))
    market = (lots, queue, queue_offset, room[open_], buyers.offer_idr_per_kg[open_])
    graded_bought, premium_paid = np.zeros(len(open_)), np.zeros(len(open_))
    trader_kg = kernels.sell_in_queue(
        *market,
        trader_price_idr,
        revenue,
        trader_lot,
        bought,
        NO_FLAGS if graded is None else grading.practising,
        NO_FLAGS if graded is None else grading.grades[open_],
        0.0 if graded is None else grading.premium_share,
        graded_bought,
        premium_paid,
    )
    if graded is not None:
        graded.kg[open_] += graded_bought
        graded.premium_idr[open_] += premium_paid
    queue_kg[open_] = bought
    if tied_lots is not None:  # the tied sell to their trader
        trader_lot += tied_lots
        trader_kg += float(tied_lots.sum())
        revenue += tied_lots * trader_price_idr
    collective_idr = 0.0
    for members, margin in collective:
        price = trader_price(reference_idr_per_kg, margin, export_tax_rate)
        extra = np.where(members, trader_lot, 0.0) * max(0.0, price - trader_price_idr)
        revenue += extra
        collective_idr += float(extra.sum())
    per_household = revenue / weight
    farm_revenue_idr += per_household
    farm_inputs_idr += per_household * farm_cost_share
    return Sale(
        sold_kg,
        float(revenue.sum()),
        member_kg,
        queue_kg,
        trader_kg,
        collective_idr,
        trader_price_idr,
        reference_idr_per_kg,
        export_tax_rate,
        None if graded is None else graded.kg,
        None if graded is None else graded.premium_idr,
    )


class _Graded:
    """What each plant bought graded in a sale: kg and the premium paid (IDR)."""

    def __init__(self, n_plants: int):
        self.kg = np.zeros(n_plants)
        self.premium_idr = np.zeros(n_plants)


def top_up_kg(
    staffed_kg: float, stock_kg: float, bought_kg: float, unit_margin_at_reference: float
) -> float:
    """Input a plant buys from outside the district after farmers sold (kg).

    A plant still short of what its workers can process this month (``staffed_kg`` less
    its stock and what it bought from farmers) buys the rest at the reference price, when
    its unit margin at that price is positive.
    """
    if unit_margin_at_reference <= 0:
        return 0.0
    return max(0.0, staffed_kg - (stock_kg + bought_kg))


def growers_to_free(
    tied: np.ndarray,
    queue: np.ndarray,
    expected_kg: np.ndarray,
    weight: np.ndarray,
    gap_kg: float,
    saving_idr_per_kg: float,
    buyout_idr: float,
    payback_months: float,
) -> np.ndarray:
    """Tied growers a plant frees by settling their debt to the trader (positions in the
    district, in ``queue`` order).

    A tied grower is worth freeing when the plant's saving on its expected monthly harvest
    (``expected_kg``, kg per simulated household) over ``payback_months`` repays the debt:
    ``saving x expected kg x payback >= buyout``. Such growers are taken in ``queue`` order
    while the expected harvest freed (``weight x expected kg``, real kg a month) stays within
    half a household's of ``gap_kg``, the monthly input the plant lacks, rounding as hiring
    does (:func:`~valuechain.model.kernels.hire_in_queue`).
    """
    if gap_kg <= 0 or saving_idr_per_kg <= 0:
        return queue[:0]
    candidates = queue[tied[queue]]
    kg = expected_kg[candidates]
    candidates = candidates[saving_idr_per_kg * kg * payback_months >= buyout_idr]
    real = weight[candidates] * expected_kg[candidates]
    # the nearest whole household: take one more while (done + x) - x / 2 < gap
    take = int(np.searchsorted(np.cumsum(real) - 0.5 * real >= gap_kg, True))
    return candidates[:take]


def displaced_kg(capacity_share: float, left_raw_kg: float, bought_kg: float) -> float:
    """Input plants elsewhere lose to local plants this month (kg of the farm stage).

    Without the local plants' purchases ``X`` (from farms and from outside), ``S = left raw +
    X`` would have left for plants elsewhere. They work through the year on what reaches
    them and have room for ``C = capacity_share x S``; they process ``min(C, S)`` without the
    local plants and ``min(C, S - X)`` with them, and lose the difference: everything the
    local plants buy when they have room for it all (``capacity_share >= 1``: their capacity
    idles, as crumb-rubber plants' does), only what cuts into their own input when they are
    full and the rest is sold unprocessed anyway.
    """
    supply = left_raw_kg + bought_kg
    room = capacity_share * supply
    return min(room, supply) - min(room, left_raw_kg)
