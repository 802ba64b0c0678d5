"""valuechain: an agent-based model of agricultural value chains and extreme poverty.

The package reads as its pipeline: :mod:`valuechain.config` (scenario files) →
:mod:`valuechain.model` (the monthly schedule) → :mod:`valuechain.outputs` (indicators) →
:mod:`valuechain.runs` (replications, statistics, results folders) →
:mod:`valuechain.experiments` (sweeps, sensitivity) → :mod:`valuechain.present` (figures,
tables, the ODD) → :mod:`valuechain.cli`.

Quick use from Python::

    from valuechain import load_scenario, ValueChainModel
    loaded = load_scenario("scenarios/baseline_coffee.toml", ["months=24"])
    model = ValueChainModel(loaded.scenario, seed=1)
    model.run()
    model.indicators()          # pandas DataFrame: step x district indicators
    model.households.to_frame() # one row per simulated household

The documented API is importable from here and from the package that owns each name:
``load_scenario`` (:mod:`valuechain.config`), ``ValueChainModel`` (:mod:`valuechain.model`),
``run_scenario`` and ``read_results`` (:mod:`valuechain.runs`), ``run_experiment`` and
``read_experiment`` (:mod:`valuechain.experiments`). Names are imported on first use, so
``import valuechain`` stays light (reading a scenario never imports Mesa).
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("valuechain")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

#: public name -> the package that owns it
_OWNERS = {
    "LoadedScenario": "valuechain.config",
    "ScenarioError": "valuechain.config",
    "load_scenario": "valuechain.config",
    "ValueChainModel": "valuechain.model",
    "run_scenario": "valuechain.runs",
    "read_results": "valuechain.runs",
    "run_experiment": "valuechain.experiments",
    "read_experiment": "valuechain.experiments",
}

__all__ = [*sorted(_OWNERS), "__version__"]


def __getattr__(name: str):
    owner = _OWNERS.get(name)
    if owner is None:
        raise AttributeError(f"module 'valuechain' has no attribute {name!r}")
    return getattr(import_module(owner), name)
