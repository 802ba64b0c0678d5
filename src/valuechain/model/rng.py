"""Named random streams: one SeedSequence per run, one child stream per stochastic process.

Each process (prices, weather, harvest, health, labour matching, targeting, firm entry,
population) draws from its own generator, derived from the run seed and a stable hash of the
process name. A policy that changes what happens in one process leaves every other process's
draws untouched, so a scenario and its baseline run with the same seed see the same shocks
(common random numbers). Python's ``hash()`` is never used: it is salted per process.

The bit generator is numpy's SFC64 (Chris Doty-Humphrey's Small Fast Chaotic generator,
256 bits of state; passes PractRand and TestU01's BigCrush): on the benchmark machine it
draws standard normals about a third faster than the default PCG64, and normals and
uniforms for every household every month are a large share of a step.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["STREAMS", "Streams", "stable_key"]

#: Every stream the model uses, with what it drives (documented in docs/ODD.md).
STREAMS: dict[str, str] = {
    "population": "synthetic households: composition, land, skill, other income, savings",
    "prices": "reference-price innovations of every chain stage",
    "weather": "district-wide monthly yield shocks",
    "harvest": "household-specific monthly yield shocks",
    "income": "month-to-month shocks to other income",
    "labour": "informal-work draws and the labour-market queue",
    "market": "the order in which farmers reach local buyers",
    "health": "health shocks and insurance coverage",
    "targeting": "registry enumeration and proxy-means score noise; each programme's list "
    "noise and village selection",
    "membership": "which growers are members of a cooperative",
    "ties": "which growers owe their trader and sell to that trader only",
    "quality": "which growers know a crop's quality practice at the start; the order in which "
    "an extension programme teaches them",
    "sex": "which working-age adults are women (at the start, then each year's new adults)",
    "training": "course intake and completion, per programme and district",
    "credit": "loan allocation and defaults, per programme and district",
    "demography": "yearly ageing, births, deaths and the skill of new workers, per district",
}


def stable_key(name: str) -> int:
    """A 64-bit integer from a name, the same on every machine and Python process."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


class Streams:
    """The random generators of one run.

    Example:
        >>> s = Streams(42)
        >>> a = s.stream("prices").normal(size=3)
        >>> b = Streams(42).stream("prices").normal(size=3)
        >>> bool((a == b).all())
        True
    """

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def stream(self, name: str) -> np.random.Generator:
        """The generator for process ``name`` (created on first use, then reused).

        A name may carry a qualifier after a slash (``"weather/lampung_barat/coffee"``): each
        district or commodity then has its own stream, so adding a district or a commodity
        to a scenario leaves the draws of the others unchanged.
        """
        gen = self._streams.get(name)
        if gen is None:
            if name.split("/", 1)[0] not in STREAMS:
                raise KeyError(
                    f"unknown random stream {name!r}; declare it in valuechain.model.rng.STREAMS"
                )
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(stable_key(name),))
            gen = np.random.Generator(np.random.SFC64(seq))
            self._streams[name] = gen
        return gen
