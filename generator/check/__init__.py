"""Checker for the layout rules of Nghị định 30/2020/NĐ-CP (rule ids as in shared/nd30.md).

from generator.check import check_document
report = check_document("ho-so.docx")            # draft=None: detect the "DỰ THẢO" mark
for v in report.violations: print(v.rule, v.where, v.expected, v.found)
"""

from generator.check.nd30 import check_document
from generator.check.report import CheckFileError, CheckReport, Violation

__all__ = ["check_document", "CheckReport", "Violation", "CheckFileError"]
