"""check_document(): read a .docx, recognise its elements, apply the Nghị định 30/2020 rules of nd30.md.

Works on any .docx (ours, the seed, one typed by hand): see docmodel.py (reading, effective formatting),
layout.py (recognition) and rules/ (one function per rule id, with its confidence label and severity).
A file that starts with a "Phụ lục" heading is an appendix-only file: only the rules that apply to any
page (PG, PN, AP, OT) are run on it.
"""

from __future__ import annotations

from generator.check.docmodel import PathOrFile, load
from generator.check.layout import recognise
from generator.check.report import CheckReport, Violation
from generator.check.rules import RULES

ORDER = ("PG", "HD", "TL", "BD", "HG", "SG", "NN", "PN", "AP", "OT")  # nd30.md's order
COLLAPSE_AFTER = 3  # more identical findings than this are reported once, with a count


def check_document(path_or_file: PathOrFile, *, draft: bool | None = None) -> CheckReport:
    """Check one .docx. ``draft``: None detects the "DỰ THẢO" mark; True/False forces the mode.

    Raises CheckFileError when the file is missing or is not a Word document.
    """
    layout = recognise(load(path_or_file), draft)
    violations = [
        Violation(r.id, f.where, f.excerpt, f.expected, f.found, f.severity or r.severity)
        for r in RULES
        if r.scope == "all" or layout.has_plan
        for f in r.func(layout)
    ]
    violations.sort(key=lambda v: (ORDER.index(v.rule[:2]), v.rule))
    return CheckReport(layout.model.path, layout.is_draft, _collapse(violations))


def _collapse(violations: list[Violation]) -> list[Violation]:
    """Report a finding repeated more than COLLAPSE_AFTER times (same rule, expected, found) once, with a count."""
    groups: dict[tuple, list[Violation]] = {}
    for v in violations:
        groups.setdefault((v.rule, v.expected, v.found, v.severity), []).append(v)
    out = []
    for v in violations:
        group = groups[(v.rule, v.expected, v.found, v.severity)]
        if len(group) <= COLLAPSE_AFTER:
            out.append(v)
        elif v is group[0]:
            where = f"{v.where} (và {len(group) - 1} chỗ khác)"
            out.append(Violation(v.rule, where, v.excerpt, v.expected, v.found, v.severity))
    return out
