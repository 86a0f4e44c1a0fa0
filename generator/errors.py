"""Errors a clerk sees: each names the file, line, column and field path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: A path into the plan data, e.g. ("phu_luc_2", "bang", 0, "dong", 2, "don_gia").
DataPath = tuple[str | int, ...]


def format_path(path: DataPath) -> str:
    """("phu_luc_2", "bang", 0, "don_gia") -> "phu_luc_2.bang[0].don_gia"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    message: str
    path: DataPath = ()
    file: Path | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        where = str(self.file) if self.file else "<dữ liệu>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field_ = f" {format_path(self.path)}:" if self.path else ""
        return f"{where}:{field_} {self.message}"


@dataclass
class PlanError(Exception):
    """Input that cannot be built: one or more problems, all reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class OutputError(Exception):
    """The output folder or file cannot be written."""
