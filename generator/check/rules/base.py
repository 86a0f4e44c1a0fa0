"""Rule registry and the small helpers every rule uses.

Each nd30.md rule is one function decorated with ``@rule(id, label)``; it receives the recognised Layout and
yields Findings. ``label`` is the rule's confidence in nd30.md: C (decree prose) and T (decree's own model)
are requirements and give errors; D (derived), P (practice) and U (unconfirmed) give warnings at most.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from generator.check.docmodel import Line, Para
from generator.check.layout import Layout, is_upper
from generator.check.report import excerpt

SEVERITY_BY_LABEL = {"C": "error", "T": "error", "D": "warning", "P": "warning", "U": "warning"}


@dataclass(frozen=True)
class Finding:
    where: str
    excerpt: str
    expected: str
    found: str
    severity: str | None = None  # overrides the rule's severity (a rule with a C part and a D part)


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    func: Callable[[Layout], Iterable[Finding]]
    scope: str  # "plan": needs the Kế hoạch part; "all": appendix-only files too
    severity: str


RULES: list[Rule] = []


def rule(rule_id: str, label: str, *, scope: str = "plan", severity: str | None = None):
    """Register a check; the first letter of ``label`` gives the severity unless ``severity`` is given."""

    def register(func):
        RULES.append(Rule(rule_id, label, func, scope, severity or SEVERITY_BY_LABEL[label.strip()[0]]))
        return func

    return register


Target = Line | Para | str


def at(target: Target, expected: str, found: str, severity: str | None = None) -> Finding:
    """A finding located at a line, a paragraph or a plain place description."""
    if isinstance(target, str):
        return Finding(target, "", expected, found, severity)
    return Finding(target.where, excerpt(target.text), expected, found, severity)


# -- formatting vocabulary (Vietnamese) -----------------------------------------------------------

JC_NAMES = {
    "both": "căn đều hai lề",
    "center": "căn giữa",
    "left": "căn trái",
    "right": "căn phải",
    "distribute": "dàn đều",
    None: "căn trái (mặc định)",
}


def pt(half_points: int) -> str:
    return f"{half_points / 2:g} pt"


def sizes_text(sizes: tuple[float, ...]) -> str:
    return f"{sizes[0]:g} pt" if len(sizes) == 1 else f"{sizes[0]:g}–{sizes[-1]:g} pt"


def format_issues(
    line: Line,
    *,
    sizes: tuple[float, ...] | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    case: str | None = None,
    jc: tuple[str | None, ...] | None = None,
) -> Iterator[tuple[str, str]]:
    """(expected, found) for each way ``line`` departs from the wanted format.

    bold/italic False: the element is not set bold/italic — a phrase emphasised inside it (the theme in
    quotes, a deadline) is allowed, as in practice; only an element wholly bold/italic departs.
    sizes: allowed sizes in pt; case: "upper" (IN HOA), "normal" (not all capitals) or "capital" (capital
    first letter); jc: allowed alignments.
    """
    runs = line.ink_runs
    if not runs:
        return
    if sizes is not None:
        bad = sorted({r.size for r in runs if r.size / 2 not in sizes})
        if bad:
            yield f"cỡ chữ {sizes_text(sizes)}", "cỡ " + ", ".join(pt(s) for s in bad)
    if bold is True and not all(r.bold for r in runs):
        yield "in đậm", "có chữ không in đậm"
    if bold is False and all(r.bold for r in runs):
        yield "không in đậm", "cả đoạn in đậm"
    if italic is True and not all(r.italic for r in runs):
        yield "chữ nghiêng", "có chữ đứng"
    if italic is False and all(r.italic for r in runs):
        yield "chữ đứng", "cả đoạn in nghiêng"
    text = line.text.strip()
    if case == "upper" and not is_upper(text):
        yield "chữ in hoa", "có chữ thường"
    if case == "normal" and is_upper(text) and sum(ch.isalpha() for ch in text) > 1:
        yield "chữ thường (chỉ viết hoa chữ đầu và tên riêng)", "toàn chữ in hoa"
    if case == "capital" and text[:1].isalpha() and not text[:1].isupper():
        yield "viết hoa chữ cái đầu", "chữ đầu viết thường"
    if jc is not None and line.para.jc not in jc:
        yield " hoặc ".join(JC_NAMES[j] for j in jc), JC_NAMES.get(line.para.jc, line.para.jc)


def check_format(line: Line | None, **wanted) -> Iterator[Finding]:
    """Findings for ``format_issues`` (nothing when the element is absent)."""
    if line is None:
        return
    for expected, found in format_issues(line, **wanted):
        yield at(line, expected, found)


def width_ok(length: float, low: float, high: float, tolerance: float) -> bool:
    """``low`` ≤ length ≤ ``high`` with a relative tolerance on each bound."""
    return low * (1 - tolerance) <= length <= high * (1 + tolerance)
