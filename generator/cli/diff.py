"""`vanban diff OLD.yaml NEW.yaml`: the figures and texts that differ between two plans."""

from __future__ import annotations

from pathlib import Path

from generator.cli.common import EXIT_OK, guarded


def register(sub) -> None:
    parser = sub.add_parser(
        "diff",
        help="so sánh hai tệp dữ liệu: số lượng, đơn giá, số người đã sửa kèm số liệu tính ra thay đổi theo, và đoạn văn nào thay đổi",
    )
    parser.add_argument("old", type=Path, help="tệp dữ liệu cũ (.yaml)")
    parser.add_argument("new", type=Path, help="tệp dữ liệu mới (.yaml)")
    parser.set_defaults(func=run)


def run(args) -> int:
    return guarded(lambda: _diff(args))


def _diff(args) -> int:
    from generator.compute.solieu import diff_plans
    from generator.model.loader import load_plan

    lines = diff_plans(load_plan(args.old), load_plan(args.new))
    if not lines:
        print(f"Không có gì khác nhau giữa {args.old} và {args.new}.")
        return EXIT_OK
    print(f"Khác nhau giữa {args.old} và {args.new} (dữ liệu nhập, kèm số liệu tính ra thay đổi theo; rồi văn bản):")
    for line in lines:
        print(f"  {line}")
    return EXIT_OK
