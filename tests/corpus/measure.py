"""How `vanban audit` does on the corpus: planted errors found (by place), false alarms on clean twins.

A planted error is found when the faulty twin has a finding at its place — the same paragraph, or the
same table and row — that the clean twin does not have (so a false alarm the layout raises anyway
does not count as finding the error it happens to sit on). Findings are taken from
`generator.analysis.audit.audit_document`, the function behind `vanban audit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_TABLE = re.compile(r"\bbảng (\d+)", re.IGNORECASE)
_ROW = re.compile(r"\bhàng (\d+)", re.IGNORECASE)
_PARAGRAPH = re.compile(r"\bđoạn (\d+)", re.IGNORECASE)


def finding_place(where: str) -> tuple | None:
    """("t", table, row) for "… bảng t …, hàng r …", ("p", n) for "… đoạn n …", None for anything else."""
    table, row, paragraph = _TABLE.search(where), _ROW.search(where), _PARAGRAPH.search(where)
    if table:
        return ("t", int(table.group(1)), int(row.group(1)) if row else None)
    if paragraph:
        return ("p", int(paragraph.group(1)))
    return None


def states_correct(expected: str, correct: str) -> bool:
    """Whether a finding's "should be" names the planted error's correct text (figure, words or number)."""
    core = re.sub(r"\s*(?:đồng|đ|VNĐ)$", "", correct.strip())
    pattern = rf"(?<![\w.,]){re.escape(core)}(?![\w]|[.,]\d)"
    return re.search(pattern, expected, re.IGNORECASE) is not None


def planted_place(place: dict) -> tuple:
    return ("p", place["paragraph"]) if "paragraph" in place else ("t", place["table"], place["row"])


@dataclass
class LayoutResult:
    layout: str
    libreoffice: bool
    planted: int = 0
    found: int = 0
    clean_errors: list = field(default_factory=list)  # (code, where) of error-level findings on the clean twin
    clean_warnings: int = 0
    faulty_warnings: int = 0
    elsewhere: int = 0  # new findings on the faulty twin at no planted place (consequences, misplaced)
    missed: list = field(default_factory=list)  # (kind, where) of planted errors not found


@dataclass
class Measurement:
    kinds: list[str]
    planted: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    found_as_warning: dict[str, int] = field(default_factory=dict)
    found_right: dict[str, int] = field(default_factory=dict)  # found, and the finding states the correct value
    layouts: list[LayoutResult] = field(default_factory=list)

    @property
    def total_planted(self) -> int:
        return sum(self.planted.values())

    @property
    def total_found(self) -> int:
        return sum(self.found.values())

    @property
    def recall(self) -> float:
        return self.total_found / self.total_planted if self.total_planted else 1.0

    @property
    def clean_errors(self) -> int:
        return sum(len(r.clean_errors) for r in self.layouts)

    @property
    def warnings(self) -> int:
        return sum(r.clean_warnings + r.faulty_warnings for r in self.layouts)


def measure(manifest: dict, folder: Path, audit=None) -> Measurement:
    """Audit every document of the corpus in `folder` and match the findings to the planted errors."""
    if audit is None:
        from generator.analysis.audit import audit_document as audit
    result = Measurement(list(manifest["kinds"]))
    for kind in result.kinds:
        result.planted[kind] = result.found[kind] = result.found_as_warning[kind] = result.found_right[kind] = 0
    for layout in manifest["layouts"]:
        row = LayoutResult(layout["layout"], layout["libreoffice"])
        reports = {d["twin"]: audit(Path(folder) / d["file"]) for d in layout["documents"]}
        clean = {(f.code, f.where) for f in reports["clean"].findings}
        row.clean_errors = [(f.code, f.where) for f in reports["clean"].findings if f.severity == "error"]
        row.clean_warnings = sum(f.severity == "warning" for f in reports["clean"].findings)
        row.faulty_warnings = sum(f.severity == "warning" for f in reports["faulty"].findings)
        new = [f for f in reports["faulty"].findings if (f.code, f.where) not in clean]
        faulty = next(d for d in layout["documents"] if d["twin"] == "faulty")
        places = {planted_place(e["place"]) for e in faulty["errors"]}
        row.elsewhere = sum(finding_place(f.where) not in places for f in new)
        for error in faulty["errors"]:
            at = [f for f in new if finding_place(f.where) == planted_place(error["place"])]
            result.planted[error["kind"]] += 1
            row.planted += 1
            if at:
                result.found[error["kind"]] += 1
                row.found += 1
                if all(f.severity == "warning" for f in at):
                    result.found_as_warning[error["kind"]] += 1
                if any(states_correct(f.expected, error["correct"]) for f in at):
                    result.found_right[error["kind"]] += 1
            else:
                row.missed.append((error["kind"], error["where"]))
        result.layouts.append(row)
    return result


def report_text(m: Measurement) -> str:
    """The figures as compact tables (Vietnamese headings: the clerk's words for the error kinds are codes)."""
    lines = [f"{'loại lỗi cài sẵn':<26}{'cài':>5}{'tìm thấy':>10}{'(cảnh báo)':>11}{'(nêu số đúng)':>14}{'recall':>9}"]
    for kind in m.kinds:
        planted, found = m.planted[kind], m.found[kind]
        recall = f"{100 * found / planted:.0f} %" if planted else "—"
        lines.append(
            f"{kind:<26}{planted:>5}{found:>10}{m.found_as_warning[kind]:>11}{m.found_right[kind]:>14}{recall:>9}"
        )
    lines.append(
        f"{'TỔNG':<26}{m.total_planted:>5}{m.total_found:>10}{sum(m.found_as_warning.values()):>11}"
        f"{sum(m.found_right.values()):>14}{100 * m.recall:>7.1f} %"
    )
    lines += [
        "",
        f"{'bố cục':<26}{'LO':>3}{'lỗi/bản đúng':>14}{'cảnh báo':>10}{'tìm/cài':>9}{'khác':>6}  lỗi báo nhầm trên bản đúng",
    ]
    for r in m.layouts:
        codes: dict[str, int] = {}
        for code, _ in r.clean_errors:
            codes[code] = codes.get(code, 0) + 1
        alarms = ", ".join(f"{c}×{n}" for c, n in sorted(codes.items()))
        lines.append(
            f"{r.layout:<26}{'x' if r.libreoffice else '':>3}{len(r.clean_errors):>14}"
            f"{r.clean_warnings + r.faulty_warnings:>10}{f'{r.found}/{r.planted}':>9}{r.elsewhere:>6}  {alarms}"
        )
    without = sum(not r.clean_errors for r in m.layouts)
    lines += [
        "",
        (
            f"recall {m.total_found}/{m.total_planted} = {100 * m.recall:.1f} %; lỗi trên bản đúng: "
            f"{m.clean_errors} (ở {len(m.layouts) - without}/{len(m.layouts)} bố cục); cảnh báo: {m.warnings}"
        ),
    ]
    return "\n".join(lines)


__all__ = ["LayoutResult", "Measurement", "finding_place", "measure", "planted_place", "report_text", "states_correct"]
