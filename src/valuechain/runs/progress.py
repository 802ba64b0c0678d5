"""The one progress bar of runs and sweeps (tqdm on stderr).

:func:`progress_bar` alone decides when a bar is shown and what it looks like: only when the
caller asks for one *and* stderr is a terminal (so logs, pipes and CI output stay clean);
counted in runs; headed by a description (the scenario or experiment name).
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar"]


def progress_bar(total: int, description: str, *, show: bool, unit: str = "run") -> Any:
    """A tqdm bar of ``total`` runs on stderr; call ``.update()`` per run, ``.close()`` at the end.

    Args:
        total: runs to do.
        description: text before the bar (scenario or experiment name).
        show: the caller wants a bar; it still stays hidden when stderr is not a terminal.
        unit: what is counted ("run"; "figure" for a report's figures).

    Returns:
        A ``tqdm`` bar (a disabled one, which does nothing, when not shown).
    """
    from tqdm.auto import tqdm  # deferred: tqdm.auto probes for notebooks on import

    return tqdm(
        total=total,
        desc=description,
        unit=unit,
        file=sys.stderr,
        disable=None if show else True,  # None: tqdm disables itself when stderr is no TTY
        dynamic_ncols=True,
    )
