"""Benchmark of the PDF conversion (issue 18 point 5, issue 15's PDF work), measured side by side in one run:

  (a) documents per second of ONE LibreOffice instance against N instances (N = the usable cores),
      converting the same Word files of a generated batch (median of --repeats runs each, in turns;
      each run starts its instances with fresh profiles, as `vanban batch --pdf` does);
      verdict: N instances ≥ 1.7× one instance on 2 cores (≥ 0.85 × N on N cores);
  (b) a 96-unit `vanban batch --pdf` in a fresh process, wall time; target ≤ 90 s.

Units are the 8 of data/units/kien-tuong.yaml, repeated and renamed (Phường 1 → Phường 1 2, …); their
figures then no longer add up to the town plan, so the batch exits 1 (a reconciliation finding), which
is expected here.

    python benchmarks/pdf.py [--units 96] [--docs 48] [--repeats 2] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.render.pdf import convert_many, default_instances, find_soffice  # noqa: E402

PLAN = REPO / "data" / "kien-tuong-2024.yaml"
UNITS = REPO / "data" / "units" / "kien-tuong.yaml"
TARGET_SECONDS, TARGET_SPEEDUP_PER_CORE = 90, 0.85


def write_units(path: Path, count: int) -> None:
    """A units file of `count` units: the bundled 8 repeated, each copy renamed."""
    text = UNITS.read_text(encoding="utf-8")
    head, body = text.split("\ndon_vi:\n", 1)
    head = head.replace("ke_hoach: ke-hoach-don-vi.yaml", f"ke_hoach: {UNITS.parent / 'ke-hoach-don-vi.yaml'}", 1)
    blocks = [b.strip("\n") for b in re.split(r"\n(?=  - ten: )", body) if b.strip()]
    out = []
    for k in range(count):
        block = blocks[k % len(blocks)]
        copy = k // len(blocks) + 1
        if copy > 1:
            name = re.search(r"  - ten: (.+)", block).group(1).strip()
            block = block.replace(name.upper(), f"{name.upper()} {copy}").replace(name, f"{name} {copy}")
        out.append(block)
    path.write_text(head + "\ndon_vi:\n" + "\n\n".join(out) + "\n", encoding="utf-8")


def batch(units: Path, out: Path, pdf: bool) -> tuple[float, int]:
    """`vanban batch` in a fresh process: wall seconds and exit code."""
    command = [sys.executable, "-m", "generator", "batch", str(PLAN), "--units", str(units), "-o", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command + (["--pdf"] if pdf else []), capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"batch failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done.returncode


def rate(program: str, docs: list[Path], instances: int, scratch: Path) -> float:
    """Documents per second converting `docs` with `instances` fresh instances."""
    work = Path(tempfile.mkdtemp(prefix="pdf-", dir=scratch))
    try:
        started = time.perf_counter()
        result = convert_many(program, docs, work, instances=instances)
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if result.failed:
        sys.exit(f"{len(result.failed)} documents failed to convert")
    return len(docs) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=96)
    parser.add_argument("--docs", type=int, default=48, help="documents converted in (a)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    program, cores = find_soffice(), default_instances()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"LibreOffice: {program}; usable cores: {cores}; load average before: {load:.2f}")
    with tempfile.TemporaryDirectory(prefix="vanban-bench-pdf-", dir=args.dir) as scratch:
        scratch = Path(scratch)
        units = scratch / "don-vi.yaml"
        write_units(units, max(1, -(-args.docs // 3)))
        batch(units, scratch / "docs", pdf=False)
        docs = sorted((scratch / "docs" / "don-vi").rglob("*.docx"))[: args.docs]
        one, many = [], []
        for _ in range(args.repeats):  # in turns, so both see the same machine
            one.append(rate(program, docs, 1, scratch))
            many.append(rate(program, docs, cores, scratch))
        one_rate, many_rate = statistics.median(one), statistics.median(many)
        speedup = many_rate / one_rate
        needed = 1.7 if cores == 2 else TARGET_SPEEDUP_PER_CORE * cores
        print(f"(a) {len(docs)} documents, median of {args.repeats}:")
        print(f"    1 instance : {one_rate:5.2f} documents/s  (runs: {', '.join(f'{r:.2f}' for r in one)})")
        print(f"    {cores} instances: {many_rate:5.2f} documents/s  (runs: {', '.join(f'{r:.2f}' for r in many)})")
        print(f"    speed-up {speedup:.2f}× — {'ĐẠT' if speedup >= needed else 'CHƯA ĐẠT'} (mục tiêu ≥ {needed:.2f}×)")
        write_units(units, args.units)
        elapsed, code = batch(units, scratch / "batch", pdf=True)
        pdfs = len(list((scratch / "batch" / "don-vi").rglob("*.pdf")))
        docx = len(list((scratch / "batch" / "don-vi").rglob("*.docx")))
        print(
            f"(b) batch of {args.units} units with --pdf: {elapsed:.1f} s wall, {docx} Word files, {pdfs} PDF "
            f"(exit {code}) — {'ĐẠT' if elapsed <= TARGET_SECONDS and pdfs == docx else 'CHƯA ĐẠT'} "
            f"(mục tiêu ≤ {TARGET_SECONDS} s)"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average after: {load:.2f} (other work on the machine slows both sides of (a) alike, (b) not)")


if __name__ == "__main__":
    main()
