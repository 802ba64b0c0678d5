"""What every programme shares at run time: lifecycle, enrolment, intake, budgets, hooks.

Every programme has the same small lifecycle, called in phase 7 of the schedule:

- ``revise_registry(model)``: before the registry certifies (a registry update re-enumerates
  and asks for a certification; the others do nothing);
- ``registry_certified(model, k)``: after district ``k``'s registry was certified (a
  programme enrolling from the registry draws its own list noise);
- ``advance(model)``: carry on what it started earlier (trainees progress, loans are
  repaid, villages select), every month;
- ``act(model)``: when active, decide this month's entitlements and their cost by district
  (``plan``, which returns a :class:`Plan`), stop for good if that would exceed the budget
  (the month it stops is reported), otherwise hand them out (``deliver``) and book the cost
  in ``month_cost``. A programme ``since_before_start`` also acts in the spin-up, where
  nothing is booked against its budget or reported.

Programmes that keep a list of enrolled households (:class:`Listing`) enrol the ``quota_share
x households`` best-ranked eligible households of each district; the list is cached and
recomputed only when its ranking was drawn again (a certification, a village selection), when
members changed (the yearly ageing) or when a list it excludes changed.

Everything else a programme offers is a hook declared on :class:`ProgrammeRun` with a
neutral default, which the programmes concerned override; callers call the hooks and never
probe for attributes, so a renamed hook fails loudly instead of reporting zero:

- market hooks: ``export_tax_rate`` (phase 3, trader price), ``collective_margin`` and
  ``outgrowers`` (phase 5, selling), ``education_gain`` (demography, skill at working age);
- reporting hooks (indicators and accounts): ``trainees``, ``completions``, ``borrowers``,
  ``selling_group``, ``net_lending_idr``, ``recipients``.

Hooks only read: called twice they give the same answer and change nothing.

Programmes act on households through the ledger (transfers, loans), the health-cover flag,
skills and what growers know (a quality practice), and on markets only through the market
hooks; they never touch firms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from valuechain.config.programmes import Credit, FromRegistry, Listed, Programme, Training
from valuechain.model.kernels import wsum

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = [
    "Intake",
    "Listing",
    "Plan",
    "ProgrammeRun",
    "RegistryListing",
    "Transfer",
    "composition_epoch",
    "cost_per_head",
    "intake",
    "quota_count",
    "top_k",
]


@dataclass(frozen=True)
class Plan:
    """A programme's decisions for one month, before the budget check.

    Attributes:
        cost_idr: public cost by district, IDR this month.
        delivery: what ``deliver`` hands out in each district, in the programme's own form
            (amounts per household, a mask over the district, or household indices).
    """

    cost_idr: np.ndarray
    delivery: dict[int, np.ndarray]


class ProgrammeRun:
    """A programme in one run: schedule, budget, the month's cost by district, and hooks."""

    transfers = False  # pays households through the ledger's transfers
    #: The random process this programme draws from (a name in ``rng.STREAMS``); only
    #: programmes that draw set it.
    process: ClassVar[str]

    def __init__(self, name: str, spec: Programme, model: ValueChainModel):
        self.name = name
        self.spec = spec
        chosen = spec.districts
        self.districts = [
            k for k, d in enumerate(model.district_names) if chosen is None or d in chosen
        ]
        self.spent_idr = 0.0
        self.exhausted_month: int | None = None
        self.month_cost = np.zeros(len(model.district_names))
        #: what was handed out this month, by district (the plan's delivery)
        self.delivered: dict[int, np.ndarray] = {}

    def active(self, t: int) -> bool:
        """Enabled, within its months (the spin-up, ``t < 0``, too when it ran before the
        start) and not stopped by its budget."""
        s = self.spec
        if not s.enabled or self.exhausted_month is not None:
            return False
        if t < 0:
            return s.since_before_start
        return s.start_month <= t and (s.end_month is None or t <= s.end_month)

    def revise_registry(self, model: ValueChainModel) -> None:
        """Change the registry before it certifies this month (default: nothing)."""

    def registry_certified(self, model: ValueChainModel, k: int) -> None:
        """District ``k``'s registry was just certified (default: nothing to do)."""

    def advance(self, model: ValueChainModel) -> None:
        """Carry on earlier commitments (default: none)."""

    def affordable(self, cost_idr: float) -> bool:
        """Whether ``cost_idr`` more keeps spending within the budget."""
        budget = self.spec.budget_idr
        return budget is None or self.spent_idr + cost_idr <= budget * (1 + 1e-12)

    def act(self, model: ValueChainModel) -> None:
        """Plan, check the budget, deliver, book (in the spin-up: plan and deliver only)."""
        self.month_cost[:] = 0.0
        self.delivered = {}
        if not self.active(model.t):
            return
        plan = self.plan(model)
        cost = plan.cost_idr
        counted = model.t >= 0  # spin-up spending is neither budgeted nor reported
        if counted and not self.affordable(float(cost.sum())):
            self.exhausted_month = model.t
            return
        self.deliver(model, plan)
        self.delivered = plan.delivery
        if counted:
            self.spent_idr += float(cost.sum())
            self.month_cost[:] = cost

    def plan(self, model: ValueChainModel) -> Plan:  # pragma: no cover - abstract
        """This month's decisions and their cost; draws what is random, so ``act`` calls it
        once a month."""
        raise NotImplementedError

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:  # pragma: no cover
        """Hand out what ``plan`` decided."""
        raise NotImplementedError

    # --------------------------------------------------------------- shared enrolment rules

    def stream(self, model: ValueChainModel, k: int) -> np.random.Generator:
        """This programme's random stream in district ``k``: ``<process>/<name>/<district>``."""
        return model.streams.stream(f"{self.process}/{self.name}/{model.district_names[k]}")

    # --------------------------------------------------------------- market hooks

    def export_tax_rate(self, model: ValueChainModel, k: int, j: int) -> float:
        """Tax on raw exports of commodity ``j`` from district ``k`` (share of the reference
        price); 0 for a programme that levies none."""
        return 0.0

    def collective_margin(
        self, model: ValueChainModel, k: int, j: int
    ) -> tuple[np.ndarray, float] | None:
        """Members selling commodity ``j`` together this month (mask over district ``k``) and
        the margin buyers take from them (share of the reference price); None for a
        programme that runs no selling group there."""
        return None

    def outgrowers(self, model: ValueChainModel, k: int, j: int) -> tuple[int, np.ndarray] | None:
        """A plant of district ``k`` that contracts growers of commodity ``j`` (its index) and
        those growers (mask over the district's households); they sell to it first, as a
        cooperative's members do. None for a programme that contracts no one there."""
        return None

    def education_gain(self, model: ValueChainModel, k: int) -> np.ndarray | int:
        """Skill levels added to young people of district ``k`` who reach working age this
        year (per household of the district, or one number); 0 for a programme that teaches
        no one."""
        return 0

    # --------------------------------------------------------------- reporting hooks
    # The neutral count is the integer 0, as before the hooks existed: a run without a
    # programme that reports it keeps integer columns, bit for bit.

    def trainees(self, model: ValueChainModel, k: int) -> float:
        """Persons on this programme's courses in district ``k`` (real persons)."""
        return 0

    def completions(self, model: ValueChainModel, k: int) -> float:
        """Trainees completing a course this month in district ``k`` (real persons)."""
        return 0

    def borrowers(self, model: ValueChainModel, k: int) -> float:
        """Households with a running loan from this programme in district ``k`` (real
        households)."""
        return 0

    def selling_group(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        """Households of district ``k`` in this programme's collective selling group (mask
        over the district's households, members whether or not the programme is active this
        month); None for a programme that runs no group."""
        return None

    def net_lending_idr(self, model: ValueChainModel, k: int) -> float:
        """Loans disbursed less instalments repaid to this programme in district ``k`` this
        month (IDR): what households received through the ledger's ``credit`` flow."""
        return 0.0

    def recipients(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        """Households of district ``k`` that receive from this programme this month (mask
        over the district's households); None for a programme with no list of recipients
        (a tax, a selling group, training or credit)."""
        return None

    def entitlement_key(self, model: ValueChainModel, k: int) -> tuple | None:
        """What this month's entitlements in district ``k`` depend on, when they can be
        reused while it stays the same; None (the default) to work them out every month."""
        return None


def intake(
    rng: np.random.Generator, eligible: np.ndarray, per_month: float, weight: float
) -> np.ndarray:
    """Positions of this month's intake in a district: ``floor(per_month / weight + u0)``
    simulated households (stochastic rounding of real persons), chosen at random among the
    eligible. The draws (``u0`` and one uniform per household) are taken whatever the
    eligibility, so the stream stays aligned."""
    u0 = float(rng.random())
    u = rng.random(eligible.size)
    n_take = min(int(np.floor(per_month / weight + u0)), int(eligible.sum()))
    if n_take <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.flatnonzero(eligible)
    return candidates[np.argsort(u[candidates], kind="stable")[:n_take]]


def cost_per_head(
    model: ValueChainModel, chosen_by_district: dict[int, np.ndarray], per_head: float
) -> np.ndarray:
    """Cost by district of an intake, ``per_head`` for each real household taken in."""
    cost = np.zeros(len(model.district_names))
    for k, chosen in chosen_by_district.items():
        cost[k] = float(model.households.weight[chosen].sum()) * per_head
    return cost


class Transfer(ProgrammeRun):
    """A programme that pays households: ``entitlement`` per household, IDR/month."""

    transfers = True

    def __init__(self, name: str, spec: Programme, model: ValueChainModel):
        super().__init__(name, spec, model)
        #: per district: (entitlement key, amounts, their cost) of the last month worked out
        self._entitlements: dict[int, tuple] = {}

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:  # pragma: no cover
        """This month's payment to each household of district ``k`` (IDR)."""
        raise NotImplementedError

    def plan(self, model: ValueChainModel) -> Plan:
        """Each covered district's entitlements (IDR per household) and their cost, reused
        from an earlier month while their :meth:`entitlement_key` is unchanged."""
        hh = model.households
        pay = {}
        cost = np.zeros(len(model.district_names))
        for k in self.districts:
            key = self.entitlement_key(model, k)
            cached = self._entitlements.get(k)
            if key is None or cached is None or cached[0] != key:
                amounts = self.entitlement(model, k)
                cached = (key, amounts, wsum(hh.weight[hh.district_slices[k]], amounts))
                self._entitlements[k] = cached
            pay[k], cost[k] = cached[1], cached[2]
        return Plan(cost, pay)

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """Pay the entitlements into the ledger's transfers."""
        hh = model.households
        for k, amounts in plan.delivery.items():
            model.ledger.transfers[hh.district_slices[k]] += amounts

    def recipients(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        """Households of district ``k`` paid this month (entitlement above zero)."""
        paid = self.delivered.get(k)
        if paid is None:
            s = model.households.district_slices[k]
            return np.zeros(s.stop - s.start, dtype=bool)
        return paid > 0


def quota_count(quota_share: float, n: int) -> int:
    """Households a quota of ``quota_share`` takes among ``n``: ``ceil(quota_share x n)``
    (up to rounding of the decimal share)."""
    return max(0, int(np.ceil(quota_share * n - 1e-9)))


def top_k(score: np.ndarray, eligible: np.ndarray, n_take: int) -> np.ndarray:
    """The ``n_take`` eligible households with the lowest ``score`` (mask; every eligible
    one when there are no more), found by partition, not by sorting."""
    who = np.flatnonzero(eligible)
    if who.size <= n_take:
        return eligible.copy()
    chosen = np.zeros(eligible.size, dtype=bool)
    if n_take > 0:
        chosen[who[np.argpartition(score[who], n_take - 1)[:n_take]]] = True
    return chosen


def composition_epoch(model: ValueChainModel) -> int:
    """The year of the last ageing that changed household members (phase 10 of each
    January), as seen in phase 7 of this month; constant without demography."""
    if not model.scenario.demography.enabled:
        return 0
    year, month = (int(x) for x in model.date.split("-"))
    return year - (month == 1)


class Listing(ProgrammeRun):
    """A programme with a list of enrolled households in each district, chosen by quota.

    The list is the ``quota_count(quota_share, households)`` eligible households with the
    lowest ranking score (:func:`top_k`). Eligible: those that ``qualify`` under the
    programme's own rule and are not enrolled in a programme named in ``excluding`` that
    acts this month. The ranking (``ranking[k]``, set by the subclass when it draws it) and
    so the list change rarely: the list is cached and recomputed only when the ranking was
    drawn again, when members changed (:func:`composition_epoch`) or when a list it excludes
    changed or started or stopped acting.
    """

    spec: Listed

    def __init__(self, name: str, spec: Programme, model: ValueChainModel):
        super().__init__(name, spec, model)
        n_k = len(model.district_names)
        #: per district: the score the list ranks by, lowest first (None: not drawn yet)
        self.ranking: list[np.ndarray | None] = [None] * n_k
        self.ranking_draws = [0] * n_k  # times each ranking was drawn
        self.list_version = [0] * n_k  # times each list was recomputed
        self._lists: list[np.ndarray | None] = [None] * n_k
        self._list_keys: list[tuple | None] = [None] * n_k

    def set_ranking(self, k: int, score: np.ndarray) -> None:
        """District ``k``'s ranking was drawn again (its list will be recomputed)."""
        self.ranking[k] = score
        self.ranking_draws[k] += 1

    def qualifies(self, model: ValueChainModel, k: int) -> np.ndarray:  # pragma: no cover
        """The programme's own rule (mask over district ``k``'s households)."""
        raise NotImplementedError

    def excluded(self, model: ValueChainModel) -> list[Listing]:
        """The programmes named in ``excluding``."""
        names = self.spec.excluding
        return [p for p in model.programmes if p.name in names and isinstance(p, Listing)]

    def enrolled(self, model: ValueChainModel, k: int) -> np.ndarray:
        """District ``k``'s list this month (mask over its households; cached)."""
        others = self.excluded(model)
        depends = []
        for o in others:
            o.enrolled(model, k)  # bring its list up to date first
            depends.append((o.name, o.active(model.t), o.list_version[k]))
        key = (self.ranking_draws[k], composition_epoch(model), tuple(depends))
        if key != self._list_keys[k]:
            self._lists[k] = self.compute_list(model, k, others)
            self._list_keys[k] = key
            self.list_version[k] += 1
        return self._lists[k]

    def entitlement_key(self, model: ValueChainModel, k: int) -> tuple | None:
        """A listed programme's entitlements change only with its list and with household
        members (the yearly ageing): the list's version after bringing it up to date, and
        the members' epoch."""
        self.enrolled(model, k)
        return (self.list_version[k], composition_epoch(model))

    def compute_list(self, model: ValueChainModel, k: int, others: list[Listing]) -> np.ndarray:
        """District ``k``'s list computed afresh (``others``: the programmes it excludes)."""
        s = model.households.district_slices[k]
        n = s.stop - s.start
        score = self.ranking[k]
        if score is None:
            return np.zeros(n, dtype=bool)
        eligible = self.qualifies(model, k)
        for o in others:
            if o.active(model.t):
                eligible &= ~o.enrolled(model, k)
        return top_k(score, eligible, quota_count(self.spec.quota_share, n))


class RegistryListing(Listing):
    """A programme that enrols registered households by registry score plus its own list
    noise: ``score + list_noise_sd x z``, ``z`` drawn at each certification of the district
    from ``targeting/<programme>/<district>``."""

    spec: FromRegistry
    process = "targeting"

    def registry_certified(self, model: ValueChainModel, k: int) -> None:
        """Draw this programme's list noise for district ``k``."""
        if k not in self.districts:
            return
        hh = model.households
        s = hh.district_slices[k]
        z = self.stream(model, k).standard_normal(s.stop - s.start)
        self.set_ranking(k, hh.registry_score[s] + self.spec.list_noise_sd * z)

    def rule(self, model: ValueChainModel, s: slice) -> np.ndarray | bool:
        """The programme's own rule over district slice ``s`` (default: none)."""
        return True

    def qualifies(self, model: ValueChainModel, k: int) -> np.ndarray:
        """Registered households of district ``k`` that meet the programme's ``rule``."""
        s = model.households.district_slices[k]
        return model.households.registered[s] & self.rule(model, s)


class Intake(ProgrammeRun):
    """A programme that takes households in at random each month (training seats, loans).

    In each district it covers, ``floor(per_month / weight + u0)`` simulated households are
    drawn among the eligible (see :func:`intake`) from the programme's stream. Eligible are
    the households that ``qualify`` under the programme's own rule, and only registered ones
    when ``registered_only``.
    """

    spec: Training | Credit

    def qualifies(self, model: ValueChainModel, s: slice) -> np.ndarray:  # pragma: no cover
        """The programme's own rule, before the registry (mask over district slice ``s``)."""
        raise NotImplementedError

    def eligible(self, model: ValueChainModel, s: slice) -> np.ndarray:
        """Households of district slice ``s`` that may be taken in this month (mask)."""
        qualified = self.qualifies(model, s)
        if self.spec.registered_only:
            return qualified & model.households.registered[s]
        return qualified

    def draw_intake(self, model: ValueChainModel, per_month: float) -> dict[int, np.ndarray]:
        """This month's intake (household indices) in each district the programme covers;
        ``per_month`` real households. Draws from the programme's stream in each district."""
        hh = model.households
        out = {}
        for k in self.districts:
            s = hh.district_slices[k]
            chosen = s.start + intake(
                self.stream(model, k), self.eligible(model, s), per_month, hh.weight[s.start]
            )
            if chosen.size:
                out[k] = chosen
        return out
