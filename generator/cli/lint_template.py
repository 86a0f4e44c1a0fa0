"""`vanban lint-template FILE.docx…`: tag errors in a (clerk-edited) template."""

from __future__ import annotations

from pathlib import Path

from generator.cli.common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, guarded
from generator.resources import example_plan

BUNDLED_PLAN = example_plan()


def register(sub) -> None:
    parser = sub.add_parser(
        "lint-template", help="kiểm tra thẻ trong mẫu .docx (thẻ hỏng, {%%tr %%} sai chỗ, trường không có)"
    )
    parser.add_argument("templates", type=Path, nargs="+", help="tệp mẫu .docx")
    parser.add_argument("--plan", type=Path, help="kế hoạch dùng làm dữ liệu mẫu (mặc định: kế hoạch kèm theo)")
    parser.set_defaults(func=run)


def run(args) -> int:
    return guarded(lambda: _lint(args))


def _lint(args) -> int:
    from generator.build import compute_loaded
    from generator.model.loader import load_plan
    from generator.render.lint import lint_template
    from generator.safezip import open_package

    plan = args.plan or (BUNDLED_PLAN if BUNDLED_PLAN.exists() else None)
    figures = compute_loaded(load_plan(plan)) if plan else None
    status = EXIT_OK
    for path in args.templates:
        if not path.is_file():
            print(f"{path}: không tìm thấy tệp mẫu")
            status = EXIT_BAD_INPUT
            continue
        try:
            open_package(path)  # budgets checked before docxtpl-lint parses it (generator/safezip.py)
            findings = lint_template(path, figures)
        except Exception as exc:  # a file docxtpl-lint cannot open is not a template
            print(f"{path}: không đọc được tệp mẫu ({exc})")
            status = EXIT_BAD_INPUT
            continue
        for finding in findings:
            print(f"{path}: {finding}")
        errors = sum(f.severity == "error" for f in findings)
        print(f"{path}: {'không có lỗi' if not findings else f'{errors} lỗi, {len(findings) - errors} cảnh báo'}")
        if errors and status == EXIT_OK:
            status = EXIT_FINDINGS
    return status
