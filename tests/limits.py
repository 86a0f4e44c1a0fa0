"""Run `vanban` in a child process with limits, and measure it (issue 14: under 5 s, under 500 MB).

On POSIX the child is forked from the test process (vanban already imported: no start-up cost),
its address space capped with resource.setrlimit at what it had plus twice MEMORY_BUDGET (a bomb
dies there instead of taking the machine), its CPU time capped, and a wall-clock alarm set against
a hang; os.wait4 gives its peak memory and CPU time. The peak counts the pages shared with the test
process, whose size depends on what ran before: `Outcome.memory` is the peak less the test
process's resident memory at the fork, plus FRESH_PROCESS (what a fresh `vanban` process holds
once its modules are imported, ~80 MB measured) — the memory the command would take on its own.
The objects inherited are frozen (gc.freeze) so the child's collections do not walk them. On
Windows (no fork, no resource module) the command runs in-process without limits.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
MEMORY_BUDGET = 500 * MB  # peak resident memory of one command
CPU_BUDGET = 5.0  # seconds of CPU of one command
HANG = 60  # seconds of wall clock before the child is killed as hung
FRESH_PROCESS = 100 * MB  # a fresh `vanban` process with its modules imported (rounded up)


@dataclass
class Outcome:
    code: int
    cpu: float  # seconds (user + system)
    peak: int  # bytes of resident memory at the peak
    stdout: str
    stderr: str
    base: int = 0  # bytes resident in the test process at the fork

    @property
    def memory(self) -> int:
        """The command's own peak memory (see the module's docstring)."""
        return max(self.peak - self.base, 0) + FRESH_PROCESS


def _status(field: str) -> int:
    """A size from /proc/self/status (VmSize, VmRSS) in bytes; 0 where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run(argv: list[str], folder: Path) -> Outcome:
    """`vanban argv` in a limited child; its exit code (−signal when killed), CPU, peak memory, output."""
    from generator.cli import main

    out, err = folder / ".stdout", folder / ".stderr"
    if not hasattr(os, "fork"):
        import contextlib
        import io

        buffers = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(buffers[0]), contextlib.redirect_stderr(buffers[1]):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
        return Outcome(code, 0.0, 0, buffers[0].getvalue(), buffers[1].getvalue())
    import gc
    import resource
    import signal

    baseline, resident = _status("VmSize"), _status("VmRSS")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 98
        try:
            sys.settrace(
                None
            )  # a tracer of the test process (Hypothesis explaining a failure, coverage) is not the command's
            gc.freeze()
            limit = baseline + 2 * MEMORY_BUDGET if baseline else resource.RLIM_INFINITY
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CPU, (int(CPU_BUDGET * 4), int(CPU_BUDGET * 4) + 1))
            signal.alarm(HANG)
            for path, fd in ((out, 1), (err, 2)):
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(handle, fd)
                os.close(handle)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001 - anything here is reported as exit 99
            code = 99
        finally:
            os._exit(code)
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    text = lambda p: p.read_text(encoding="utf-8", errors="replace") if p.exists() else ""  # noqa: E731
    outcome = Outcome(code, usage.ru_utime + usage.ru_stime, peak, text(out), text(err), resident)
    out.unlink(missing_ok=True)
    err.unlink(missing_ok=True)
    return outcome


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (FIFOs and sockets by name): path → SHA-256 or kind."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative in (".stdout", ".stderr"):
            continue
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            found[relative] = "special"
        elif path.is_dir():
            found[relative] = "dir"
        else:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
