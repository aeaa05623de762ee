"""Writing files safely: every write goes to a temporary file in the same folder, then is renamed."""

from __future__ import annotations

import functools
import io
import os
import stat
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow
import pyarrow.csv

from .errors import ConfigError
from .records.schema import Table


@functools.cache
def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it; set it back at once
    os.umask(mask)
    return mask


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside `path`; on success it replaces `path`, on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    binary = "b" in mode
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would: the old file's, or 0666 less the umask.
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o666 & ~_umask())
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write atomically; a file that already holds exactly this text is left alone (and keeps its
    modification time, so that builds downstream see nothing changed)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    path = Path(path)
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def write_parquet_atomic(path: str | Path, frame: pd.DataFrame) -> None:
    """A DataFrame as Parquet, written atomically; a file that already holds exactly these bytes is left alone."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_bytes_atomic(path, buffer.getvalue())


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV, every text value quoted: pyarrow's writer, about 10x faster than
    DataFrame.to_csv on tables of abstracts."""
    sink = pyarrow.BufferOutputStream()
    pyarrow.csv.write_csv(pyarrow.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as `<name>.csv` and `<name>.parquet` in `out_dir`; returns the paths written."""
    out = Path(out_dir)
    written = []
    for name, frame in tables.items():
        csv_path, parquet_path = out / f"{name}.csv", out / f"{name}.parquet"
        write_bytes_atomic(csv_path, csv_bytes(frame))
        write_parquet_atomic(parquet_path, frame)
        written += [csv_path, parquet_path]
    return written


def read_table_csv(path: str | Path, table: Table) -> pd.DataFrame:
    """Read a table's CSV back with its declared dtypes: empty text stays empty, empty numbers are NA."""
    numeric = [c.name for c in table.columns if c.dtype != "string"]
    return pd.read_csv(
        path,
        dtype={c.name: c.dtype for c in table.columns},
        keep_default_na=False,
        na_values={name: [""] for name in numeric},
    )


def read_toml(path: Path, missing: str) -> tuple[dict, str]:
    """A hand-edited TOML file as (data, text); a missing or malformed file is one ConfigError
    naming the file (and, for a syntax error, the line). `missing` says what to do when it is absent."""
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except FileNotFoundError:
        raise ConfigError(f"{path}: {missing}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
