"""Helpers shared by sub-commands: reporting errors to the clerk with the right exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from generator.errors import OutputError, PlanError, Problem
from generator.render.renderer import TemplateProblem

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def utf8_console() -> None:
    """UTF-8 on stdout and stderr whatever the console or PYTHONIOENCODING says (Windows cp1252,
    cp1258, ascii, output redirected to a file); a stream that cannot be switched replaces what it
    cannot show instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(encoding="utf-8", errors="replace")
        except (ValueError, OSError, LookupError):
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError, LookupError):
                pass


def internal_error(exc: BaseException, argv: list[str]) -> int:
    """A bug: a short report file (command, versions, traceback) and where to send it; exit 3."""
    import platform
    import tempfile
    import time
    import traceback

    from generator import __version__

    text = "\n".join(
        [
            f"vanban {__version__}, Python {platform.python_version()}, {platform.platform()}",
            f"lệnh: {' '.join(argv)}",
            f"thời điểm: {time.strftime('%Y-%m-%d %H:%M:%S')}",
            "",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ]
    )
    where = Path(tempfile.gettempdir()) / f"vanban-loi-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    try:
        where.write_text(text, encoding="utf-8")
        saved = f"Đã ghi báo cáo lỗi vào {where}"
    except OSError:
        saved = "Không ghi được tệp báo cáo; nội dung lỗi:\n" + text
    print(
        f"Lỗi nội bộ của vanban ({exc.__class__.__name__}) — không phải do dữ liệu của bạn; không tệp kết quả "
        f"nào bị ghi dở.\n{saved}\nHãy gửi tệp này (kèm tệp dữ liệu nếu được) cho người phụ trách vanban "
        "hoặc tạo một issue trên kho mã của vanban.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


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
