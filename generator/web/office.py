"""LibreOffice kept warm for the preview: one office process started once, driven through UNO by
LibreOffice's own Python (uno_bridge.py), restarted when it dies or stops answering. Without a
Python that has `uno`, each conversion falls back to `generator.render.pdf.convert_to_pdf` (a cold
start each time). Pages are drawn as PNG with poppler's pdftoppm when it is installed.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from generator.render.pdf import PdfError, PdfUnavailable, convert_to_pdf, find_soffice

BRIDGE = Path(__file__).with_name("uno_bridge.py")
START_TIMEOUT, CONVERT_TIMEOUT = 120.0, 60.0


def uno_python(soffice: str) -> str | None:
    """A Python that can `import uno`: LibreOffice's own (Windows, macOS), else the system's (Debian's python3-uno)."""
    program = Path(soffice).resolve().parent
    candidates = [program / "python.exe", program / "python", program.parent / "Resources" / "python"]
    candidates += [Path(p) for p in (shutil.which("python3"), "/usr/bin/python3") if p]
    for candidate in candidates:
        if candidate.is_file():
            try:
                probe = subprocess.run(
                    [str(candidate), "-c", "import uno"],
                    capture_output=True,
                    timeout=30,
                    stdin=subprocess.DEVNULL,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired):
                continue
            if probe.returncode == 0:
                return str(candidate)
    return None


class WarmOffice:
    """One LibreOffice for the server's life; `convert` is safe to call from several threads (one at a time)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.office: subprocess.Popen | None = None
        self.bridge: subprocess.Popen | None = None
        self.replies: queue.Queue = queue.Queue()
        self.profile: Path | None = None
        self.starts = 0
        self._python: str | None | bool = False  # False: not looked up yet

    @property
    def warm(self) -> bool:
        return (
            self.office is not None
            and self.office.poll() is None
            and self.bridge is not None
            and self.bridge.poll() is None
        )

    def start(self) -> bool:
        """Start the office now (in the background of the first page); False when it cannot be kept warm."""
        with self.lock:
            try:
                return self._ensure()
            except PdfError:
                return False

    def _ensure(self) -> bool:
        if self.warm:
            return True
        self._stop()
        soffice = find_soffice()
        if self._python is False:
            self._python = uno_python(soffice)
        if not self._python:
            return False
        if self.profile is None:
            self.profile = Path(tempfile.mkdtemp(prefix="vanban-office-"))
        pipe = f"vanban{os.getpid()}x{id(self)}x{self.starts}"
        self.office = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={(self.profile / 'profile').as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.bridge = subprocess.Popen(
            [self._python, str(BRIDGE), pipe],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            start_new_session=True,
        )
        self.replies = queue.Queue()
        threading.Thread(target=self._read, args=(self.bridge, self.replies), daemon=True).start()
        self.starts += 1
        reply = self._reply(START_TIMEOUT)
        if not reply.get("ok"):
            self._stop()
            raise PdfError(f"không khởi động được LibreOffice: {reply.get('error', '')}")
        return True

    @staticmethod
    def _read(process: subprocess.Popen, replies: queue.Queue) -> None:
        for line in process.stdout:
            try:
                replies.put(json.loads(line))
            except ValueError:
                continue
        replies.put({"ok": False, "error": "LibreOffice đã dừng", "dead": True})

    def _reply(self, timeout: float) -> dict:
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            return {"ok": False, "error": f"LibreOffice không trả lời sau {int(timeout)} giây", "dead": True}

    def convert(self, docx: Path, pdf: Path) -> Path:
        """`docx` → `pdf` with the warm office (started or restarted as needed; one retry after a
        restart), else one cold LibreOffice run. PdfUnavailable without LibreOffice, PdfError on failure."""
        docx, pdf = Path(docx).resolve(), Path(pdf).resolve()
        with self.lock:
            for _attempt in range(2):
                if not self._ensure():
                    return self._cold(docx, pdf)
                try:
                    self.bridge.stdin.write(json.dumps({"in": str(docx), "out": str(pdf)}) + "\n")
                    self.bridge.stdin.flush()
                except OSError:
                    self._stop()
                    continue
                reply = self._reply(CONVERT_TIMEOUT)
                if reply.get("ok") and pdf.is_file():
                    return pdf
                self._stop()  # dead, hung or confused: a fresh office for the next try
                error = reply.get("error", "")
            raise PdfError(f"LibreOffice không chuyển được sang PDF: {error}")

    @staticmethod
    def _cold(docx: Path, pdf: Path) -> Path:
        made = convert_to_pdf([docx], pdf.parent)[0]
        if made != pdf:
            made.replace(pdf)
        return pdf

    def _stop(self) -> None:
        for process in (self.bridge, self.office):
            if process is not None:
                _kill_tree(process)
        self.bridge = self.office = None

    def close(self) -> None:
        with self.lock:
            self._stop()
            if self.profile is not None:
                shutil.rmtree(self.profile, ignore_errors=True)
                self.profile = None


def _kill_tree(process: subprocess.Popen) -> None:
    """Stop a process started in its own session with everything it started (the office's
    launcher may be gone while soffice.bin lives on)."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    if process.poll() is None:
        process.kill()
    process.wait()


def page_count(pdf: Path) -> int:
    """Pages of a PDF (its /Type /Page objects; LibreOffice writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", Path(pdf).read_bytes())) or 1


def page_image(pdf: Path, page: int, target: Path, resolution: int = 60) -> Path | None:
    """One page as PNG (pdftoppm); None when poppler is not installed."""
    program = shutil.which("pdftoppm")
    if not program:
        return None
    stem = target.with_suffix("")
    subprocess.run(
        [program, "-png", "-r", str(resolution), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    made = stem.with_suffix(".png")
    return made if made.is_file() else None


__all__ = ["PdfError", "PdfUnavailable", "WarmOffice", "page_count", "page_image", "uno_python"]
