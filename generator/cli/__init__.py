"""The `vanban` command: a thin dispatcher over one module per sub-command.

Each module in this package named in COMMANDS exposes ``register(subparsers)``, which adds its
parser and sets ``func`` to a callable taking the parsed arguments and returning the exit code.
Exit codes: 0 success, 1 findings (check/audit), 2 bad input or unreadable file, 3 an internal
error (a bug: anything unexpected that escapes a command, reported in a short file to send).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from generator.cli.common import internal_error, utf8_console

COMMANDS = [
    "build",
    "batch",
    "words",
    "check",
    "audit",
    "import_docx",
    "lint_template",
    "new",
    "diff",
    "xlsx",
    "nang_cap",
    "schema",
    "don_vi",
    "serve",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vanban",
        description="Soạn văn bản hành chính (Kế hoạch, Phụ lục) từ tệp dữ liệu, theo Nghị định 30/2020/NĐ-CP.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    for name in COMMANDS:
        importlib.import_module(f"generator.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    utf8_console()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Exception as exc:  # noqa: BLE001 - the one guard: anything unexpected is a bug, reported
        return internal_error(exc, sys.argv[:1] + list(argv if argv is not None else sys.argv[1:]))
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu (Ctrl-C); không tệp nào bị ghi dở.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
