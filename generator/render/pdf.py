"""PDF copies of .docx files through LibreOffice headless.

Many files are shared out between several LibreOffice instances (one per core by default), each
with its own profile folder (``-env:UserInstallation``), so they neither collide with each other
nor with a LibreOffice the clerk has open. An instance converts a chunk of files per run; one that
dies or hangs past its timeout is stopped with its whole process tree and the next run starts a
fresh one. Files without a PDF are retried once, one at a time, then reported by name.
Files are converted under unique temporary names (two units may both have ke-hoach.docx).
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import OutputError
from generator.files import write_files

#: Where LibreOffice installs itself on macOS when it is not on PATH.
KNOWN_LOCATIONS = (Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),)
#: Windows: under these folders (from the environment), and where the registry says.
PROGRAM_FOLDERS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")
REGISTRY_KEYS = (r"SOFTWARE\LibreOffice\UNO\InstallPath", r"SOFTWARE\WOW6432Node\LibreOffice\UNO\InstallPath")
#: Seconds a run may take to make its first PDF (the first start of a fresh profile is slow), then
#: each next one: past them without a new PDF, the run is taken as hung.
START_TIMEOUT, PER_FILE_TIMEOUT = 90, 30
CHUNK = 200  # files per LibreOffice run at most (each start costs seconds)

INSTALL_HINT = (
    "Không tìm thấy LibreOffice (lệnh soffice) nên chưa tạo được tệp PDF; các tệp Word (.docx) vẫn được ghi.\n"
    "Cài LibreOffice rồi chạy lại:\n"
    "  - Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui fonts-liberation2\n"
    "  - Windows, macOS: tải và cài LibreOffice từ https://www.libreoffice.org/download/"
)


class PdfError(OutputError):
    """LibreOffice could not convert the files."""


class PdfUnavailable(PdfError):
    """LibreOffice is not installed (or not found)."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


def default_instances() -> int:
    """One LibreOffice instance per usable core."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


# --- finding LibreOffice -------------------------------------------------------------------------


def find_soffice(*, environ: Mapping[str, str] | None = None, windows: bool | None = None, registry=None) -> str:
    """The LibreOffice program to run; PdfUnavailable when there is none.

    PATH first; on Windows then %ProgramFiles%, %ProgramW6432%, %ProgramFiles(x86)% and the
    registry's UNO InstallPath (`registry` is the winreg module, replaceable in tests).
    """
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    environ = os.environ if environ is None else environ
    windows = sys.platform == "win32" if windows is None else windows
    candidates = list(KNOWN_LOCATIONS)
    if windows:
        candidates = windows_candidates(environ, registry)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise PdfUnavailable()


def windows_candidates(environ: Mapping[str, str], registry=None) -> list[Path]:
    """Where soffice.exe may be on Windows, most likely first."""
    folders = [environ[name] for name in PROGRAM_FOLDERS if environ.get(name)]
    folders += ["C:/Program Files", "C:/Program Files (x86)"]
    candidates = [Path(folder) / "LibreOffice" / "program" / "soffice.exe" for folder in folders]
    candidates += [Path(folder) / "soffice.exe" for folder in _registry_folders(registry)]
    return list(dict.fromkeys(candidates))


def _registry_folders(registry=None) -> list[str]:
    """The program folders LibreOffice recorded in the registry (HKLM and HKCU, 64 and 32 bits)."""
    if registry is None:
        try:
            import winreg as registry  # noqa: PLC0415 (Windows only)
        except ImportError:
            return []
    folders = []
    for hive in (registry.HKEY_LOCAL_MACHINE, registry.HKEY_CURRENT_USER):
        for key in REGISTRY_KEYS:
            try:
                with registry.OpenKey(hive, key) as handle:
                    value, _ = registry.QueryValueEx(handle, "")
            except OSError:
                continue
            if isinstance(value, str) and value:
                folders.append(value)
    return folders


# --- converting ----------------------------------------------------------------------------------


@dataclass
class Conversion:
    """What a conversion of many files gave: source index → PDF file (in `work`), and the failures."""

    pdfs: dict[int, Path] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)
    runs: int = 0  # LibreOffice processes started
    log: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """PDFs written beside their Word files, and the Word files that could not be converted."""

    written: list[Path]
    failed: list[Path]
    log: list[str]


def pdf_beside(docx_paths: list[Path], *, instances: int | None = None, timeout: float | None = None) -> Outcome:
    """A PDF beside each .docx (name.docx → name.pdf), by several LibreOffice instances at once.

    A file that fails twice is in `failed` (its old PDF, if any, is left to the caller); raises
    PdfUnavailable without LibreOffice.
    """
    sources = [Path(p) for p in docx_paths]
    missing = [str(s) for s in sources if not s.is_file()]
    if missing:
        raise PdfError(f"không tìm thấy tệp để chuyển sang PDF: {', '.join(missing)}")
    if not sources:
        return Outcome([], [], [])
    program = find_soffice()
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        result = convert_many(program, sources, Path(work), instances=instances, timeout=timeout)
        written = []
        for index, source in enumerate(sources):
            if index in result.pdfs:
                target = source.with_suffix(".pdf")
                written += write_files(target.parent, {target.name: result.pdfs[index].read_bytes()})
    return Outcome(written, [sources[i] for i in result.failed], result.log)


def convert_to_pdf(docx_paths: list[Path], *, instances: int | None = None, timeout: float | None = None) -> list[Path]:
    """A PDF beside each .docx; the PDF paths in the same order. PdfUnavailable, or PdfError naming
    the files that were not converted (the others are written)."""
    outcome = pdf_beside(docx_paths, instances=instances, timeout=timeout)
    if outcome.failed:
        raise PdfError(failure_message([str(p) for p in outcome.failed], outcome.log))
    return outcome.written


def convert_documents(files: Mapping[str, bytes], *, timeout: float | None = None) -> dict[str, bytes]:
    """PDF bytes of in-memory Word files (name.docx → name.pdf); PdfUnavailable or PdfError."""
    program = find_soffice()
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        work = Path(work)
        names = list(files)
        sources = [work / f"nguon-{i:05d}.docx" for i in range(len(names))]
        for source, name in zip(sources, names):
            source.write_bytes(files[name])
        result = convert_many(program, sources, work, timeout=timeout)
        if result.failed:
            raise PdfError(failure_message([names[i] for i in result.failed], result.log))
        return {f"{Path(names[i]).stem}.pdf": result.pdfs[i].read_bytes() for i in range(len(names))}


def failure_message(names: list[str], log: list[str]) -> str:
    tail = "\n".join("\n".join(log).strip().splitlines()[-5:])
    return f"LibreOffice không chuyển được sang PDF (đã thử lại một lần): {', '.join(names)}" + (
        f"\n{tail}" if tail else ""
    )


def convert_many(
    program: str,
    sources: list[Path],
    work: Path,
    *,
    instances: int | None = None,
    timeout: float | None = None,
    chunk: int | None = None,
    on_start: Callable[[int, subprocess.Popen], None] | None = None,
) -> Conversion:
    """Convert `sources` with `instances` LibreOffice instances at once; the PDFs stay in `work`.

    Each instance has its own profile under `work`. A run (one process, a chunk of files) that
    ends without some PDFs — the process died, or hung: no new PDF for `timeout` seconds (default
    START_TIMEOUT for the first, PER_FILE_TIMEOUT for each next) — puts those files back to be
    retried once, alone; files failing twice are in `failed`. A PDF counts when it is complete. `on_start(instance, process)` is called as
    each run starts (for progress or tests).
    """
    instances = max(1, min(instances or default_instances(), len(sources)))
    size = chunk or max(1, min(CHUNK, math.ceil(len(sources) / instances)))
    inputs, outputs = work / "vao", work / "ra"
    inputs.mkdir(parents=True, exist_ok=True)
    outputs.mkdir(parents=True, exist_ok=True)
    staged = []
    for index, source in enumerate(sources):
        copy = inputs / f"{index:05d}.docx"
        if source != copy:
            shutil.copyfile(source, copy)
        staged.append(copy)
    result = Conversion()
    queue: deque[tuple[list[int], int]] = deque(
        (list(range(start, min(start + size, len(sources)))), 0) for start in range(0, len(sources), size)
    )
    state = threading.Condition()
    busy = [0]

    def take() -> tuple[list[int], int] | None:
        with state:
            while not queue and busy[0]:
                state.wait()
            if not queue:
                return None
            busy[0] += 1
            return queue.popleft()

    def worker(instance: int) -> None:
        profile = (work / f"profile-{instance}").as_uri()
        while (job := take()) is not None:
            indices, attempt = job
            command = [
                program,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outputs),
                *(str(staged[i]) for i in indices),
            ]
            pdfs = [outputs / f"{i:05d}.pdf" for i in indices]
            log = run_tree(
                command,
                timeout or START_TIMEOUT,
                lambda process: on_start and on_start(instance, process),
                progress=lambda: sum(map(Path.exists, pdfs)),
                step=timeout or PER_FILE_TIMEOUT,
            )
            with state:
                result.runs += 1
                if log:
                    result.log.append(log)
                for index in indices:
                    pdf = outputs / f"{index:05d}.pdf"
                    if complete(pdf):
                        result.pdfs[index] = pdf
                    elif attempt == 0:
                        queue.append(([index], 1))
                    else:
                        result.failed.append(index)
                busy[0] -= 1
                state.notify_all()

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(instances)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.failed.sort()
    return result


def complete(pdf: Path) -> bool:
    """A whole PDF file: it ends with its %%EOF marker (a run stopped mid-write leaves a cut one)."""
    try:
        with pdf.open("rb") as handle:
            handle.seek(max(0, pdf.stat().st_size - 1024))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def run_tree(
    command: list[str],
    timeout: float,
    started: Callable[[subprocess.Popen], None] | None = None,
    *,
    progress: Callable[[], int] | None = None,
    step: float | None = None,
) -> str:
    """Run a program in its own process group; its output. The whole tree is ended when it runs
    `timeout` seconds without `progress()` growing (then `step` seconds after each growth), and
    whatever it left running is ended anyway."""
    options: dict = {"start_new_session": True}
    if sys.platform == "win32":
        options = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a chatty program never blocks on it
        try:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **options
            )
        except OSError as exc:
            raise PdfError(f"không chạy được LibreOffice ({command[0]}): {exc.strerror or exc}") from None
        if started:
            started(process)
        done, limit, last = 0, timeout, time.monotonic()
        hung = None
        while process.poll() is None:
            try:
                process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
            now = progress() if progress else 0
            if now > done:
                done, limit, last = now, step or timeout, time.monotonic()
            elif time.monotonic() - last > limit:
                hung = f"LibreOffice không trả lời sau {int(limit)} giây; đã dừng"
                break
        end_tree(process)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    return f"{text}\n{hung}" if hung else text


def end_tree(process: subprocess.Popen) -> None:
    """End a process and everything it started (its process group; taskkill /T on Windows)."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:  # the group is already gone
            pass
    if process.poll() is None:
        process.kill()
    process.communicate()
