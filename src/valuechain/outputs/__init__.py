"""Outputs of a run: the indicators a model records every month and how they are summarised.

- :mod:`.metrics`: the indicator registry (name, unit, description) and the run summaries;
- :mod:`.indicators`: the rows a model records each month, and the run summary computed from
  them.
"""
