"""The nd30.md rules, one function per rule id, registered in RULES (import order = report order)."""

from generator.check.rules import appendix, body, cells, closing, header, page  # noqa: F401  (registers the rules)
from generator.check.rules.base import RULES, Finding, Rule
from generator.check.rules import papers  # noqa: F401,E402  (last: rules by document type, over all the others)

__all__ = ["RULES", "Finding", "Rule"]
