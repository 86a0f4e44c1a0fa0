"""The units batch run for the workspace: `generator.units.batch.run_batch` in a child process (all
cores, and the server stays responsive), its progress read from the unit folders it has finished,
its outcome (each unit written or its problems, the reconciliation) as JSON.

    python -m generator.web.jobs PLAN UNITS OUT RESULT.json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

RESULT = "ket-qua.json"
#: What generator.units.batch writes in its folder (not imported here: it brings the renderer and openpyxl).
UNITS_FOLDER, ARCHIVE, WORKBOOK = "don-vi", "don-vi.zip", "tong-hop-don-vi.xlsx"


@dataclass
class Job:
    id: str
    plan: str
    units: str
    folder: Path
    process: subprocess.Popen | None = None
    started: float = field(default_factory=time.monotonic)
    total: int | None = None

    @property
    def result(self) -> dict | None:
        try:
            return json.loads((self.folder / RESULT).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @property
    def done(self) -> int:
        """Units written so far (their folders appear one by one, each renamed into place whole)."""
        folder = self.folder / UNITS_FOLDER
        try:
            return sum(1 for p in folder.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
        except OSError:
            return 0

    @property
    def finished(self) -> bool:
        return self.process is None or self.process.poll() is not None

    @property
    def archive(self) -> Path:
        return self.folder / ARCHIVE

    @property
    def workbook(self) -> Path:
        return self.folder / WORKBOOK


class Jobs:
    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def start(self, plan: Path, units: Path, parent: Path, names: tuple[str, str]) -> Job:
        job_id = uuid.uuid4().hex[:12]
        folder = parent / job_id
        folder.mkdir(parents=True)
        job = Job(job_id, *names, folder)
        job.total = _count_units(units)
        job.process = subprocess.Popen(
            [sys.executable, "-m", "generator.web.jobs", str(plan), str(units), str(folder), str(folder / RESULT)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        with self.lock:
            self.jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def close(self) -> None:
        for job in self.jobs.values():
            if job.process is not None and job.process.poll() is None:
                job.process.kill()
                job.process.wait()


def _count_units(units: Path) -> int | None:
    from generator.errors import PlanError
    from generator.units.unitsfile import load_units

    try:
        return len(load_units(units).units)
    except (PlanError, OSError):  # the child process reports the file's problems
        return None


def run(plan: Path, units: Path, out: Path, result_path: Path) -> int:
    """Run the batch and write its outcome; every failure ends up in the JSON, never only on stderr."""
    from generator.errors import OutputError, PlanError
    from generator.units.batch import run_batch

    outcome: dict = {"ok": False}
    try:
        result = run_batch(
            plan,
            units,
            out,
            jobs=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
        )
        outcome = {
            "ok": True,
            "units": [
                {
                    "ten": u.unit.ten,
                    "ok": u.ok,
                    "problems": [str(p) for p in u.problems],
                    "warnings": [str(w) for w in u.warnings],
                }
                for u in result.units
            ],
            "lines": [
                {"ten": line.ten, "don_vi": line.don_vi, "cap_tren": line.cap_tren, "ok": line.ok}
                for line in result.lines
            ],
        }
    except PlanError as exc:
        outcome = {"ok": False, "problems": [str(p) for p in exc.problems]}
    except OutputError as exc:
        outcome = {"ok": False, "problems": [f"Không ghi được kết quả: {exc}"]}
    except Exception as exc:  # noqa: BLE001 — reported to the clerk rather than lost with the child process
        outcome = {"ok": False, "problems": [f"Lỗi không lường trước: {type(exc).__name__}: {exc}"]}
    tmp = result_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    tmp.replace(result_path)
    return 0


if __name__ == "__main__":
    sys.exit(run(*map(Path, sys.argv[1:5])))
