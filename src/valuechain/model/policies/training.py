"""Skills training: intake, progress, completion and the skill it adds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import Training
from valuechain.model.kernels import wsum
from valuechain.model.policies.base import Intake, Plan, cost_per_head

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["TrainingRun"]


class TrainingRun(Intake):
    """Skills training: a monthly intake, courses of fixed length, completion, skill gain.

    Intake per district: ``floor(seats / weight + u)`` households (one trainee each), drawn
    at random among eligible households (a working-age adult, no processing job, not in
    training, skill below the maximum; registered if ``registered_only``). A trainee
    completes with ``p_complete`` when the course ends and the household's skill rises by
    ``skill_gain`` (capped), which moves it up the hiring queue for processing jobs.
    """

    spec: Training
    process = "training"

    def __init__(self, name: str, spec: Training, model: ValueChainModel):
        super().__init__(name, spec, model)
        self.months_left = np.zeros(model.households.n, dtype=np.int16)
        self.new_completions = np.zeros(len(model.district_names))  # persons, this month

    def advance(self, model: ValueChainModel) -> None:
        """Courses run on; those ending complete with ``p_complete`` and add skill."""
        hh = model.households
        self.new_completions[:] = 0.0
        ongoing = self.months_left > 0
        if not ongoing.any():
            return
        self.months_left[ongoing] -= 1
        changed = False
        for k, s in enumerate(hh.district_slices):
            ends = ongoing[s] & (self.months_left[s] == 0)
            u = self.stream(model, k).random(s.stop - s.start)
            done = ends & (u < self.spec.p_complete)
            hh.in_training[s] &= ~ends
            if done.any():
                gained = np.minimum(hh.skill[s] + self.spec.skill_gain, self.spec.max_skill)
                gain = np.where(done, gained - hh.skill[s], 0)
                hh.skill[s] += gain.astype(hh.skill.dtype)
                hh.labour_priority[s] += gain
                hh.trained[s] |= done
                self.new_completions[k] = wsum(hh.weight[s], done)
                changed = True
        if changed:
            hh.refresh_labour_queue()

    def plan(self, model: ValueChainModel) -> Plan:
        """This month's trainees (household indices by district) and their course cost."""
        chosen = self.draw_intake(model, self.spec.seats_per_month)
        return Plan(cost_per_head(model, chosen, self.spec.cost_per_trainee_idr), chosen)

    def qualifies(self, model: ValueChainModel, s: slice) -> np.ndarray:
        """A working-age adult, no processing job, not in training, skill below the cap."""
        hh = model.households
        qualified = (hh.n_adults[s] > 0) & (hh.job_firm[s] < 0) & ~hh.in_training[s]
        qualified &= hh.skill[s] < self.spec.max_skill
        return qualified

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """The new trainees start their course."""
        hh = model.households
        for idx in plan.delivery.values():
            self.months_left[idx] = self.spec.duration_months
            hh.in_training[idx] = True

    def trainees(self, model: ValueChainModel, k: int) -> float:
        """Persons in this programme's courses in district ``k`` (real persons)."""
        s = model.households.district_slices[k]
        return wsum(model.households.weight[s], self.months_left[s] > 0)

    def completions(self, model: ValueChainModel, k: int) -> float:
        """Trainees completing a course this month in district ``k`` (real persons)."""
        return self.new_completions[k]
