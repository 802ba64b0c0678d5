"""What produced a result: the package and library versions and the git checkout.

Manifests of runs (:func:`valuechain.runs.replications.build_manifest`) and of sweeps
(:mod:`valuechain.experiments.sweep`) record these, so a result can be traced to the code
and libraries that made it.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from collections.abc import Sequence
from typing import Any

__all__ = ["RUN_LIBRARIES", "git_revision", "library_versions", "package_version"]

#: Libraries whose versions every manifest records.
RUN_LIBRARIES: tuple[str, ...] = ("numpy", "pandas", "scipy", "mesa", "pyarrow", "pydantic")

_GIT_TIMEOUT_S = 10


def package_version() -> str:
    """The installed version of valuechain (``unknown`` when it is not installed)."""
    try:
        return importlib.metadata.version("valuechain")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def library_versions(libraries: Sequence[str] = RUN_LIBRARIES) -> dict[str, str]:
    """Python's version and each library's (``not installed`` for a missing one)."""
    out = {"python": platform.python_version()}
    for pkg in libraries:
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _git(args: list[str]) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], capture_output=True, text=True, timeout=_GIT_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def git_revision() -> dict[str, Any]:
    """The git commit of the current directory's checkout and whether it has local changes."""
    rev = _git(["rev-parse", "HEAD"])
    if rev is None:
        return {"git_revision": None, "git_dirty": None}
    status = _git(["status", "--porcelain", "--untracked-files=no"])
    return {"git_revision": rev, "git_dirty": None if status is None else bool(status)}
