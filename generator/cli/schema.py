"""`vanban schema`: the JSON Schema of a plan file (for an editor's completion and checking)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.cli.common import EXIT_OK, guarded


def register(sub) -> None:
    parser = sub.add_parser(
        "schema", help="in lược đồ JSON Schema của tệp kế hoạch (cho VS Code gợi ý khóa, báo lỗi khi gõ)"
    )
    parser.add_argument("-o", "--output", type=Path, help="ghi ra tệp (mặc định in ra màn hình)")
    parser.set_defaults(func=run)


def run(args) -> int:
    return guarded(lambda: _schema(args))


def _schema(args) -> int:
    from generator.model.schema import plan_json_schema
    from generator.model.yamlfile import write_new_file

    text = json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        write_new_file(args.output, text)
        print(f"Đã ghi {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
