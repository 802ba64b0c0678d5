"""Run ``python -m valuechain`` as a user would, for the end-to-end tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def cli(
    *args: str | Path, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """``python -m valuechain ARGS`` in ``cwd``: its exit code, stdout and stderr (text)."""
    return subprocess.run(
        [sys.executable, "-m", "valuechain", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
