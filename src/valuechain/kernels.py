"""Compiled household kernels: the loops over households of the monthly step, fused.

Each kernel is one pass (or two) over the households of a district, compiled by numba on
first use and cached on disk (``__pycache__``), so a new process loads it in milliseconds.
A kernel takes arrays and numbers and never the model; it writes its results into arrays it
is given or returns numbers. The arithmetic is that of the equations in ``docs/ODD.md``
section 7, in the same order as the plain formulas it replaced, so results agree with the
per-agent reference (``benchmarks/mesa_reference.py``) household by household; the tests
check each kernel against a plain numpy statement of the same equation
(:func:`valuechain.metrics.fgt`, :func:`valuechain.metrics.weighted_gini`, hand-computed
numbers).

Why compiled: a month of 10,000 households is some thirty array operations; as numpy calls
each makes a pass over memory and pays a call overhead, and together they cost several
times what one fused loop does (``benchmarks/README.md``).
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = [
    "HOUSEHOLD_FLOWS",
    "SUMS",
    "argsort",
    "binomial_by_inversion",
    "budget_month",
    "dot",
    "gather",
    "gini",
    "harvest_month",
    "hire_in_queue",
    "indicator_sums",
    "sell_in_queue",
    "separate",
    "sort_keys",
    "take_in_order",
    "targeting_errors",
    "work_month",
]

_jit = numba.njit(cache=True, nogil=True)

#: The ledger's household flows, one row each of its (flow x household) table
#: (:class:`valuechain.accounts.Ledger`); :func:`budget_month` reads and writes them by row.
HOUSEHOLD_FLOWS = (
    "farm_wage_earned",  # hired farm work, received
    "farm_wage_paid",  # hired farm work, paid by farmers
    "farm_inputs",  # purchased farm inputs (leave the district)
    "informal",  # informal earnings
    "wages",  # processing wages
    "dividends",  # cooperative dividends
    "transfers",  # social transfers
    "other",  # other income (small trade, remittances)
    "health_cost",  # out-of-pocket health spending
    "interest",  # interest on debt (leaves the district)
    "credit",  # programme loans: disbursements in, instalments out (cash, not income)
    "credit_returns",  # earnings of activities financed by programme loans (income)
)
_ROW = {name: i for i, name in enumerate(HOUSEHOLD_FLOWS)}
_EARNED, _PAID, _INPUTS = _ROW["farm_wage_earned"], _ROW["farm_wage_paid"], _ROW["farm_inputs"]
_INFORMAL, _WAGES, _DIVIDENDS = _ROW["informal"], _ROW["wages"], _ROW["dividends"]
_TRANSFERS, _OTHER, _HEALTH = _ROW["transfers"], _ROW["other"], _ROW["health_cost"]
_INTEREST, _CREDIT, _RETURNS = _ROW["interest"], _ROW["credit"], _ROW["credit_returns"]


# ---------------------------------------------------------------------------- production
@_jit
def harvest_month(
    land_ha: np.ndarray, z: np.ndarray, scale: float, sd: float, out: np.ndarray
) -> float:
    """Harvest (kg) = land x scale x exp(sd z - sd^2 / 2), into ``out``; returns the total
    of ``out`` (unweighted). ``scale`` = annual yield x season share x weather (kg/ha)."""
    half = 0.5 * sd * sd
    total = 0.0
    for i in range(land_ha.size):
        a = land_ha[i]
        if a > 0.0:
            v = a * scale * math.exp(sd * z[i] - half)
        else:
            v = 0.0
        out[i] = v
        total += v
    return total


# ---------------------------------------------------------------------------- labour
@_jit
def work_month(
    n_adults: np.ndarray,
    job_firm: np.ndarray,
    weight: np.ndarray,
    u: np.ndarray,
    demand_worker_months: float,
    p_informal: float,
    farm_wage: float,
    informal_income: float,
    farm_earnings: np.ndarray,
    informal_earnings: np.ndarray,
) -> tuple[float, float, float]:
    """Hired farm work shared pro rata, then informal work (ODD 7.3).

    Free workers ``F = adults - [has a processing job]``; farm work per free worker
    ``f = min(1, D / S)`` with ``S`` the weighted sum of ``F``; informal workers
    ``k = floor(F p + u)``; farm earnings ``f F wage``; informal earnings
    ``k (1 - f) income``; idle ``(F - k)(1 - f)`` worker-months. Writes the earnings and
    returns (share of demand filled, real farm worker-months, real idle worker-months).
    """
    n = n_adults.size
    supply = 0.0
    for i in range(n):
        free = n_adults[i] - (1 if job_firm[i] >= 0 else 0)
        supply += weight[i] * free
    f = min(1.0, demand_worker_months / supply) if supply > 0 else 0.0
    filled = min(1.0, supply / demand_worker_months) if demand_worker_months > 0 else 1.0
    rest = 1.0 - f
    idle = 0.0
    for i in range(n):
        free = float(n_adults[i] - (1 if job_firm[i] >= 0 else 0))
        k = math.floor(free * p_informal + u[i])
        farm_earnings[i] = f * free * farm_wage
        informal_earnings[i] = k * rest * informal_income
        idle += weight[i] * ((free - k) * rest)
    return filled, f * supply, idle


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
) -> float:
    """Sell lots in queue order to buyers with limited capacity, the rest to the trader.

    Lots are taken in the order ``queue[offset], queue[offset + 1], ...`` (wrapping
    around); buyer 0 takes the first ``capacity[0]`` kg, buyer 1 the next, and so on, each
    at its ``price``; a lot that straddles two buyers is split; what no buyer has room for
    goes to the trader at ``trader_price``. Adds each lot's proceeds to ``revenue``, writes
    the kg each lot sold to the trader into ``trader_lot``, adds each buyer's kg to
    ``bought``, and returns the trader's kg.
    """
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
            proceeds += take * price[b]
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
def take_in_order(
    lots: np.ndarray, positions: np.ndarray, room: float, price: float, revenue: np.ndarray
) -> float:
    """A buyer with ``room`` kg takes the lots at ``positions``, in that order, at ``price``:
    each whole until the room is used, the last one in part. Lowers ``lots`` by what it
    took, adds the payment to ``revenue``, returns the kg taken."""
    taken = 0.0
    for i in positions:
        if taken >= room:
            break
        take = min(lots[i], room - taken)
        lots[i] -= take
        revenue[i] += take * price
        taken += take
    return taken


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
) -> float:
    """Fill ``need`` workers from the queue (household indices, best priority first).

    A candidate has no processing job, skill at least ``skill_required``, a working-age
    adult and is not barred (``barred[q - start]``: left a job this month). Candidates are taken in order while
    the filled amount stays within half a weight of ``need`` (rounding to the nearest
    simulated household); each one taken gets ``job_firm = firm``. Returns the weight hired.
    """
    hired = 0.0
    for q in queue:
        if job_firm[q] >= 0 or skill[q] < skill_required or n_adults[q] <= 0 or barred[q - start]:
            continue
        w = weight[q]
        if (hired + w) - 0.5 * w >= need:
            break
        hired += w
        job_firm[q] = firm
    return hired


# ---------------------------------------------------------------------------- budgets
@_jit
def budget_month(
    flows: np.ndarray,
    farm_revenue: np.ndarray,
    other_median: np.ndarray,
    z_income: np.ndarray,
    other_sd: float,
    health_u: np.ndarray,
    p_shock: float,
    insured: np.ndarray,
    subsidised: np.ndarray,
    health_cost: float,
    lost_work_share: float,
    savings: np.ndarray,
    permanent: np.ndarray,
    consumption: np.ndarray,
    income: np.ndarray,
    size: np.ndarray,
    params: np.ndarray,
    extreme_line: float,
    is_poor: np.ndarray,
    was_poor: np.ndarray,
    months_out: np.ndarray,
    first_month: bool,
) -> None:
    """One month of household budgets (ODD 7.7), in place, for one district.

    ``flows`` is the ledger's (flow x household) block of the district, rows in the order
    of :data:`HOUSEHOLD_FLOWS`; this kernel writes ``other``,
    ``health_cost`` and ``interest`` and scales ``informal``. ``params`` holds the
    consumption rule: mpc, buffer months, borrowing months, debt interest, income weight.

    - other income = median x exp(sd z - sd^2 / 2); a health shock (``u < p``) costs
      ``health_cost`` unless insured or covered by a subsidised programme, and takes ``lost_work_share`` of informal and other
      income;
    - net income = farm sales - inputs - hired farm labour + farm wages + processing wages
      + informal + other + transfers + dividends + credit returns;
    - consumption by :func:`consume_one` with spending = health cost - credit;
    - extreme poor when consumption / size < the line; spells of months out counted.
    """
    mpc, buffer_months, borrowing_months = params[0], params[1], params[2]
    debt_interest, income_weight = params[3], params[4]
    half = 0.5 * other_sd * other_sd
    for i in range(size.size):
        other = other_median[i] * math.exp(other_sd * z_income[i] - half)
        informal = flows[_INFORMAL, i]
        cost = 0.0
        if health_u[i] < p_shock:
            if not (insured[i] or subsidised[i]):
                cost = health_cost
            keep = 1.0 - lost_work_share
            informal *= keep
            other *= keep
        flows[_INFORMAL, i] = informal
        flows[_OTHER, i] = other
        flows[_HEALTH, i] = cost
        y = (
            farm_revenue[i]
            - flows[_INPUTS, i]
            - flows[_PAID, i]
            + flows[_EARNED, i]
            + flows[_WAGES, i]
            + informal
            + other
            + flows[_TRANSFERS, i]
            + flows[_DIVIDENDS, i]
            + flows[_RETURNS, i]
        )
        c, s, p, r = consume_one(
            y,
            cost - flows[_CREDIT, i],
            savings[i],
            permanent[i],
            mpc,
            buffer_months,
            borrowing_months,
            debt_interest,
            income_weight,
        )
        flows[_INTEREST, i] = r
        income[i] = y
        consumption[i] = c
        savings[i] = s
        permanent[i] = p
        now = c / size[i] < extreme_line
        was_poor[i] = now if first_month else is_poor[i]
        is_poor[i] = now
        months_out[i] = 0 if now else months_out[i] + 1


@_jit
def consume_one(
    income: float,
    spending: float,
    savings: float,
    permanent: float,
    mpc: float,
    buffer_months: float,
    borrowing_months: float,
    debt_interest: float,
    income_weight: float,
) -> tuple[float, float, float, float]:
    """The buffer-stock rule for one household: (consumption, savings, permanent income,
    interest). See :func:`valuechain.households.budget.consume` for the equations."""
    perm = (1.0 - income_weight) * permanent + income_weight * income
    interest = debt_interest * max(-savings, 0.0)
    cash = savings + income - spending - interest
    target = perm * (1.0 + buffer_months)
    wanted = perm + mpc * (cash - target)
    ceiling = max(cash + borrowing_months * max(perm, 0.0), 0.0)
    c = min(max(wanted, 0.0), ceiling)
    return c, cash - c, perm, interest


@_jit
def consume_array(
    income: np.ndarray,
    spending: np.ndarray,
    savings: np.ndarray,
    permanent: np.ndarray,
    params: np.ndarray,
    out: np.ndarray,
) -> None:
    """:func:`consume_one` over arrays; ``out`` rows: consumption, savings, permanent
    income, interest."""
    for i in range(income.size):
        c, s, p, r = consume_one(
            income[i],
            spending[i],
            savings[i],
            permanent[i],
            params[0],
            params[1],
            params[2],
            params[3],
            params[4],
        )
        out[0, i] = c
        out[1, i] = s
        out[2, i] = p
        out[3, i] = r


# ---------------------------------------------------------------------------- indicators
@_jit
def _f(flag: bool) -> float:
    """A flag as 0.0 or 1.0 (sums of ``weight x flag`` compile without branches)."""
    return np.float64(flag)


#: the weighted sums :func:`indicator_sums` returns, in order (persons or households)
SUMS = (
    "persons",
    "poor190",
    "gap190",
    "sev190",
    "poor215",
    "poor_nat",
    "consumption",
    "exits",
    "entries",
    "sustained_exits",
    "processing_jobs",
    "processing_jobs_poor",
    "labour_force",
    "transfer_recipients",
    "registered_households",
    "households",
    "persons_elderly_disabled",
    "poor190_elderly_disabled",
    "cooperative_members",
)


@_jit
def indicator_sums(
    pc: np.ndarray,
    persons: np.ndarray,
    weight: np.ndarray,
    lines: np.ndarray,
    is_poor: np.ndarray,
    was_poor: np.ndarray,
    poor_at_start_190: np.ndarray,
    months_out: np.ndarray,
    sustained_months: int,
    job_firm: np.ndarray,
    poor_at_start: np.ndarray,
    n_adults: np.ndarray,
    transfers: np.ndarray,
    registered: np.ndarray,
    n_elderly: np.ndarray,
    n_disabled: np.ndarray,
    coop: np.ndarray,
    group: np.ndarray,
) -> np.ndarray:
    """Every weighted sum the indicators need, in one pass (names in :data:`SUMS`).

    ``persons`` = weight x size. With ``y`` (``pc``) consumption per person and the lines ``z`` (USD 1.90,
    USD 2.15, national): poor persons below each line; at USD 1.90 also the FGT sums
    ``sum p (1 - y/z)`` and ``sum p (1 - y/z)^2``. Exits: poor last month, not now; entries
    the reverse; sustained exits: poor in the first month and out at least
    ``sustained_months``. Cooperative members: in a processing cooperative (``coop >= 0``)
    or in a selling group (``group``; empty when there is none).
    """
    # three passes with few running sums each: one pass with all nineteen spills them
    # out of the registers and is slower than three; flags become 0.0 / 1.0 factors
    z190, z215, znat = lines[0], lines[1], lines[2]
    total_p = poor190 = gap190 = sev190 = poor215 = poor_nat = total_y = 0.0
    n = pc.size
    for i in range(n):
        p = persons[i]
        y = pc[i]
        below = p * _f(y < z190)
        g = 1.0 - y / z190
        total_p += p
        poor190 += below
        gap190 += below * g
        sev190 += below * g * g
        poor215 += p * _f(y < z215)
        poor_nat += p * _f(y < znat)
        total_y += p * y
    exits = entries = sustained = persons_ed = poor_ed = 0.0
    for i in range(n):
        p = persons[i]
        now = _f(is_poor[i])
        was = _f(was_poor[i])
        exits += p * (was * (1.0 - now))
        entries += p * (now * (1.0 - was))
        sustained += p * _f(poor_at_start_190[i] & (months_out[i] >= sustained_months))
        ed = p * _f(n_elderly[i] + n_disabled[i] > 0)
        persons_ed += ed
        poor_ed += ed * now
    jobs = jobs_poor = labour = recipients = registry = households = members = 0.0
    grouped = group.size > 0
    for i in range(n):
        w = weight[i]
        employed = _f(job_firm[i] >= 0)
        jobs += w * employed
        jobs_poor += w * (employed * _f(poor_at_start[i]))
        labour += w * n_adults[i]
        recipients += w * _f(transfers[i] > 0.0)
        registry += w * _f(registered[i])
        households += w
        members += w * _f(coop[i] >= 0 or (grouped and group[i]))
    return np.array(
        [
            total_p, poor190, gap190, sev190, poor215, poor_nat, total_y, exits, entries,
            sustained, jobs, jobs_poor, labour, recipients, registry, households, persons_ed,
            poor_ed, members,
        ]
    )


@_jit
def _ordered_bits(bits: np.int64) -> np.int64:
    """A float64's bit pattern (read as int64) turned into an int64 that orders like the
    float: negative floats have every bit but the sign flipped."""
    return bits ^ ((bits >> 63) & 0x7FFFFFFFFFFFFFFF)


@_jit
def dot(w: np.ndarray, x: np.ndarray) -> float:
    """``sum(w * x)`` with four partial sums in a fixed order: the same bits on every
    machine (a BLAS dot product's order depends on the CPU), and fast."""
    n = w.size
    a0 = a1 = a2 = a3 = 0.0
    i = 0
    while i + 4 <= n:
        a0 += w[i] * x[i]
        a1 += w[i + 1] * x[i + 1]
        a2 += w[i + 2] * x[i + 2]
        a3 += w[i + 3] * x[i + 3]
        i += 4
    while i < n:
        a0 += w[i] * x[i]
        i += 1
    return (a0 + a1) + (a2 + a3)


@_jit
def sort_keys(values: np.ndarray, floor: float) -> tuple[np.ndarray, int]:
    """Integer keys that sort like ``max(values, floor)`` and carry each position.

    A float64's bit pattern, read as an int64 (negative ones with their bits flipped),
    compares like the float. The lowest ``b = ceil(log2 n)`` bits of that integer are
    replaced by the position, so sorting the keys (numpy's vectorised integer sort) orders
    the values, equal values by position, and says where each came from. Values closer
    than about 2^(b-52) relative may swap places; no measure here can tell. ``values`` must
    be contiguous and free of NaN. Returns the keys and the position mask.
    """
    n = values.size
    bits = 1
    while (1 << bits) < n:
        bits += 1
    mask = (1 << bits) - 1
    as_int = values.view(np.int64)
    lowest = _ordered_bits(np.array([floor]).view(np.int64)[0])
    keys = np.empty(n, dtype=np.int64)
    for i in range(n):
        keys[i] = (max(_ordered_bits(as_int[i]), lowest) & ~mask) | i
    return keys, mask


def argsort(values: np.ndarray, floor: float = -np.inf) -> np.ndarray:
    """Positions that sort ``max(values, floor)``, equal values in position order (a
    stable argsort, to :func:`sort_keys`'s precision), by one integer sort."""
    keys, mask = sort_keys(np.ascontiguousarray(values, dtype=np.float64), floor)
    keys.sort()
    return keys & mask


@_jit
def gini(sorted_keys: np.ndarray, mask: int, x: np.ndarray, w: np.ndarray) -> float:
    """Gini of ``x`` with weights ``w``, from keys sorted by :func:`sort_keys`:
    ``G = 1 - sum_i w_i (S_{i-1} + S_i) / (W S_n)`` over the sorted values, with ``S`` the
    cumulative sum of ``w x`` (the formula of :func:`valuechain.metrics.weighted_gini`)."""
    cum_w = 0.0
    cum_wx = 0.0
    area = 0.0
    for key in sorted_keys:
        i = key & mask
        prev = cum_wx
        cum_wx += w[i] * x[i]
        cum_w += w[i]
        area += w[i] * (prev + cum_wx)
    if cum_w <= 0.0 or cum_wx <= 0.0:
        return np.nan
    return 1.0 - area / (cum_w * cum_wx)


@_jit
def targeting_errors(
    keys: np.ndarray, threshold: int, registered: np.ndarray, weight: np.ndarray
) -> tuple[float, float]:
    """Exclusion and inclusion errors (ODD 7.6) with the target = households whose key is
    at most ``threshold`` (the k-th smallest key: the k poorest)."""
    in_target = 0.0
    in_registry = 0.0
    missed = 0.0
    leaked = 0.0
    for i in range(keys.size):
        w = weight[i]
        target = keys[i] <= threshold
        if target:
            in_target += w
            if not registered[i]:
                missed += w
        if registered[i]:
            in_registry += w
            if not target:
                leaked += w
    exclusion = missed / in_target if in_target > 0 else 0.0
    inclusion = leaked / in_registry if in_registry > 0 else 0.0
    return exclusion, inclusion


# ---------------------------------------------------------------------------- demography
@_jit
def binomial_by_inversion(n: np.ndarray, p: float, u: np.ndarray) -> np.ndarray:
    """Binomial(n_i, p) draws by inverting the CDF at the uniforms ``u_i``.

    The smallest ``k`` with ``P(X <= k) >= u``: exact in distribution, one uniform per
    household, and monotone in ``u`` and ``n``, so two scenarios with the same draws and
    nearly the same counts get nearly the same outcomes (common random numbers).
    """
    out = np.zeros(n.size, dtype=np.int64)
    if p <= 0.0:
        return out
    if p >= 1.0:
        for i in range(n.size):
            out[i] = n[i]
        return out
    odds = p / (1.0 - p)
    none = np.ones(max(n.max(), 0) + 1 if n.size else 1)  # P(X = 0 | m) = (1 - p)^m
    for m in range(1, none.size):
        none[m] = none[m - 1] * (1.0 - p)
    for i in range(n.size):
        m = n[i]
        pmf = none[m]
        cdf = pmf
        k = 0
        while u[i] > cdf and k < m:
            pmf *= (m - k) / (k + 1.0) * odds
            k += 1
            cdf += pmf
        out[i] = k
    return out
