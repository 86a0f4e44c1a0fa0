"""Measure today's `vanban audit` on the corpus of hand-typed plans (issue 17).

    python tools/corpus_report.py [--out output/corpus] [--force] [--missed]

Builds the corpus if needed (tests/corpus), audits every clean and faulty twin and prints, per
planted error kind, how many were planted and found at their place (recall), and per layout the
error-level findings on the clean twin (false alarms), with totals and the number of warnings.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from corpus import DEFAULT_OUT, build_corpus
from corpus.measure import measure, report_text


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="thư mục của bộ văn bản (mặc định output/corpus)")
    parser.add_argument("--force", action="store_true", help="tạo lại bộ văn bản")
    parser.add_argument("--missed", action="store_true", help="liệt kê từng lỗi cài sẵn không tìm thấy")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = build_corpus(args.out, args.force, log=lambda text: print(text, file=sys.stderr))
    built = time.perf_counter()
    result = measure(manifest, args.out)
    print(report_text(result))
    if args.missed:
        print()
        for r in result.layouts:
            for kind, where in r.missed:
                print(f"không thấy: {r.layout:<26} {kind:<24} {where}")
    print(f"\n(bộ văn bản {built - started:.1f} s, kiểm tra {time.perf_counter() - built:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
