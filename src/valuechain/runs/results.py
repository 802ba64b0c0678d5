"""Results directories: Parquet tables and a manifest, written atomically, read back whole.

A results directory holds::

    manifest.json        what was run (scenario text and hash, seeds, versions, timings)
    runs.parquet         one row per replication: scenario, replication, seed, summary indicators
    timeseries.parquet   one row per replication x step x district
    rounds.parquet       poverty by BPS round: one row per replication x district x year x
                         round (March, September, annual mean); rounds.csv the same rows
    plants.parquet       one row per replication x month x plant: input bought by source,
                         output, workers, wage bill, profit, cash, status
    plant_closures.csv   one row per plant: in how many replications it closed, and when
    comparison.csv       paired differences against the baseline (when there is one)
    baseline/            the baseline's own results directory (same layout)
    figures/             PNG and SVG figures (derived; ``valuechain figures DIR`` remakes them)

Every file is written by :func:`atomic_write_bytes` (the one atomic write of the package:
results, sweep parts, figures and sensitivity tables) to a temporary name in the same
directory and moved into place with :func:`os.replace`, so a reader never sees half a file.
``manifest.json`` is written last: it is the marker of a complete result and records the
SHA-256 of every data file, so a directory without it (an interrupted run) or with files that
do not match it is refused by :func:`read_results`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from valuechain.errors import UserError

__all__ = [
    "BASELINE_DIR",
    "COMPARISON",
    "FIGURES_DIR",
    "FORMAT_VERSION",
    "MANIFEST",
    "PLANTS_TABLE",
    "PLANT_CLOSURES",
    "POSTERIOR_RUNS",
    "ROUNDS_CSV",
    "ROUNDS_TABLE",
    "RUNS",
    "TIMESERIES",
    "Results",
    "ResultsError",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_writable",
    "clear_results_dir",
    "file_digest",
    "list_figures",
    "read_results",
    "write_csv_atomic",
    "write_manifest",
    "write_table_atomic",
]

MANIFEST = "manifest.json"
RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
COMPARISON = "comparison.csv"
ROUNDS_TABLE = "rounds.parquet"
ROUNDS_CSV = "rounds.csv"
PLANTS_TABLE = "plants.parquet"
PLANT_CLOSURES = "plant_closures.csv"
POSTERIOR_RUNS = "posterior_runs.parquet"  # --posterior: runs with drawn parameters
BASELINE_DIR = "baseline"
FIGURES_DIR = "figures"
#: Version of the directory layout; bump it when a reader could misread an older directory.
FORMAT_VERSION = 3  # 2: rounds tables, comparison notes, summaries by BPS round; 3: plants

_DATA_FILES = (
    RUNS,
    TIMESERIES,
    ROUNDS_TABLE,
    ROUNDS_CSV,
    PLANTS_TABLE,
    PLANT_CLOSURES,
    COMPARISON,
    POSTERIOR_RUNS,
)


class ResultsError(UserError):
    """A results directory that cannot be read or written."""


# --------------------------------------------------------------------------- writing


def atomic_write_bytes(
    path: str | Path, write: Callable[[io.BufferedWriter], Any], *, fsync: bool = True
) -> Path:
    """Write a file atomically: ``write(fh)`` fills a temporary file that then replaces ``path``.

    The temporary file (``.<name>.<random>.tmp``) lives in the destination directory, so
    :func:`os.replace` is a rename on the same file system and a reader sees the old file or
    the whole new one, never half a file. It is removed if ``write`` raises, leaving any
    previous ``path`` untouched; a killed process leaves at most the temporary file, which
    readers ignore and :func:`clear_results_dir` and
    :func:`valuechain.runs.parts.remove_stray_temporaries` delete.

    Args:
        path: destination file.
        write: called with a binary file handle open for writing.
        fsync: flush the data to disk before the rename, so that after a power cut the file
            is the old one or the whole new one. Without it (sweep part files, where the
            fsync cost more than a small run) a power cut can leave a renamed but torn
            file. That is safe only for a file that is never trusted on its own: a part
            counts as done only when its footer and metadata read back complete, with the
            right key and row counts (:func:`valuechain.runs.parts.part_is_complete`);
            otherwise its run is simply done again.

    Returns:
        The destination path.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    data = text.encode("utf-8")
    return atomic_write_bytes(path, lambda fh: fh.write(data))


def write_table_atomic(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame to Parquet atomically (no index; the columns carry every key)."""
    return atomic_write_bytes(path, lambda fh: df.to_parquet(fh, index=False))


def write_csv_atomic(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame to CSV atomically (no index, full float precision)."""
    return atomic_write_text(path, df.to_csv(index=False))


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(
    directory: str | Path, manifest: dict[str, Any], data_files: Sequence[str] = _DATA_FILES
) -> Path:
    """Write ``manifest.json`` last, marking the directory complete.

    The SHA-256 and size of every data file present (by default those of a run: runs,
    timeseries, rounds, comparison ...; a calibration names its own) are added under
    ``files``, so a reader can tell a consistent directory from a mixed one.
    """
    directory = Path(directory)
    files = {}
    for name in data_files:
        p = directory / name
        if p.is_file():
            files[name] = {"sha256": file_digest(p), "bytes": p.stat().st_size}
    full = {"format_version": FORMAT_VERSION, **manifest, "files": files}
    text = json.dumps(full, indent=2, sort_keys=False, allow_nan=False, default=str) + "\n"
    return atomic_write_text(directory / MANIFEST, text)


def check_writable(directory: str | Path) -> Path:
    """Create ``directory`` if needed and check a file can be written in it.

    Raises:
        ResultsError: the directory cannot be created or written.
    """
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".write-test.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ResultsError(
            f"cannot write to {directory}: {exc.strerror or exc}",
            hint="choose a writable directory with --out DIR",
        ) from None
    return directory


def clear_results_dir(directory: str | Path) -> None:
    """Prepare ``directory`` for a new result: create it, then remove a previous result.

    The manifest goes first, so that from this moment the directory no longer looks complete.
    Only the files this module writes are removed (data files, ``figures/``, ``baseline/``,
    stray temporary files); anything else a user put there is left alone.

    Raises:
        ResultsError: the directory cannot be created or written.
    """
    directory = check_writable(directory)
    _remove_result_files(directory)


def _remove_result_files(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (directory / MANIFEST).unlink()
    for name in _DATA_FILES:
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()
    for tmp in directory.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    figures = directory / FIGURES_DIR
    if figures.is_dir():
        for f in figures.iterdir():
            if f.suffix in {".png", ".svg", ".tmp"}:
                f.unlink()
        with contextlib.suppress(OSError):
            figures.rmdir()
    baseline = directory / BASELINE_DIR
    if baseline.is_dir():
        _remove_result_files(baseline)
        with contextlib.suppress(OSError):
            baseline.rmdir()


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Results:
    """A complete results directory read back.

    Attributes:
        path: the directory.
        manifest: the parsed ``manifest.json``.
        runs: one row per replication.
        timeseries: one row per replication x step x district.
        rounds: poverty by BPS round (:func:`valuechain.outputs.rounds.rounds_table`).
        plants: one row per replication x month x plant
            (:data:`valuechain.model.firms.PLANT_COLUMNS`).
        plant_closures: one row per plant: how often and when it closed
            (:func:`valuechain.outputs.plants.plant_closures`).
        comparison: paired differences against the baseline, or None.
        baseline: the baseline's results (``DIR/baseline``), or None.
    """

    path: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    rounds: pd.DataFrame
    plants: pd.DataFrame
    plant_closures: pd.DataFrame
    comparison: pd.DataFrame | None
    baseline: Results | None

    @property
    def scenario(self) -> str:
        """The scenario's name."""
        return str(self.manifest.get("scenario", self.path.name))

    @property
    def replications(self) -> int:
        """Number of replications in ``runs``."""
        return len(self.runs)


def read_results(directory: str | Path, *, verify: bool = True) -> Results:
    """Read a results directory written by ``valuechain run`` (or by ``run_scenario``).

    Args:
        directory: the results directory.
        verify: check each data file against the SHA-256 recorded in the manifest.

    Raises:
        ResultsError: the directory does not exist, has no ``manifest.json`` (an interrupted
            or unfinished run), or holds files that do not match their manifest.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ResultsError(
            f"no results directory {directory}",
            hint="give the DIR a `valuechain run` wrote (default results/<scenario name>/)",
        )
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ResultsError(
            f"{directory} has no {MANIFEST}, so it is not a complete result "
            "(the run that wrote it was interrupted, failed or is still running)",
            hint="run `valuechain run SCENARIO --out DIR` again to produce a complete result",
        )
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResultsError(
            f"{manifest_path} is not valid JSON ({exc})", hint="run the scenario again"
        ) from None
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ResultsError(
            f"{manifest_path} has format_version {version!r}; this valuechain reads "
            f"{FORMAT_VERSION}",
            hint="read it with the valuechain version named in the manifest, or run again",
        )
    files: dict[str, dict[str, Any]] = manifest.get("files", {})
    for name in (RUNS, TIMESERIES, ROUNDS_TABLE, PLANTS_TABLE, PLANT_CLOSURES):
        if name not in files:
            raise ResultsError(f"{manifest_path} lists no {name}", hint="run the scenario again")
    if verify:
        _verify(directory, files)
    runs = pd.read_parquet(directory / RUNS)
    timeseries = pd.read_parquet(directory / TIMESERIES)
    rounds = pd.read_parquet(directory / ROUNDS_TABLE)
    plants = pd.read_parquet(directory / PLANTS_TABLE)
    closures = pd.read_csv(directory / PLANT_CLOSURES, keep_default_na=False)
    comparison = None
    if COMPARISON in files:
        comparison = pd.read_csv(directory / COMPARISON)
        comparison["note"] = comparison["note"].astype(object).fillna("")  # empty: NaN in CSV
    baseline = None
    if manifest.get("baseline") is not None:
        baseline = read_results(directory / BASELINE_DIR, verify=verify)
    return Results(
        directory, manifest, runs, timeseries, rounds, plants, closures, comparison, baseline
    )


def _verify(directory: Path, files: dict[str, dict[str, Any]]) -> None:
    for name, meta in files.items():
        p = directory / name
        if not p.is_file():
            raise ResultsError(
                f"{p} is listed in the manifest but missing", hint="run the scenario again"
            )
        if file_digest(p) != meta.get("sha256"):
            raise ResultsError(
                f"{p} does not match the SHA-256 in {directory / MANIFEST}: the directory mixes "
                "files from different runs",
                hint="run the scenario again into an empty directory",
            )


def list_figures(directory: str | Path) -> Iterable[Path]:
    """Figure files in ``DIR/figures`` (sorted)."""
    figures = Path(directory) / FIGURES_DIR
    return sorted(p for p in figures.glob("*") if p.suffix in {".png", ".svg"})
