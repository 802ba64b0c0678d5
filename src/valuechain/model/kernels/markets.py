"""Market kernels: the selling queue, cooperative intake, separations and hiring."""

from __future__ import annotations

import numpy as np

from valuechain.model.kernels._jit import jit as _jit

__all__ = [
    "gather",
    "gather_wages",
    "hire_in_queue",
    "lay_off_in_queue",
    "promote_second_jobs",
    "sell_in_queue",
    "sell_to_traders",
    "separate",
    "take_in_order",
]


# ---------------------------------------------------------------------------- markets
@_jit
def sell_in_queue(
    lots: np.ndarray,
    queue: np.ndarray,
    offset: int,
    capacity: np.ndarray,
    price: np.ndarray,
    trader_price: float,
    revenue: np.ndarray,
    trader_lot: np.ndarray,
    bought: np.ndarray,
    graded: np.ndarray,
    grades: np.ndarray,
    premium_share: float,
    graded_bought: np.ndarray,
    premium_paid: np.ndarray,
) -> float:
    """Sell lots in queue order to buyers with limited capacity, the rest to the trader.

    Lots are taken in the order ``queue[offset], queue[offset + 1], ...`` (wrapping
    around); buyer 0 takes the first ``capacity[0]`` kg, buyer 1 the next, and so on, each
    at its ``price``; a lot that straddles two buyers is split; what no buyer has room for
    goes to the trader at ``trader_price``. Adds each lot's proceeds to ``revenue``, writes
    the kg each lot sold to the trader into ``trader_lot``, adds each buyer's kg to
    ``bought``, and returns the trader's kg.

    Grading (ODD 7.5; ``graded`` empty: nobody grades): a buyer that grades (``grades[b]``)
    pays ``premium_share x price[b]`` more for each kg of a graded lot (``graded[i]``), adds
    that kg to ``graded_bought[b]`` and the extra it paid to ``premium_paid[b]``; the trader
    pays no premium.
    """
    grading = graded.size > 0
    n = queue.size
    nb = capacity.size
    b = 0
    room = capacity[0] if nb > 0 else 0.0
    trader_kg = 0.0
    for step in range(n):
        i = queue[(offset + step) % n]
        left = lots[i]
        proceeds = 0.0
        while left > 0.0 and b < nb:
            take = min(left, room)
            pay = take * price[b]
            if grading and graded[i] and grades[b]:
                extra = pay * premium_share
                pay += extra
                premium_paid[b] += extra
                graded_bought[b] += take
            proceeds += pay
            bought[b] += take
            left -= take
            room -= take
            if room <= 0.0:
                b += 1
                if b < nb:
                    room = capacity[b]
        revenue[i] += proceeds + left * trader_price
        trader_lot[i] = left
        trader_kg += left
    return trader_kg


@_jit
def sell_to_traders(
    harvest_kg: np.ndarray,
    weight: np.ndarray,
    price: float,
    cost_share: float,
    farm_revenue: np.ndarray,
    farm_inputs: np.ndarray,
) -> tuple[float, float]:
    """Every lot to the traders at ``price``: each household's revenue ``r = h w p`` (real
    IDR) adds ``r / w`` to its farm revenue and ``r / w x cost_share`` to its input costs
    (per simulated household, as the queue's booking does). Returns the real kg and IDR."""
    kg = 0.0
    paid = 0.0
    for i in range(harvest_kg.size):
        lot = harvest_kg[i] * weight[i]
        revenue = lot * price
        per_household = revenue / weight[i]
        farm_revenue[i] += per_household
        farm_inputs[i] += per_household * cost_share
        kg += lot
        paid += revenue
    return kg, paid


@_jit
def take_in_order(
    lots: np.ndarray,
    positions: np.ndarray,
    room: float,
    price: float,
    revenue: np.ndarray,
    graded: np.ndarray,
    premium_share: float,
) -> tuple[float, float, float]:
    """A buyer with ``room`` kg takes the lots at ``positions``, in that order, at ``price``:
    each whole until the room is used, the last one in part. Lowers ``lots`` by what it
    took and adds the payment to ``revenue``. A buyer that grades (``graded`` not empty) pays
    ``premium_share x price`` more for each kg of a graded lot (``graded[i]``). Returns the
    kg taken, the graded kg among them and the extra paid for them (IDR)."""
    grading = graded.size > 0
    taken = 0.0
    graded_kg = 0.0
    extra_paid = 0.0
    for i in positions:
        if taken >= room:
            break
        take = min(lots[i], room - taken)
        lots[i] -= take
        pay = take * price
        if grading and graded[i]:
            extra = pay * premium_share
            pay += extra
            extra_paid += extra
            graded_kg += take
        revenue[i] += pay
        taken += take
    return taken, graded_kg, extra_paid


@_jit
def gather(values: np.ndarray, index: np.ndarray, out: np.ndarray) -> None:
    """``out[i] = values[index[i]]`` (index -1 is the last value)."""
    for i in range(index.size):
        out[i] = values[index[i]]


@_jit
def separate(
    job_firm: np.ndarray,
    u: np.ndarray,
    rate: float,
    weight: np.ndarray,
    left: np.ndarray,
    employed: np.ndarray,
) -> None:
    """Each worker leaves their job when ``u < rate`` (``job_firm`` set to -1, ``left``
    set); ``employed[f]`` adds up the weight of those who stay with firm ``f``."""
    for i in range(job_firm.size):
        f = job_firm[i]
        if f < 0:
            continue
        if u[i] < rate:
            job_firm[i] = -1
            left[i] = True
        else:
            employed[f] += weight[i]


@_jit
def hire_in_queue(
    queue: np.ndarray,
    job_firm: np.ndarray,
    skill: np.ndarray,
    n_adults: np.ndarray,
    barred: np.ndarray,
    start: int,
    weight: np.ndarray,
    firm: int,
    skill_required: int,
    need: float,
    reservation: np.ndarray,
    wage: float,
    job_firm2: np.ndarray,
    second_earners: bool,
) -> float:
    """Fill ``need`` workers from the queue (household indices, best priority first).

    A candidate has skill at least ``skill_required``, a reservation wage no higher than
    ``wage``, is not barred (``barred[q - start]``: left a job this month) and has a free
    working-age adult: with no processing job and an adult, it takes the job
    (``job_firm = firm``); with ``second_earners``, one job (``job_firm2 < 0``) and two
    adults or more, its second earner takes it (``job_firm2 = firm``). Candidates are taken
    in order while the filled amount stays within half a weight of ``need`` (rounding to the
    nearest simulated household). Returns the weight hired.
    """
    hired = 0.0
    for q in queue:
        if skill[q] < skill_required or n_adults[q] <= 0 or barred[q - start]:
            continue
        first = job_firm[q] < 0
        if not first and not (second_earners and job_firm2[q] < 0 and n_adults[q] >= 2):
            continue
        if reservation[q] > wage:
            continue
        w = weight[q]
        if not _nearer_with(hired, w, need):
            break
        hired += w
        if first:
            job_firm[q] = firm
        else:
            job_firm2[q] = firm
    return hired


@_jit
def promote_second_jobs(job_firm: np.ndarray, job_firm2: np.ndarray) -> None:
    """A household whose first job ended while its second earner's goes on: that job becomes
    its first (``job_firm2`` moves to ``job_firm``)."""
    for i in range(job_firm.size):
        if job_firm[i] < 0 and job_firm2[i] >= 0:
            job_firm[i] = job_firm2[i]
            job_firm2[i] = -1


@_jit
def gather_wages(
    wage: np.ndarray, job_firm: np.ndarray, job_firm2: np.ndarray, out: np.ndarray
) -> None:
    """``out[i] = wage[job_firm[i]] + wage[job_firm2[i]]`` (index -1 is the last value, a
    zero wage)."""
    for i in range(job_firm.size):
        out[i] = wage[job_firm[i]] + wage[job_firm2[i]]


@_jit
def lay_off_in_queue(
    queue: np.ndarray, job_firm: np.ndarray, firm: int, weight: np.ndarray, excess: float
) -> float:
    """Let go of ``firm``'s workers, lowest priority first (the queue read backwards), until
    employment has fallen by ``excess``, rounding as :func:`hire_in_queue` does (``inf``:
    everyone). Returns the weight let go."""
    shed = 0.0
    for j in range(queue.size - 1, -1, -1):
        q = queue[j]
        if job_firm[q] != firm:
            continue
        w = weight[q]
        if not _nearer_with(shed, w, excess):
            break
        shed += w
        job_firm[q] = -1
    return shed


@_jit
def _nearer_with(done: float, w: float, goal: float) -> bool:
    """Whether taking one more household of weight ``w`` keeps ``done`` within half a
    weight of ``goal`` (rounding to the nearest whole simulated household)."""
    return (done + w) - 0.5 * w < goal
