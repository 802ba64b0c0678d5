"""Part files of a sweep: one per run, written atomically, verified, consolidated by streaming.

A run ``(point, replication)`` leaves two files in ``DIR/parts/``::

    p000012_r0003.ts.parquet    its time series (point, replication, seed, step, district, ...)
    p000012_r0003.run.parquet   its row of runs.parquet, written second: the commit marker
    baseline_r0003.*.parquet    the same for replication 3 of the sweep's baseline (the
                                point :data:`BASELINE_POINT`)

Each is written to a temporary name and renamed into place (:func:`atomic_write_bytes`,
without fsync), so a killed process leaves at most a ``.tmp`` file, never a part that looks
finished. Both
carry the experiment's content hash and the run's key in their Parquet metadata; a run
counts as done only when both files read back with the right hash, key and row counts.

Consolidation reads the parts in (point, replication) order and appends them to
``runs.parquet`` and ``timeseries.parquet`` with :class:`pyarrow.parquet.ParquetWriter`,
buffering about :data:`ROW_GROUP_ROWS` rows per row group: memory does not grow with the
number of runs.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from valuechain.runs.results import atomic_write_bytes

__all__ = [
    "BASELINE_POINT",
    "PARTS_DIR",
    "ROW_GROUP_ROWS",
    "consolidate",
    "part_is_complete",
    "part_paths",
    "remove_stray_temporaries",
    "write_part",
]

PARTS_DIR = "parts"
#: Rows buffered per row group of the consolidated files.
ROW_GROUP_ROWS = 16_384
_META = b"valuechain"
#: The point number of a sweep's baseline runs (in part files and the baseline's tables).
BASELINE_POINT = -1


def part_paths(parts: Path, point: int, replication: int) -> tuple[Path, Path]:
    """The (run row, time series) files of a run (of the baseline: ``point`` is
    :data:`BASELINE_POINT`)."""
    stem = f"p{point:06d}_r{replication:04d}"
    if point == BASELINE_POINT:
        stem = f"baseline_r{replication:04d}"
    return parts / f"{stem}.run.parquet", parts / f"{stem}.ts.parquet"


def _with_meta(table: pa.Table, meta: dict[str, Any]) -> pa.Table:
    return table.replace_schema_metadata({_META: json.dumps(meta).encode()})


def _write(table: pa.Table, path: Path) -> None:
    """Write a part atomically, without fsync (see :func:`atomic_write_bytes` for why that
    is safe here: :func:`part_is_complete` trusts a part only once it reads back whole)."""
    atomic_write_bytes(path, lambda fh: pq.write_table(table, fh), fsync=False)


def write_part(
    parts: Path,
    experiment_hash: str,
    row: dict[str, Any],
    timeseries: pd.DataFrame,
    wall_time_s: float,
) -> None:
    """Write a run's time series, then its row (the row file marks the run as done).

    Args:
        parts: the parts folder.
        experiment_hash: content hash of the experiment (refuses parts of another one).
        row: ``point``, ``replication``, ``seed`` first, then factor values, outputs and
            summary indicators.
        timeseries: the run's time series (without key columns).
        wall_time_s: the run's wall time (kept in the metadata, not in the results).
    """
    point, rep, seed = int(row["point"]), int(row["replication"]), int(row["seed"])
    run_path, ts_path = part_paths(parts, point, rep)
    ts = timeseries.reset_index(drop=True).copy()
    ts.insert(0, "seed", pd.array([seed] * len(ts), dtype="int64"))
    ts.insert(0, "replication", pd.array([rep] * len(ts), dtype="int64"))
    ts.insert(0, "point", pd.array([point] * len(ts), dtype="int64"))
    key = {"experiment_hash": experiment_hash, "point": point, "replication": rep, "seed": seed}
    ts_table = pa.Table.from_pandas(ts, preserve_index=False)
    _write(_with_meta(ts_table, key), ts_path)
    run_table = pa.Table.from_pandas(pd.DataFrame([row]), preserve_index=False)
    meta = {**key, "timeseries_rows": len(ts), "wall_time_s": round(wall_time_s, 6)}
    _write(_with_meta(run_table, meta), run_path)


def _meta(path: Path) -> dict[str, Any] | None:
    try:
        md = pq.read_metadata(path)
        return json.loads((md.metadata or {}).get(_META, b"null")) | {"_rows": md.num_rows}
    except (OSError, ValueError, TypeError, pa.ArrowException):
        return None


def part_is_complete(
    parts: Path, point: int, replication: int, seed: int, experiment_hash: str
) -> float | None:
    """The run's wall time if both its files are complete and belong to this run, else None."""
    run_path, ts_path = part_paths(parts, point, replication)
    if not (run_path.is_file() and ts_path.is_file()):
        return None
    run, ts = _meta(run_path), _meta(ts_path)
    key = {"experiment_hash": experiment_hash, "point": point, "replication": replication}
    for meta in (run, ts):
        if meta is None or any(meta.get(k) != v for k, v in {**key, "seed": seed}.items()):
            return None
    if run["_rows"] != 1 or ts["_rows"] != run.get("timeseries_rows"):
        return None
    return float(run.get("wall_time_s", 0.0))


def remove_stray_temporaries(parts: Path) -> int:
    """Delete half-written files a killed process left behind; return how many."""
    n = 0
    for tmp in parts.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
            n += 1
    return n


def _tables(paths: Iterable[Path]) -> Iterator[pa.Table]:
    for p in paths:
        yield pq.read_table(p).replace_schema_metadata(None)


def _stream(tables: Iterator[pa.Table], fh: Any, row_group_rows: int) -> int:
    """Append tables to one Parquet file in row groups of ``row_group_rows`` rows (the last
    one shorter); at most one row group and one part are held in memory."""
    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    buffer: list[pa.Table] = []
    buffered = total = 0
    try:
        for table in tables:
            if schema is None:
                schema = table.schema
                writer = pq.ParquetWriter(fh, schema)
            elif not table.schema.equals(schema):
                table = table.cast(schema)
            buffer.append(table)
            buffered += table.num_rows
            total += table.num_rows
            if buffered >= row_group_rows:
                merged = pa.concat_tables(buffer)
                full = buffered - buffered % row_group_rows
                writer.write_table(merged.slice(0, full), row_group_size=row_group_rows)
                rest = merged.slice(full)
                buffer, buffered = [rest], rest.num_rows
        if writer is not None and buffered:
            writer.write_table(pa.concat_tables(buffer), row_group_size=row_group_rows)
    finally:
        if writer is not None:
            writer.close()
    return total


def consolidate(
    parts: Path,
    keys: list[tuple[int, int]],
    runs_path: Path,
    timeseries_path: Path,
    row_group_rows: int = ROW_GROUP_ROWS,
) -> None:
    """Stream the parts of ``keys`` (in that order) into ``runs_path`` and ``timeseries_path``.

    Both files are written atomically; memory holds one row group at a time.
    """
    run_files = [part_paths(parts, p, r)[0] for p, r in keys]
    ts_files = [part_paths(parts, p, r)[1] for p, r in keys]
    atomic_write_bytes(runs_path, lambda fh: _stream(_tables(run_files), fh, row_group_rows))
    atomic_write_bytes(timeseries_path, lambda fh: _stream(_tables(ts_files), fh, row_group_rows))
