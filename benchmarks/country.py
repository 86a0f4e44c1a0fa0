"""Benchmark of the whole country in one batch (issue 18 point 5, Word files): a units file of all
3,321 communes (made from the data shipped with vanban, as `vanban don-vi` makes one), 3 documents
each (ke-hoach.docx, phu-luc-2.docx, ho-so.docx: 9,963 in all), with the Tây Ninh 2026 plan and its
commune skeleton, by `run_batch` in a fresh process with -j = the core count.

Printed: wall time (median of --runs runs; target ≤ 15 s on 2 cores), documents per second, CPU of
all processes, the CPU time of each step per unit (one process, a sample) with the units file's
loading and checking, peak memory (ru_maxrss of the batch process and of its largest worker, and
the peak of their summed PSS, sampled in a run of its own), and the load average (the machine may be
shared: CPU seconds ÷ cores is what the same work takes on cores of its own).

    python benchmarks/country.py [--runs 3] [--dir /dev/shm]

The reconciliation does not add up (3,321 communes against one province's plan): the batch exits
with its findings, which is not measured here; every unit must be written.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "data" / "tay-ninh-2026.yaml"
SKELETON = REPO / "data" / "units" / "ke-hoach-xa-tay-ninh-2026.yaml"
DOCUMENTS_PER_UNIT = 3
TARGET_SECONDS, TARGET_MB = 15.0, 300

sys.path.insert(0, str(REPO))
_spec = importlib.util.spec_from_file_location("batch_benchmark", Path(__file__).with_name("batch.py"))
batch_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(batch_benchmark)  # its batch runner script and /proc readers


def write_country(path: Path) -> int:
    """The units file of every commune in the data, with the skeleton's assignments; its unit count."""
    from generator.units import dvhc
    from generator.units.make_units import skeleton_assignments, units_file_text

    data = dvhc.load()
    text = units_file_text(
        data, data.provinces[0], data.communes, path, SKELETON, skeleton_assignments(SKELETON), "benchmarks/country.py"
    )
    path.write_text(text, encoding="utf-8")
    return len(data.communes)


def run(units_path: Path, folder: Path, jobs: int, *, sampled: bool = False) -> dict:
    """run_batch in a fresh process (imports not timed); with `sampled`, the peak summed PSS of it and its workers."""
    process = subprocess.Popen(
        [sys.executable, "-c", batch_benchmark.BATCH, str(PLAN), str(units_path), str(folder), str(jobs)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    peak = 0.0
    while sampled and process.poll() is None:
        pids = [process.pid, *batch_benchmark._read(f"/proc/{process.pid}/task/{process.pid}/children").split()]
        peak = max(peak, sum(batch_benchmark._pss_mb(pid) for pid in pids))
        time.sleep(0.05)
    output = process.communicate()[0]
    assert process.returncode == 0, process.returncode
    written = sum(1 for _ in (folder / "don-vi").rglob("*.docx"))
    shutil.rmtree(folder, ignore_errors=True)
    return {**json.loads(output.strip().splitlines()[-1]), "pss_peak_mb": peak, "docx": written}


def steps(units_path: Path, folder: Path, sample: int) -> dict[str, float]:
    """CPU ms per unit of each step, one process: the units file over all units, the rest over `sample`."""
    from generator.build import compute_loaded
    from generator.files import write_files
    from generator.model.loader import load_plan
    from generator.render.renderer import Renderer
    from generator.units.unitplan import unit_plan
    from generator.units.unitsfile import load_units

    start = time.process_time()
    units = load_units(units_path)
    out = {"units file (read, check)": (time.process_time() - start) / len(units.units)}
    town, renderer = load_plan(PLAN), Renderer()
    renderer.render_plan(compute_loaded(unit_plan(town, units, units.units[0])))
    totals = dict.fromkeys(("unit plan", "compute", "render (3 files)", "write"), 0.0)
    for unit in units.units[:sample]:
        marks = [time.process_time()]
        loaded = unit_plan(town, units, unit)
        marks.append(time.process_time())
        figures = compute_loaded(loaded)
        marks.append(time.process_time())
        files = renderer.render_plan(figures).files
        marks.append(time.process_time())
        write_files(folder / unit.slug, files, durable=False)
        marks.append(time.process_time())
        for key, before, after in zip(totals, marks, marks[1:]):
            totals[key] += after - before
    out.update((key, value / sample) for key, value in totals.items())
    shutil.rmtree(folder, ignore_errors=True)
    return {key: value * 1000 for key, value in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median is reported; default 3)")
    shm = Path("/dev/shm")
    default = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    parser.add_argument(
        "--dir", type=Path, default=default, help=f"where to write (default: {default or 'the system temp folder'})"
    )
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="vanban-country-", dir=args.dir))
    try:
        units_path = work / "ca-nuoc.yaml"
        count = write_country(units_path)
        documents = count * DOCUMENTS_PER_UNIT
        print(
            f"cores: {cores}; communes: {count}; documents: {documents}; units file {units_path.stat().st_size / 2**20:.1f} MB;"
            f" writing to {work}"
        )
        print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        runs = [run(units_path, work / f"run{i}", cores) for i in range(args.runs)]
        best = batch_benchmark.median(runs)
        assert best["units"] == count and best["failed"] == 0 and best["docx"] == documents, best
        seconds, cpu = best["seconds"], best["cpu"]
        each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        print(f"vanban batch -j {cores}, median of {args.runs} (runs: {each} s):")
        print(
            f"  wall {seconds:.2f} s  {documents / seconds:.0f} documents/s  {seconds / documents * 1000:.2f} ms/document"
            f"  (target ≤ {TARGET_SECONDS:.0f} s: {batch_benchmark.verdict(seconds <= TARGET_SECONDS)})"
        )
        print(
            f"  CPU of all processes {cpu:.2f} s; ÷ {cores} cores = {cpu / cores:.2f} s: the wall time on cores of its own"
            f" (target ≤ {TARGET_SECONDS:.0f} s: {batch_benchmark.verdict(cpu / cores <= TARGET_SECONDS)})"
        )
        memory = run(units_path, work / "memory", cores, sampled=True)
        peak = max(memory["parent_mb"], memory["pss_peak_mb"])
        print(
            f"peak memory, MB: batch process {memory['parent_mb']:.0f}, largest worker {memory['worker_mb']:.0f},"
            f" all processes together (PSS) {memory['pss_peak_mb']:.0f} (target ≤ {TARGET_MB}: {batch_benchmark.verdict(peak <= TARGET_MB)})"
        )
        sample = 300
        per_unit = steps(units_path, work / "steps", sample)
        print(
            f"CPU ms per unit, one process (units file: all {count}; the rest: {sample} units): "
            + ", ".join(f"{k} {v:.2f}" for k, v in per_unit.items())
            + f"; total {sum(per_unit.values()):.2f}"
        )
        print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
