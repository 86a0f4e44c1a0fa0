"""PDF copies of .docx files through LibreOffice headless: one soffice process for the whole list.

Each run uses its own LibreOffice profile (a temporary folder), so parallel runs do not collide
with each other or with a LibreOffice the clerk has open. Files are converted under unique
temporary names (two units may both have ke-hoach.docx) and then moved into place atomically.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from generator.errors import OutputError
from generator.files import write_files

#: Where LibreOffice installs itself when it is not on PATH (Windows, macOS).
KNOWN_LOCATIONS = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
)
BASE_TIMEOUT, PER_FILE_TIMEOUT = 120, 30  # seconds; the first start of a fresh profile is slow

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


def find_soffice() -> str:
    """The LibreOffice program to run; PdfUnavailable when there is none."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for candidate in KNOWN_LOCATIONS:
        if candidate.is_file():
            return str(candidate)
    raise PdfUnavailable()


def convert_to_pdf(docx_paths: list[Path], out_dir: Path | None = None, *, timeout: float | None = None) -> list[Path]:
    """Convert .docx files to PDF in one LibreOffice run; returns the PDF paths, in the same order.

    Each PDF is named after its .docx and written to `out_dir`, or beside its .docx when `out_dir`
    is None (for files of several units at once). Raises PdfUnavailable, or PdfError naming the
    files that were not converted.
    """
    sources = [Path(p) for p in docx_paths]
    targets = [Path(out_dir or source.parent) / f"{source.stem}.pdf" for source in sources]
    if len(set(targets)) != len(targets):
        raise PdfError("hai tệp .docx trùng tên sẽ ghi đè PDF của nhau trong cùng thư mục; hãy để out_dir trống")
    missing = [str(s) for s in sources if not s.is_file()]
    if missing:
        raise PdfError(f"không tìm thấy tệp để chuyển sang PDF: {', '.join(missing)}")
    if not sources:
        return []
    program = find_soffice()
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        work = Path(work)
        inputs, outputs = work / "vao", work / "ra"
        inputs.mkdir()
        staged = [inputs / f"{i:04d}.docx" for i in range(len(sources))]
        for source, copy in zip(sources, staged):
            shutil.copyfile(source, copy)
        command = [
            program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(outputs), *map(str, staged),
        ]
        log = _run(command, timeout or BASE_TIMEOUT + PER_FILE_TIMEOUT * len(sources))
        results = [outputs / f"{copy.stem}.pdf" for copy in staged]
        failed = [str(s) for s, r in zip(sources, results) if not r.is_file() or r.stat().st_size == 0]
        if failed:
            raise PdfError(f"LibreOffice không chuyển được sang PDF: {', '.join(failed)}{_tail(log)}")
        written = []
        for target, result in zip(targets, results):
            written += write_files(target.parent, {target.name: result.read_bytes()})
    return written


def _run(command: list[str], timeout: float) -> str:
    """Run soffice in its own process group (so a hung one is stopped with its children); its output."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise PdfError(f"không chạy được LibreOffice ({command[0]}): {exc.strerror or exc}") from None
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise PdfError(f"LibreOffice không trả lời sau {int(timeout)} giây; đã dừng, chưa tạo PDF") from None
    return output.decode("utf-8", "replace")


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):  # Windows has no process groups
        process.kill()
    process.communicate()


def _tail(log: str, lines: int = 5) -> str:
    text = "\n".join(log.strip().splitlines()[-lines:])
    return f"\n{text}" if text else ""
