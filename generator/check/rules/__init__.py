"""The nd30.md rules, one function per rule id, registered in RULES (import order = report order)."""

from generator.check.rules import (  # noqa: F401  (registers the rules)
    appendix,
    body,
    cells,
    closing,
    header,
    page,
    papers,  # noqa: F401,E402  (last: rules by document type, over all the others)
)
from generator.check.rules.base import RULES, Finding, Rule

__all__ = ["RULES", "Finding", "Rule"]
