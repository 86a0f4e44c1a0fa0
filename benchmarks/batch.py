"""Benchmark of `vanban batch` (issue 7), all on this machine, in one run:

  (a) naive: DocxTemplate(path), render(context, env, autoescape=True), save — per document, and
      ho-so.docx (the plan with its appendix) by compose() of the two;
  (b) vanban: generator.units.batch.run_batch, the real thing (read the units file, validate, compute,
      render, atomic writes, zip, workbook), with -j = the core count and with -j 1;
  (c) floor: the precompiled Jinja bodies rendered and zipped with only the changed parts compressed
      (no docxtpl post-processing, no parsing; ho-so.docx joins the two bodies as text), no fsync;

over N generated units (default 1,000), each with its full document set: ke-hoach.docx,
phu-luc-2.docx and ho-so.docx, 3 documents per unit in all three. (a) and (c) get each unit's
computed contexts ready-made (not timed); (b)'s time includes reading and computing them. (b) and
(c) are the median of 3 runs each, run in turns. Also: peak memory of the batch, in a run of its own
(resource.getrusage ru_maxrss of the batch process and of its largest worker, and the peak of
their summed PSS), and a cold `vanban build` in a fresh process (median of 3).

    python benchmarks/batch.py [--units 1000] [--dir /tmp]

All three write to --dir: by default /dev/shm (a RAM disk) where there is one, which takes the disk's
own variations (journal commits, writeback) out of a comparison of work done; else the system temp
folder. Give --dir /tmp to measure on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "data" / "kien-tuong-2024.yaml"
UNITS = REPO / "data" / "units" / "kien-tuong.yaml"
SKELETON = REPO / "data" / "units" / "ke-hoach-don-vi.yaml"
TEMPLATE_DOCS = ("ke-hoach.docx", "phu-luc-2.docx")
DOCUMENTS_PER_UNIT = len(TEMPLATE_DOCS) + 1  # and ho-so.docx
REPEATS = 3  # timed runs of (b) and (c); the median is reported


def write_units(path: Path, count: int) -> None:
    """A units file of `count` units like the bundled ones (a third phường, the rest xã)."""
    head = UNITS.read_text(encoding="utf-8")
    head = head[head.index("\nke_hoach:") + 1 : head.index("\ndon_vi:") + 1].replace(
        "ke-hoach-don-vi.yaml", str(SKELETON), 1
    )
    lines = [head + "don_vi:"]
    for i in range(1, count + 1):
        ward = i % 3 == 0
        name = f"Phường {i}" if ward else f"xã Tân Thạnh {i}"
        places = ", ".join(f"{'Khu phố' if ward else 'Ấp'} {k}" for k in range(1, 6))
        lines += [
            f"  - ten: {name}",
            f"    loai: {'phuong' if ward else 'xa'}",
            f"    tieu_de: [ỦY BAN NHÂN DÂN, {name.upper()}]",
            f"    ten_day_du: Ủy ban nhân dân {name}",
            f"    dia_danh: {name.removeprefix('xã ')}",
            "    ky: {tham_quyen: TM. ỦY BAN NHÂN DÂN, chuc_vu: [CHỦ TỊCH], ho_ten: Nguyễn Văn An}",
            f"    ap: [{places}]",
            "    to_cnsc: 5",
            "    giao: {bang_ron: 2, doan_vien: 5, lanh_dao: 1, cong_chuc_cds: 1, dai_dien_to: 5}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def contexts(units_path: Path) -> list[dict[str, dict]]:
    """Each unit's template contexts, computed once for (a) and (c) (not timed)."""
    from generator.build import compute_loaded
    from generator.model.loader import load_plan
    from generator.render.renderer import budget_context, plan_context
    from generator.units.unitplan import unit_plans
    from generator.units.unitsfile import load_units

    out = []
    for _, loaded in unit_plans(load_plan(PLAN), load_units(units_path)):
        figures = compute_loaded(loaded)
        out.append(
            {
                "ke-hoach.docx": plan_context(figures, draft=True),
                "phu-luc-2.docx": budget_context(figures, draft=True),
                "core": figures.plan,
            }
        )
    return out


def naive(sets: list[dict], folder: Path) -> float:
    """Each template document with a new DocxTemplate, rendered and saved; ho-so.docx by compose()."""
    import io

    from docxtpl import DocxTemplate

    from generator.render.renderer import TEMPLATES, compose, make_environment
    from generator.vi import CANONICAL

    env = make_environment(CANONICAL)
    start = time.perf_counter()
    for i, docs in enumerate(sets):
        target = folder / str(i)
        target.mkdir(parents=True)
        saved = []
        for name in TEMPLATE_DOCS:
            doc = DocxTemplate(str(TEMPLATES / name))
            doc.render(docs[name], env, autoescape=True)
            out = io.BytesIO()
            doc.save(out)
            saved.append(out.getvalue())
            (target / name).write_bytes(saved[-1])
        (target / "ho-so.docx").write_bytes(compose(saved))
    return time.perf_counter() - start


def floor(sets: list[dict], folder: Path, *, remove: bool = False) -> float:
    """The precompiled Jinja bodies put in their document.xml as rendered (no parsing); ho-so.docx
    joins the two bodies as text; the other parts deflated once; only document.xml and core.xml
    compressed per document; plain writes. The folder is removed afterwards if `remove`."""
    import zipfile

    from generator.render.oxml import Deflated, zip_entries
    from generator.render.renderer import TEMPLATES, PreparedTemplate, core_properties, make_environment
    from generator.vi import CANONICAL

    prepared = {}
    for name in TEMPLATE_DOCS:
        template = PreparedTemplate(TEMPLATES / name, make_environment(CANONICAL))
        with zipfile.ZipFile(TEMPLATES / name) as archive:
            names = archive.namelist()
            stored = {
                n: Deflated.of(n, archive.read(n)) for n in names if n not in ("word/document.xml", "docProps/core.xml")
            }
        prepared[name] = (template, names, stored)

    def package(name: str, document: str, core: bytes) -> bytes:
        _, names, stored = prepared[name]
        changed = {"word/document.xml": document.encode("utf-8"), "docProps/core.xml": core}
        return zip_entries([stored.get(n) or Deflated.of(n, changed[n]) for n in names])

    first, second = (prepared[name][0] for name in TEMPLATE_DOCS)
    start = time.perf_counter()
    for i, docs in enumerate(sets):
        target = folder / str(i)
        target.mkdir(parents=True)
        core = core_properties(docs["core"])
        bodies = [template._body.render(docs[name]) for name, (template, *_) in prepared.items()]
        for (name, (template, *_)), body in zip(prepared.items(), bodies):
            (target / name).write_bytes(package(name, template._prefix + body + template._suffix, core))
        inner = bodies[0][len(first._opening) : -len("</w:body>")]
        section = inner.rindex("<w:sectPr")
        joined = (
            inner[:section] + "<w:p><w:pPr>" + inner[section:] + "</w:pPr></w:p>" + bodies[1][len(second._opening) :]
        )
        (target / "ho-so.docx").write_bytes(
            package(TEMPLATE_DOCS[0], first._prefix + first._opening + joined + first._suffix, core)
        )
    seconds = time.perf_counter() - start
    if remove:
        shutil.rmtree(folder)
    return seconds


BATCH = """
import json, resource, sys, time
from pathlib import Path
from generator.units.batch import run_batch
start = time.perf_counter()
result = run_batch(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), jobs=int(sys.argv[4]))
seconds = time.perf_counter() - start
me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "units": len(result.units), "failed": len(result.failed),
                  "cpu": me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime,
                  "parent_mb": me.ru_maxrss / 1024, "worker_mb": workers.ru_maxrss / 1024}))
"""


def vanban(units_path: Path, folder: Path, jobs: int, *, sampled: bool = False) -> dict:
    """run_batch in a fresh process (imports not timed), so its memory is its own. If `sampled`,
    the proportional set size (PSS: shared pages split between the processes sharing them) of it
    and its workers is read from /proc every 20 ms meanwhile, and the peak of their sum kept —
    reading /proc costs CPU beside the batch, so timed runs are not sampled."""
    process = subprocess.Popen(
        [sys.executable, "-c", BATCH, str(PLAN), str(units_path), str(folder), str(jobs)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    peak = 0.0
    while sampled and process.poll() is None:
        pids = [process.pid, *_read(f"/proc/{process.pid}/task/{process.pid}/children").split()]
        peak = max(peak, sum(_pss_mb(pid) for pid in pids))
        time.sleep(0.02)
    output = process.communicate()[0]
    assert process.returncode == 0, process.returncode
    shutil.rmtree(folder, ignore_errors=True)
    return {**json.loads(output.strip().splitlines()[-1]), "pss_peak_mb": peak}


def median(runs: list[dict]) -> dict:
    """The run (a dict with "seconds") of median time."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:  # the process ended meanwhile (or no /proc: the peak stays 0)
        return ""


def _pss_mb(pid: object) -> float:
    line = next(
        (line for line in _read(f"/proc/{pid}/smaps_rollup").splitlines() if line.startswith("Pss:")), "Pss: 0 kB"
    )
    return int(line.split()[1]) / 1024


def breakdown(units_path: Path, folder: Path, sample: int) -> dict[str, float]:
    """CPU ms per unit of each step of a batch, in this process, over the first `sample` units."""
    from generator.build import compute_loaded
    from generator.files import write_files
    from generator.model.loader import load_plan
    from generator.render.renderer import Renderer
    from generator.units.unitplan import unit_plan
    from generator.units.unitsfile import load_units

    start = time.process_time()
    units = load_units(units_path)
    steps = {"units file (parse, check)": (time.process_time() - start) / len(units.units)}
    town, renderer = load_plan(PLAN), Renderer()
    renderer.render_plan(compute_loaded(unit_plan(town, units, units.units[0])))  # templates prepared
    totals = dict.fromkeys(("unit plan (overlay, validate)", "compute", "render (3 files)", "write (atomic)"), 0.0)
    for unit in units.units[:sample]:
        marks = [time.process_time()]
        loaded = unit_plan(town, units, unit)
        marks.append(time.process_time())
        figures = compute_loaded(loaded)
        marks.append(time.process_time())
        files = renderer.render_plan(figures).files
        marks.append(time.process_time())
        write_files(folder / unit.slug, files)
        marks.append(time.process_time())
        for key, before, after in zip(totals, marks, marks[1:]):
            totals[key] += after - before
    steps.update((key, value / sample) for key, value in totals.items())
    return {key: value * 1000 for key, value in steps.items()}


def cold_build(folder: Path) -> tuple[float, str]:
    """Median wall time of `vanban build` in a fresh process, 3 runs."""
    exe = Path(sys.executable).with_name("vanban")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "generator"]
    times = []
    for i in range(3):
        start = time.perf_counter()
        done = subprocess.run(
            [*command, "build", str(PLAN), "-o", str(folder / str(i))], capture_output=True, text=True, cwd=REPO
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return statistics.median(times), f"failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}"
    return statistics.median(times), "ok"


def fsync_probe(folder: Path) -> float:
    """ms for write_files of one 30 KB file (mkstemp, write, fsync, rename) on the output disk."""
    from generator.files import write_files

    data = os.urandom(30_000)
    start = time.perf_counter()
    for i in range(20):
        write_files(folder / "probe", {f"{i}.docx": data})
    return (time.perf_counter() - start) / 20 * 1000


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def line(label: str, seconds: float, documents: int) -> str:
    return f"  {label:34s} {documents / seconds:8.1f} documents/s {seconds / documents * 1000:8.2f} ms/document  ({seconds:.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="number of generated units (default 1000)")
    shm = Path("/dev/shm")
    default = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    parser.add_argument(
        "--dir", type=Path, default=default, help=f"where to write (default: {default or 'the system temp folder'})"
    )
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    work = Path(tempfile.mkdtemp(prefix="vanban-bench-", dir=args.dir))
    try:
        units_path = work / "units.yaml"
        write_units(units_path, args.units)
        documents = args.units * DOCUMENTS_PER_UNIT
        print(
            f"cores: {cores} (os.cpu_count() = {os.cpu_count()}); units: {args.units}; documents: {documents}"
            f" ({DOCUMENTS_PER_UNIT} per unit); writing to {work}"
        )
        print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print(f"  write_files of one 30 KB file (with fsync) on that disk: {fsync_probe(work):.2f} ms")
        sets = contexts(units_path)
        results = {}
        results["a"] = naive(sets, work / "naive")
        shutil.rmtree(work / "naive")
        # (c) and (b) in turns, so that both meet the machine in the same state (it is shared)
        floors, runs = [], {jobs: [] for jobs in sorted({cores, 1}, reverse=True)}
        for i in range(REPEATS):
            floors.append({"seconds": floor(sets, work / f"floor{i}", remove=True)})
            for jobs, done in runs.items():
                done.append(vanban(units_path, work / f"vanban-j{jobs}-{i}", jobs))
        del sets
        results["c"] = median(floors)["seconds"]
        batch = {jobs: median(done) for jobs, done in runs.items()}
        memory = {jobs: vanban(units_path, work / f"memory-j{jobs}", jobs, sampled=True) for jobs in batch}
        print("(a) naive, 1 process:")
        print(line("DocxTemplate + render + save; compose", results["a"], documents))
        print(f"(b) vanban batch (also reading, computing, atomic writes, zip, workbook), median of {REPEATS} runs:")
        for jobs, run in batch.items():
            assert run["units"] == args.units and run["failed"] == 0, run
            print(line(f"-j {jobs}", run["seconds"], documents) + f"  CPU {run['cpu']:.2f} s (all processes)")
        sample = min(args.units, 200)
        steps = breakdown(units_path, work / "steps", sample)
        print(
            f"    CPU ms per unit, one process ({sample} units): "
            + ", ".join(f"{k} {v:.2f}" for k, v in steps.items())
            + f"; total {sum(steps.values()):.2f}"
        )
        print(f"(c) floor, 1 process, median of {REPEATS} runs:")
        print(line("Jinja bodies + changed parts zipped", results["c"], documents))
        print(
            f"ratios (documents per second); the targets are for the batch as it runs by default (-j {cores}, every core):"
        )
        for jobs, run in batch.items():
            a, c = results["a"] / run["seconds"], results["c"] / run["seconds"]
            if jobs == cores:
                print(
                    f"  -j {jobs}: b/a = {a:5.1f}  (target ≥ 20: {verdict(a >= 20)})   "
                    f"b/c = {c:4.2f}  (target ≥ 0.5, i.e. within 2× of the floor: {verdict(c >= 0.5)})"
                )
            else:
                print(f"  -j {jobs}: b/a = {a:5.1f}   b/c = {c:4.2f}  (one process, for comparison)")
        print(
            "peak memory, MB (target ≤ 300), in a run of its own: ru_maxrss (resource.getrusage) of the batch process"
        )
        print(
            "and of its largest worker; and the peak of the sum of their PSS (/proc smaps_rollup, sampled every 20 ms):"
        )
        for jobs, run in memory.items():
            workers = f", largest worker {run['worker_mb']:.0f}" if jobs > 1 else ""
            peak = max(run["parent_mb"], run["pss_peak_mb"])
            print(
                f"  -j {jobs}: batch process {run['parent_mb']:.0f}{workers}; all processes together (PSS) {run['pss_peak_mb']:.0f}"
                f" ({verdict(peak <= 300)})"
            )
        seconds, state = cold_build(work / "build")
        print(
            f"cold `vanban build data/kien-tuong-2024.yaml`, fresh process, median of 3: {seconds:.2f} s"
            f" (build {state}; target < 1 s: {verdict(seconds < 1)})"
        )
        print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
