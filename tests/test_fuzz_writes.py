"""Issue 14: writes are all-or-nothing under faults — a target that cannot be replaced, a replace
that fails half-way, a full disk, a killed batch — and the Windows path (no POSIX-only calls,
workers started by spawn)."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import limits
import pytest

from conftest import PLAN, REPO
from generator.cli import main
from generator.files import ASIDE, JOURNAL, STAGING_PREFIX, clean_stale

UNITS = REPO / "data" / "units"


def changed_plan(folder: Path) -> Path:
    """The bundled plan with another quantity: every document and so-lieu.json differ."""
    path = folder / PLAN.name
    text = PLAN.read_text(encoding="utf-8")
    path.write_text(text.replace("  so_luong: 16\n", "  so_luong: 17\n", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    return path


def staging_left(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(f"{STAGING_PREFIX}*")] if folder.exists() else []


def test_a_folder_in_place_of_a_target_changes_nothing(tmp_path, capsys):
    """so-lieu.json is a folder: refused before the first replace; every old file stays."""
    out = tmp_path / "out"
    assert main(["build", str(PLAN), "-o", str(out)]) == 0
    (out / "so-lieu.json").unlink()
    (out / "so-lieu.json").mkdir()
    before = limits.snapshot(out)
    assert main(["build", str(changed_plan(tmp_path)), "-o", str(out)]) == 2
    assert "so-lieu.json là một thư mục" in capsys.readouterr().err
    assert limits.snapshot(out) == before and not staging_left(out)


def test_a_replace_that_fails_half_way_is_rolled_back(tmp_path, monkeypatch, capsys):
    """The fourth file cannot be put in place (as a file open in Word on Windows): the three
    replaced before it get their old versions back."""
    out = tmp_path / "out"
    assert main(["build", str(PLAN), "-o", str(out)]) == 0
    before = limits.snapshot(out)
    real, moved = os.replace, []

    def replace(src, dst):
        if Path(src).parent.name.startswith(STAGING_PREFIX) and Path(dst).parent == out:
            moved.append(Path(dst).name)
            if len(moved) == 4:
                raise PermissionError(13, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr("generator.files.os.replace", replace)
    assert main(["build", str(changed_plan(tmp_path)), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"không thay được {out / moved[-1]}" in err and "các tệp cũ được giữ nguyên" in err
    assert limits.snapshot(out) == before and not staging_left(out)


def test_a_publish_killed_half_way_is_undone_by_the_next_run(tmp_path):
    """A staging folder left with its journal (its process gone, two of three items moved): the
    next write into the folder puts the old items back and removes it."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a", "b", "c"):
        (out / name).write_text(f"cũ {name}", encoding="utf-8")
    staging = out / f"{STAGING_PREFIX}999999999-dead.tmp"
    (staging / ASIDE).mkdir(parents=True)
    (staging / JOURNAL).write_text(json.dumps(["a", "b", "c"]), encoding="utf-8")
    for name in ("a", "b"):  # moved aside, new put in place
        os.replace(out / name, staging / ASIDE / name)
        (out / name).write_text(f"mới {name}", encoding="utf-8")
    (staging / "c").write_text("mới c", encoding="utf-8")  # not yet published
    clean_stale(out)
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {"a": "cũ a", "b": "cũ b", "c": "cũ c"}


def test_output_folder_on_a_mount_point_or_under_a_read_only_parent(tmp_path):
    """Staging inside the output folder: -o as a mount point works (no cross-device rename), and
    so does a writable folder under a read-only parent."""
    with tmpfs(tmp_path / "mnt", "8m") as mount:
        assert main(["build", str(PLAN), "-o", str(mount)]) == 0
        assert (mount / "ke-hoach.docx").is_file() and not staging_left(mount)
        inner = mount / "ra"
        inner.mkdir()
        with tmpfs(inner, "8m"):
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
            try:
                assert main(["build", str(PLAN), "-o", str(inner)]) == 0
                assert (inner / "so-lieu.json").is_file()
            finally:
                subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)


@contextmanager
def tmpfs(where: Path, size: str):
    """A small tmpfs mounted at `where` (root only, else the test is skipped with the reason)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("cần quyền root và lệnh mount để gắn một tmpfs nhỏ (mô phỏng ổ đầy, điểm gắn)")
    where.mkdir(parents=True, exist_ok=True)
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    ).returncode:
        pytest.skip("không gắn được tmpfs ở máy này (container không cho phép mount)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of `folder` until `leave` bytes are free."""
    free = shutil.disk_usage(folder).free - leave
    with open(folder / "lap-day", "wb") as handle:
        while free > 0:
            chunk = min(free, 1 << 20)
            try:
                handle.write(b"\0" * chunk)
                handle.flush()
            except OSError:
                break
            free -= chunk


def _run(*args: object, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        **kwargs,
    )


def test_a_full_disk_leaves_the_previous_build_and_batch(tmp_path):
    """A disk that fills while writing: exit 2, the previous build and batch byte-identical, no
    staging left, and no "Exception ignored" noise from openpyxl."""
    with tmpfs(tmp_path / "disk", "3m") as disk:
        build, batch = disk / "build", disk / "batch"
        assert main(["build", str(PLAN), "-o", str(build)]) == 0
        units = copy_units(tmp_path)
        assert _run("batch", PLAN, "--units", units, "-o", batch, "-j", "1").returncode in (0, 1)
        _fill(disk, 40_000)
        before = limits.snapshot(disk)
        for argv in (
            ["build", changed_plan(tmp_path), "-o", build],
            ["batch", changed_plan(tmp_path), "--units", units, "-o", batch, "-j", "1"],
        ):
            result = _run(*argv)
            assert result.returncode == 2, result.stderr
            assert "Không ghi được kết quả" in result.stderr and "Exception ignored" not in result.stderr, result.stderr
            assert "Traceback" not in result.stderr
            assert limits.snapshot(disk) == before and not staging_left(disk)


def copy_units(folder: Path, count: int = 0) -> Path:
    """The bundled units file and skeleton in `folder`; with `count`, that many more units (copies
    of the first, renamed) so a batch runs long enough to be killed half-way."""
    shutil.copy(UNITS / "ke-hoach-don-vi.yaml", folder / "ke-hoach-don-vi.yaml")
    text = (UNITS / "kien-tuong.yaml").read_text(encoding="utf-8")
    if count:
        start = text.index("  - ten: Phường 1\n")
        block = text[start : text.index("\n\n", start) + 2]
        text += "\n" + "".join(
            block.replace("Phường 1", f"Phường Thêm {i}").replace("PHƯỜNG 1", f"PHƯỜNG THÊM {i}") for i in range(count)
        )
    path = folder / "don-vi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_batch_killed_half_way_leaves_the_previous_result(tmp_path):
    """SIGKILL while the units are being written: units, zip and workbook are the previous
    batch's, byte for byte; the next run succeeds and leaves no staging behind."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL on this system")
    (tmp_path / "few").mkdir()
    units, out = copy_units(tmp_path, 400), tmp_path / "out"
    assert _run("batch", PLAN, "--units", copy_units(tmp_path / "few"), "-o", out, "-j", "1").returncode in (0, 1)
    before = limits.snapshot(out)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "batch",
            str(changed_plan(tmp_path)),
            "--units",
            str(units),
            "-o",
            str(out),
            "-j",
            "2",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        written = list(out.glob(f"{STAGING_PREFIX}*/don-vi/*"))
        if len(written) >= 20:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the batch ended before it could be killed"
    workers = _children(process.pid)
    assert workers, "the batch runs its units in worker processes (-j 2)"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10  # the workers notice their batch is gone and end
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "worker processes left running"
    assert {k: v for k, v in limits.snapshot(out).items() if not k.startswith(STAGING_PREFIX)} == before
    assert staging_left(out), "the killed batch left its staging (cleaned by the next run)"
    result = _run("batch", PLAN, "--units", units, "-o", out, "-j", "2")
    assert result.returncode in (0, 1), result.stderr
    assert len(list((out / "don-vi").iterdir())) == 408 and not staging_left(out)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def test_batch_with_spawned_workers_and_without_posix_calls(tmp_path, monkeypatch):
    """The path Windows takes: worker processes started by spawn (no fork there) and no os.sync,
    O_NONBLOCK or sched_getaffinity; the same bytes as the default run."""
    from generator.units import batch

    units = copy_units(tmp_path)
    assert main(["batch", str(PLAN), "--units", str(units), "-o", str(tmp_path / "fork"), "-j", "2"]) in (0, 1)
    monkeypatch.setattr(batch, "_fork", lambda: multiprocessing.get_context("spawn"))
    for name in ("sync", "O_NONBLOCK", "sched_getaffinity", "fork"):
        monkeypatch.delattr(os, name, raising=False)
    assert main(["batch", str(PLAN), "--units", str(units), "-o", str(tmp_path / "spawn"), "-j", "2"]) in (0, 1)
    assert limits.snapshot(tmp_path / "spawn") == limits.snapshot(tmp_path / "fork")


def test_stale_staging_of_a_dead_process_is_cleaned_and_a_live_one_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / f"{STAGING_PREFIX}999999999-aaaa.tmp"
    live = out / f"{STAGING_PREFIX}{os.getpid()}-bbbb.tmp"
    other = out / ".khac.tmp"
    for folder in (dead, live, other):
        folder.mkdir()
    assert main(["build", str(PLAN), "-o", str(out)]) == 0
    assert not dead.exists() and live.exists() and other.exists()


def test_a_unit_that_cannot_be_written_leaves_the_previous_batch(tmp_path, monkeypatch, capfd):
    """A unit's folder that cannot be made (a name over 255 bytes, a full disk) half-way through:
    exit 2, the previous units, zip and workbook as they were, no staging, no openpyxl noise."""
    import errno
    import gc

    from generator.units import batch

    units, out = copy_units(tmp_path), tmp_path / "out"
    assert main(["batch", str(PLAN), "--units", str(units), "-o", str(out), "-j", "1"]) in (0, 1)
    before = limits.snapshot(out)
    real, calls = batch.write_fresh, []

    def write_fresh(folder, files):
        calls.append(folder)
        if len(calls) == 5:
            raise OSError(errno.ENAMETOOLONG, "File name too long")
        return real(folder, files)

    monkeypatch.setattr(batch, "write_fresh", write_fresh)
    ignored = []  # what Python would print as "Exception ignored in …"
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    capfd.readouterr()
    assert main(["batch", str(changed_plan(tmp_path)), "--units", str(units), "-o", str(out), "-j", "1"]) == 2
    gc.collect()  # where openpyxl's half-written sheet would complain
    err = capfd.readouterr().err
    assert "File name too long" in err and "Exception ignored" not in err and not ignored, (err, ignored)
    assert limits.snapshot(out) == before and not staging_left(out)
