"""`vanban nang-cap PLAN.yaml`: rewrite an old plan file (phu_luc_1/phu_luc_2) to the appendix list, in place."""

from __future__ import annotations

from pathlib import Path

from generator.cli.common import EXIT_OK, guarded


def register(sub) -> None:
    parser = sub.add_parser(
        "nang-cap",
        help="chuyển tệp kế hoạch kiểu cũ (phu_luc_1, phu_luc_2) sang danh sách phu_luc (giữ chú thích)",
        description="Ghi đè tệp kế hoạch bằng dạng mới: phu_luc_1 → phụ lục id phu_luc_1 loại danh_sach, "
        "phu_luc_2 → phụ lục id phu_luc_2 loại du_toan. Tham chiếu và văn bản soạn ra giữ nguyên.",
    )
    parser.add_argument("plan", type=Path, help="tệp dữ liệu kế hoạch (.yaml)")
    parser.set_defaults(func=run)


def run(args) -> int:
    return guarded(lambda: _upgrade(args))


def _upgrade(args) -> int:
    from generator.model.upgrade import upgrade
    from generator.model.yamlfile import write_new_file

    result = upgrade(args.plan)
    if not result.changes:
        print(f"{args.plan}: đã ở dạng mới (phu_luc:), không cần nâng cấp.")
        return EXIT_OK
    write_new_file(args.plan, result.text)
    print(f"Đã nâng cấp {args.plan} ({len(result.changes)} thay đổi):")
    for line in result.changes:
        print(f"  {line}")
    return EXIT_OK
