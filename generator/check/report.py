"""Result types of the ND30 checker."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from generator.docx import DocxError as CheckFileError  # noqa: F401  (the one error for an unreadable .docx)

EXCERPT_MAX = 60


@dataclass(frozen=True)
class Violation:
    """One breach of an nd30.md rule, located in the document."""

    rule: str  # e.g. "HD-07"
    where: str  # e.g. "mục 1, đoạn 3" (mục = Word section), "bảng 1, hàng 2, ô 2"
    excerpt: str  # at most 60 characters of the text concerned
    expected: str
    found: str
    severity: str = "error"  # "error" for C/T rules, "warning" for D/P/U

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def excerpt(text: str) -> str:
    """Shorten ``text`` to one line of at most EXCERPT_MAX characters."""
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1] + "…"


@dataclass
class CheckReport:
    path: str
    is_draft: bool
    violations: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "warning"]

    @property
    def rules(self) -> set[str]:
        return {v.rule for v in self.violations}

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "is_draft": self.is_draft,
            "violations": [v.as_dict() for v in self.violations],
        }
