"""The model: one district economy stepped month by month.

- :mod:`.model`: :class:`~.model.ValueChainModel`, the schedule (the numbered phases) and glue;
- :mod:`.households`: households as numpy arrays (state, initialisation, work, budgets,
  demography);
- :mod:`.firms`: processors and cooperatives (Mesa agents; margins and entry as functions);
- :mod:`.prices`: the reference-price process;
- :mod:`.trade`: the trader price, the export tax and farms selling their harvest;
- :mod:`.policies`: the programmes at run time and the targeting registry;
- :mod:`.accounts`: the ledger (the month's flows and the two-sided books);
- :mod:`.conditions`: the month's draws and trader prices;
- :mod:`.rng`: named random streams;
- :mod:`.kernels`: compiled loops over households (numba).

``ValueChainModel`` is imported on first use, so that reading a scenario never imports Mesa.
"""

__all__ = ["ValueChainModel"]


def __getattr__(name: str):
    if name == "ValueChainModel":
        from valuechain.model.model import ValueChainModel

        return ValueChainModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
