"""Writing output safely: everything to temporary names first, then renamed into place.

A failed or interrupted build leaves the previous outputs untouched and no partial files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator.errors import OutputError


def write_files(folder: Path, files: dict[str, bytes], *, durable: bool = True) -> list[Path]:
    """Write `files` (name → bytes) into `folder` atomically; returns the paths written.

    durable=False skips the per-file fsync (a batch syncs once at its end with `sync_all`).
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"không tạo được thư mục {folder}: {exc.strerror}") from None
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            target = folder / name
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            staged.append((Path(temp), target))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                if durable:
                    os.fsync(out.fileno())
        for temp, target in staged:
            os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"không ghi được vào {folder}: {exc.strerror or exc}") from None
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [target for _, target in staged]


def sync_all() -> None:
    """Flush every written file to disk (once, after a batch wrote without per-file fsync)."""
    if hasattr(os, "sync"):
        os.sync()
