"""valuechain: an agent-based model of agricultural value chains and extreme poverty.

Quick use from Python::

    from valuechain import load_scenario, ValueChainModel
    loaded = load_scenario("scenarios/baseline_coffee.toml", ["months=24"])
    model = ValueChainModel(loaded.scenario, seed=1)
    model.run()
    model.indicators()          # pandas DataFrame: step x district indicators
    model.households.to_frame() # one row per simulated household
"""

from importlib.metadata import PackageNotFoundError, version

from valuechain.scenario import LoadedScenario, ScenarioError, load_scenario

try:
    __version__ = version("valuechain")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["LoadedScenario", "ScenarioError", "ValueChainModel", "__version__", "load_scenario"]


def __getattr__(name: str):
    # the model imports mesa; keep `import valuechain` light for the CLI's validate path
    if name == "ValueChainModel":
        from valuechain.model import ValueChainModel

        return ValueChainModel
    raise AttributeError(name)
