"""Reading input safely and writing output all-or-nothing.

Reading: `read_regular` reads a regular file only (a FIFO, a device or a folder is refused without
blocking) and never more than its limit, checked on what was read rather than trusted from stat.

Writing: everything is written into a staging folder inside the output folder (same device, so a
mount point or a folder under a read-only parent works), then published: every target is checked
first (a folder where a file goes, a file locked on Windows), and each old item is moved aside as
the new one takes its place; if any step fails the items already moved are put back, so the folder
holds the old set or the new one. A process killed while publishing leaves its staging folder
marked; the next write into that folder puts the old items back and removes every staging folder
whose process is gone.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

from generator.errors import OutputError

T = TypeVar("T")

STAGING_PREFIX = ".vanban-"
STAGING_SUFFIX = ".tmp"
#: Inside a staging folder: the items being published, and the old items moved aside.
JOURNAL, ASIDE = "publishing.json", "old"
#: A staging folder older than this is stale even if a process with its number runs (number reused).
STALE_AGE = 24 * 3600


class InputFileError(ValueError):
    """An input file that cannot be read as one; the message is Vietnamese."""


def read_regular(path: str | os.PathLike, limit: int, what: str = "tệp") -> bytes:
    """The bytes of a regular file, at most `limit` bytes (InputFileError otherwise)."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise InputFileError(f"không tìm thấy {what}") from None
    except IsADirectoryError:
        raise InputFileError(f"đây là một thư mục, không phải {what}") from None
    except OSError as exc:
        if Path(path).is_dir():  # Windows: opening a folder is "permission denied"
            raise InputFileError(f"đây là một thư mục, không phải {what}") from None
        raise InputFileError(f"không mở được {what}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise InputFileError(f"đây là một thư mục, không phải {what}")
        if not stat.S_ISREG(mode):
            raise InputFileError(f"đây không phải {what} thường (thiết bị hay đường ống); hãy chọn một tệp")
        chunks, total = [], 0
        while True:
            chunk = os.read(descriptor, min(4 * 1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InputFileError(f"{what} quá lớn (hơn {limit // (1024 * 1024)} MB)")
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(f"không đọc được {what}: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)


# --- writing -----------------------------------------------------------------------------------


def write_files(
    folder: Path, files: dict[str, bytes], *, durable: bool = True, remove: Iterable[str] = ()
) -> list[Path]:
    """Write `files` (name → bytes) into `folder`, all or nothing; returns the paths written.

    Other files in `folder` stay, except those named in `remove`, deleted in the same step.
    durable=False skips the fsyncs (a batch syncs once at its end).
    """
    folder = Path(folder)
    with staging_folder(folder) as staging:
        try:
            for name, data in files.items():
                _write_new(staging / name, data, durable=durable)
        except OSError as exc:
            raise OutputError(f"không ghi được vào {folder}: {exc.strerror or exc}") from None
        publish(folder, staging, list(files), [name for name in remove if name not in files])
    return [folder / name for name in files]


def write_fresh(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` into `folder` (made if missing) without staging or fsync: for a tree that is
    itself being staged (a batch's units), published and synced as a whole."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        _write_new(folder / name, data, durable=False)


def keep_copy(source: Path, target: Path) -> None:
    """A copy of the folder `source`, if there is one, at `target` (hard links where the file
    system has them: the files are replaced, never changed in place)."""
    if not source.is_dir():
        return

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    try:
        shutil.copytree(source, target, copy_function=link)
    except (OSError, shutil.Error) as exc:
        raise OutputError(f"không giữ được thư mục cũ {source}: {exc}") from None


@contextmanager
def staging_folder(folder: Path) -> Iterator[Path]:
    """A new staging folder inside `folder` (made if missing; stale staging of earlier runs
    cleaned first), removed when the block ends."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clean_stale(folder)
        staging = _new_name(folder, f"{STAGING_PREFIX}{os.getpid()}-", os.mkdir)[1]
    except OSError as exc:
        raise OutputError(f"không tạo được thư mục {folder}: {exc.strerror or exc}") from None
    try:
        yield staging
    finally:
        if not (staging / JOURNAL).exists():  # a publish that could not be undone keeps its old items
            shutil.rmtree(staging, ignore_errors=True)


def publish(folder: Path, staging: Path, names: list[str], remove: Iterable[str] = ()) -> None:
    """Move staging/<name> to folder/<name> for every name (files or folders), and take the items
    named in `remove` away, all or nothing: OutputError, with the folder as it was, if any target
    cannot be replaced."""
    remove = list(remove)
    for name in names:
        _check_target(folder / name, (staging / name).is_dir())
    aside = staging / ASIDE
    try:
        aside.mkdir()
        _write_new(staging / JOURNAL, json.dumps(names + remove).encode("utf-8"), durable=True)
    except OSError as exc:
        raise OutputError(f"không ghi được vào {folder}: {exc.strerror or exc}") from None
    done: list[str] = []
    try:
        for name in names:
            target = folder / name
            if target.exists() or target.is_symlink():
                os.replace(target, aside / name)
            done.append(name)
            os.replace(staging / name, target)
        for name in remove:
            target = folder / name
            if target.exists() or target.is_symlink():
                os.replace(target, aside / name)
            done.append(name)
    except OSError as exc:
        problem = f"không thay được {folder / name}: {exc.strerror or exc}"
        try:
            _undo(folder, staging, done)
        except OSError as undo:
            raise OutputError(
                f"{problem}; khôi phục cũng lỗi ({undo.strerror or undo}): bản cũ còn trong {aside}"
            ) from None
        raise OutputError(f"{problem}; các tệp cũ được giữ nguyên") from None
    (staging / JOURNAL).unlink()


def _check_target(target: Path, is_dir: bool) -> None:
    """OutputError if `target` exists and cannot be replaced by a file (is_dir False) or folder."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"không thay được {target}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode) and not is_dir:
        raise OutputError(f"{target} là một thư mục, không thay bằng tệp được; hãy đổi tên hoặc xóa thư mục đó")
    if is_dir and not stat.S_ISDIR(mode):
        raise OutputError(f"{target} là một tệp, không thay bằng thư mục được; hãy đổi tên hoặc xóa tệp đó")
    if os.name == "nt" and not is_dir:  # a file open in Word cannot be replaced: find out before anything moves
        try:
            with open(target, "r+b"):
                pass
        except OSError as exc:
            raise OutputError(
                f"không thay được {target} (tệp đang mở trong Word hay Excel?): {exc.strerror or exc}"
            ) from None


def _undo(folder: Path, staging: Path, done: list[str]) -> None:
    """Put back the old items of the names in `done` (their new items go back to staging)."""
    for name in reversed(done):
        target, old = folder / name, staging / ASIDE / name
        if (target.exists() or target.is_symlink()) and not (staging / name).exists():
            os.replace(target, staging / name)
        if old.exists() or old.is_symlink():
            os.replace(old, target)
    (staging / JOURNAL).unlink(missing_ok=True)


def clean_stale(folder: Path) -> None:
    """Remove the staging folders in `folder` whose process is gone, first putting back the old
    items of a publish it was killed in."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(STAGING_PREFIX) and entry.name.endswith(STAGING_SUFFIX)) or not _stale(entry):
            continue
        staging = Path(entry.path)
        try:
            names = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            names = None
        if isinstance(names, list):
            try:
                _undo(folder, staging, [str(n) for n in names])
            except OSError:
                continue  # keep it: it holds old items that could not be put back
        shutil.rmtree(staging, ignore_errors=True)


def _stale(entry: os.DirEntry) -> bool:
    try:
        age = time.time() - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    if age > STALE_AGE:
        return True
    pid = entry.name[len(STAGING_PREFIX) :].split("-", 1)[0]
    if not pid.isdigit():
        return True  # not ours: an older vanban's name
    return not _alive(int(pid))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would end the process there; OpenProcess only asks
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: written in a staging folder beside it and published
    (`publish`) when the block ends without an exception, removed otherwise."""
    path = Path(path)
    with staging_folder(path.parent) as staging:
        try:
            with open(staging / path.name, "xb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise OutputError(f"không ghi được {path}: {exc.strerror or exc}") from None
        publish(path.parent, staging, [path.name])


def _write_new(path: Path, data: bytes, *, durable: bool) -> None:
    """A new file holding `data` (fsynced if `durable`); the file must not exist."""
    descriptor = _open_new(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        if durable:
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _open_new(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)


def _new_name(parent: Path, prefix: str, make: Callable[[Path], T]) -> tuple[T, Path]:
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}{STAGING_SUFFIX}"
        try:
            return make(path), path
        except FileExistsError:
            continue


def sync_all() -> None:
    """Flush every written file to disk (once, after a batch wrote without per-file fsync); where
    there is no os.sync (Windows) each file was already closed and the system flushes it."""
    if hasattr(os, "sync"):
        os.sync()
