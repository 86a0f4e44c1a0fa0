"""The nd30.md rules, one function per rule id, registered in RULES (import order = report order)."""

from generator.check.rules import appendix, body, cells, closing, header, page  # noqa: F401  (registers the rules)
from generator.check.rules.base import RULES, Finding, Rule

__all__ = ["RULES", "Finding", "Rule"]
