"""Helpers shared by sub-commands: reporting errors to the clerk with the right exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable

from generator.errors import OutputError, PlanError, Problem
from generator.render.renderer import TemplateProblem

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def print_problems(title: str, problems: list[Problem]) -> None:
    print(f"{title} ({len(problems)}):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def guarded(action: Callable[[], int]) -> int:
    """Run `action`; bad input, a bad template or an unwritable folder → message on stderr, exit 2."""
    try:
        return action()
    except PlanError as exc:
        print_problems("Dữ liệu có lỗi, chưa ghi tệp nào", exc.problems)
    except TemplateProblem as exc:
        print(f"Lỗi mẫu văn bản, chưa ghi tệp nào: {exc}", file=sys.stderr)
    except OutputError as exc:
        print(f"Không ghi được kết quả: {exc}", file=sys.stderr)
    return EXIT_BAD_INPUT
