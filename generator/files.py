"""Writing output safely: everything to temporary names first, then renamed into place.

A failed or interrupted build leaves the previous outputs untouched and no partial files.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

from generator.errors import OutputError

T = TypeVar("T")


def write_files(folder: Path, files: dict[str, bytes], *, durable: bool = True, remove: Iterable[str] = ()) -> list[Path]:
    """Write `files` (name → bytes) into `folder` atomically; returns the paths written.

    The files are written into a new temporary folder beside `folder`, which is then renamed to
    `folder` if that does not exist yet (all files appear at once), else each file is renamed over
    its old version (other files in `folder` stay, except those named in `remove`, which are
    deleted with the same step). durable=False skips the fsyncs (a batch syncs once at its end
    with `sync_all`).
    """
    folder = Path(folder)
    try:
        if not folder.parent.is_dir():
            folder.parent.mkdir(parents=True, exist_ok=True)
        staging = _new_folder(folder.parent, f".{folder.name}.")
    except OSError as exc:
        raise OutputError(f"không tạo được thư mục {folder}: {exc.strerror or exc}") from None
    try:
        for name, data in files.items():
            _write_new(staging / name, data, durable=durable)
        try:
            os.rename(staging, folder)
            staging = None
        except OSError:  # the folder exists: replace file by file
            if not folder.is_dir():
                raise
            for name in files:
                os.replace(staging / name, folder / name)
            for name in remove:
                (folder / name).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"không ghi được vào {folder}: {exc.strerror or exc}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in files]


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: a temporary file beside it, renamed over `path` (after
    an fsync) when the block ends without an exception, removed otherwise."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = _new_file(path.parent, f".{path.name}.")
    except OSError as exc:
        raise OutputError(f"không ghi được {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"không ghi được {path}: {exc.strerror or exc}") from None
    finally:
        Path(temp).unlink(missing_ok=True)


def _write_new(path: Path, data: bytes, *, durable: bool) -> None:
    """A new file holding `data` (fsynced if `durable`); the file must not exist."""
    descriptor = _open_new(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        if durable:
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _open_new(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a random name (the usual permissions, unlike mkdtemp's private ones)."""
    return _new_name(parent, prefix, os.mkdir)[1]


def _new_file(parent: Path, prefix: str) -> tuple[int, Path]:
    """A new file with a random name, open for writing (the usual permissions, unlike mkstemp's)."""
    return _new_name(parent, prefix, _open_new)


def _new_name(parent: Path, prefix: str, make: Callable[[Path], T]) -> tuple[T, Path]:
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}.tmp"
        try:
            return make(path), path
        except FileExistsError:
            continue


def sync_all() -> None:
    """Flush every written file to disk (once, after a batch wrote without per-file fsync)."""
    if hasattr(os, "sync"):
        os.sync()
