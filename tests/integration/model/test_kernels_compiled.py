"""Compiling changes nothing: small runs with numba's JIT on and off give identical indicators.

Each engine runs in its own process (``NUMBA_DISABLE_JIT`` is read at import), on two small
shipped scenarios, one with processors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]

_RUN = """
import json, sys
from valuechain import load_scenario
from valuechain.model.model import ValueChainModel
out = {}
for name in ("baseline_coffee", "hilirisasi_coffee"):
    sc = load_scenario(
        f"scenarios/{name}.toml",
        ["districts.lampung_barat.n_households=300", "months=14", "spinup_months=2"],
    ).scenario
    frame = ValueChainModel(sc, seed=5).run().indicators()
    out[name] = frame.drop(columns=["date", "district"]).to_numpy().tolist()
json.dump(out, sys.stdout)
"""


def _indicators(jit: bool) -> dict:
    env = dict(os.environ)
    env.pop("NUMBA_DISABLE_JIT", None)
    if not jit:
        env["NUMBA_DISABLE_JIT"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _RUN], capture_output=True, text=True, cwd=REPO, env=env, check=True
    )
    return json.loads(done.stdout)


def test_compiled_kernels_give_the_numbers_of_plain_python() -> None:
    compiled, interpreted = _indicators(jit=True), _indicators(jit=False)
    for name in compiled:
        np.testing.assert_array_equal(
            np.array(compiled[name], dtype=float), np.array(interpreted[name], dtype=float), name
        )
