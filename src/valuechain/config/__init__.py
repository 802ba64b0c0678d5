"""Configuration: the scenario schema, its parameter groups and the scenario loader.

The first stage of the pipeline (config → model → outputs → runs → experiments → present →
cli). Everything a scenario file can say is declared here, with unit, range and source:

- :mod:`.schema`: the building blocks (:func:`~.schema.param`, :class:`~.schema.Strict`);
- :mod:`.chains`, :mod:`.districts`, :mod:`.behaviour`, :mod:`.programmes`: the parameter
  groups (commodity chains; districts and their plants; households, poverty lines, firms;
  the programmes and the registry);
- :mod:`.scenario`: the top level, :class:`~.scenario.Scenario`;
- :mod:`.facts`: the table of published figures that sources cite as ``FACTS:<id>``;
- :mod:`.loader`: reading a TOML file (``extends``, ``baseline``) into a validated scenario;
- :mod:`.overrides`: where each value came from (:class:`~.overrides.Source`) and overrides
  (``--set``, an experiment's ``base_overrides`` and factors) applied as values;
- :mod:`.validation`: one validation of the merged document, with errors that name the file,
  the key path and the value (:class:`valuechain.errors.ScenarioError`).
"""

from valuechain.config.loader import LoadedScenario, load_scenario
from valuechain.config.scenario import *  # noqa: F403 (the schema's public names)
from valuechain.config.scenario import __all__ as _schema_names
from valuechain.errors import ScenarioError

__all__ = ["LoadedScenario", "ScenarioError", "load_scenario", *_schema_names]
