"""Next year's plan from this year's, edited on the ruamel round-trip data (comments, key order,
quoting and layout are kept, see generator.model.yamlfile), plus `--set FIELD=VALUE`.

The rollover rule — what moves and what is only listed for a person to review:

* Dates of the plan's own activities in the plan's year (``van_ban.nam``) move to the new year,
  keeping day and month as written: "10/10/2024" → "10/10/2025", "ngày 10 tháng 10 năm 2024" →
  "… năm 2025"; every "năm 2024" follows ("tháng 10 năm 2024", titles, theme, slogan).
  ``van_ban.nam`` becomes the new year; ``van_ban.so`` and ``van_ban.ngay`` are cleared (a draft).
* A cited document — "[loại] số <số>/<ký hiệu> [ngày <ngày>] [của … về <trích yếu>]", e.g. "Kế
  hoạch số 45/KH-UBND ngày 15/01/2026 của UBND tỉnh về tổ chức … năm 2026" — is a fact about a
  document that exists: neither its number, its date nor its subject moves (the subject runs to
  the end of the clause: ";", a sentence's end, or ", " before a capital letter). Every citation
  is listed, since last year's plan probably cites last year's documents.
* Every place moved is listed (field path, line, old → new); a moved date that falls on a
  Saturday, a Sunday or a public holiday of the new year (Tết and Giỗ Tổ from the lunar calendar)
  is listed for review.
* A new year earlier than the plan's is refused unless forced.
* A date that does not exist in the new year (29/02) is left as it is and listed.
* Dates and years other than the plan's year are not moved. Listed for review: every remaining
  mention of a year other than the new one (outside citations), and the theme and slogan of the
  year (text starting "Chủ đề:" or "Khẩu hiệu:").
"""

from __future__ import annotations

import calendar
import difflib
import re
import types
import typing
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from generator.errors import DataPath, PlanError, Problem, format_path
from generator.model.schema import Plan
from generator.model.yamlfile import YamlFile, new_map, same_style, strings
from generator.vi.days_off import day_off

# --- dates and years in text -------------------------------------------------------------------

_DAY, _MONTH, _YEAR = r"\d{1,2}", r"\d{1,2}", r"\d{4}(?!\d)"
_SHORT = rf"(?<![\d/])(?P<sd>{_DAY})/(?P<sm>{_MONTH})/(?P<sy>{_YEAR})"
_LONG = rf"\b(?i:ngày)\s+(?P<ld>{_DAY})\s+(?i:tháng)\s+(?P<lm>{_MONTH})\s+(?i:năm)\s+(?P<ly>{_YEAR})"
_NAM = rf"\b(?i:năm)\s+(?P<ny>{_YEAR})"
#: A date or a year mention; the year is always the last four characters of the match.
MENTION = re.compile(f"{_LONG}|{_SHORT}|{_NAM}")
#: A year written on its own ("Ngày Chuyển đổi số 2024"); only counted near the plan's year.
BARE_YEAR = re.compile(r"(?<![\d/.,])(?P<y>\d{4})(?!\d)(?![/.,]\d)")
BARE_YEAR_WINDOW = 10

#: Document types (NĐ 30, Phụ lục III, and legal documents) that may precede "số" in a citation.
DOCUMENT_TYPES = (
    "Nghị quyết",
    "Quyết định",
    "Chỉ thị",
    "Quy chế",
    "Quy định",
    "Thông cáo",
    "Thông báo",
    "Hướng dẫn",
    "Chương trình",
    "Kế hoạch",
    "Phương án",
    "Đề án",
    "Dự án",
    "Báo cáo",
    "Biên bản",
    "Tờ trình",
    "Hợp đồng",
    "Công văn",
    "Công điện",
    "Giấy mời",
    "Luật",
    "Nghị định",
    "Thông tư liên tịch",
    "Thông tư",
)
_CITED_DATE = rf"(?:{_DAY}/{_MONTH}/\d{{4}}|{_DAY}\s+(?i:tháng)\s+{_MONTH}\s+(?i:năm)\s+\d{{4}})"
#: A cited document: "Kế hoạch số 2663/KH-UBND ngày 09/9/2024", "Nghị định số 30/2020/NĐ-CP".
CITATION = re.compile(
    rf"(?:(?i:{'|'.join(DOCUMENT_TYPES)})\s+)?\b(?i:số)\s+\d+(?:/\d{{4}})?/[A-ZĐ][\w\-]*(?:\.[\w\-]+)*"
    rf"(?:,?\s+(?i:ngày)\s+{_CITED_DATE}(?!\d))?"
)
#: Where the subject of a cited document ends: ";", a line break, the end of a sentence, ", " before a
#: capital letter (a new clause: "…năm 2024, UBND thị xã ban hành …"), or the next citation.
CLAUSE_END = re.compile(r";|\n|\.\s+(?=[A-ZĐÀ-Ỹ])|\.$|,\s+(?=[A-ZĐÀ-Ỹ])|:\s*$")
THEME = re.compile(r"^\W*(chủ đề|khẩu hiệu)\s*:", re.IGNORECASE)


def _mention_date(match: re.Match) -> tuple[int, int] | None:
    """(day, month) of a date mention, None for "năm YYYY"."""
    day, month = match.group("ld") or match.group("sd"), match.group("lm") or match.group("sm")
    return (int(day), int(month)) if day else None


def _exists(year: int, day_month: tuple[int, int]) -> bool:
    day, month = day_month
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _citations(text: str) -> list[tuple[int, int]]:
    """Spans of cited documents with their subjects (see CLAUSE_END)."""
    found = list(CITATION.finditer(text))
    spans = []
    for k, match in enumerate(found):
        limit = found[k + 1].start() if k + 1 < len(found) else len(text)
        end = CLAUSE_END.search(text, match.end(), limit)
        end = end.start() if end else limit
        depth = 0  # a citation inside brackets ends with them: "(theo Công văn số … của UBND tỉnh)"
        for position in range(match.end(), end):
            depth += {"(": 1, ")": -1}.get(text[position], 0)
            if depth < 0:
                end = position
                break
        spans.append((match.start(), end))
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


@dataclass(frozen=True)
class Move:
    """One mention moved: as written before and after, and the new date when it is a date."""

    old: str
    new: str
    day: date | None


def roll_text(text: str, old_year: int, new_year: int) -> tuple[str, list[Move]]:
    """Move the plan's own dates and "năm" mentions of `old_year` to `new_year`; (text, moves).

    Citations keep their dates and subjects; a date that does not exist in `new_year` is left as it is.
    """
    text = unicodedata.normalize("NFC", text)
    cited = _citations(text)
    moves: list[Move] = []

    def move(match: re.Match) -> str:
        found, day_month = match.group(0), _mention_date(match)
        if int(found[-4:]) != old_year or _inside(match.start(), cited):
            return found
        if day_month and not _exists(new_year, day_month):
            return found
        new = found[:-4] + str(new_year)
        moves.append(Move(found, new, date(new_year, day_month[1], day_month[0]) if day_month else None))
        return new

    return MENTION.sub(move, text), moves


def _excerpt(text: str, start: int, end: int, context: int = 40) -> str:
    left, right = max(0, start - context), min(len(text), end + context)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def review_text(text: str, old_year: int, new_year: int) -> list[str]:
    """What a person must still look at in one text after the rollover (messages in Vietnamese)."""
    text = unicodedata.normalize("NFC", text)
    notes, cited = [], _citations(text)
    for start, end in cited:
        notes.append(
            f"văn bản được dẫn «{text[start:end]}»: số và ngày giữ nguyên — có lẽ là văn bản năm trước, "
            f"cần dẫn văn bản năm {new_year} nếu có"
        )
    if THEME.match(text.replace("*", "")):
        notes.append(
            f"chủ đề, khẩu hiệu của năm: thay bằng chủ đề, khẩu hiệu năm {new_year} khi có — {_excerpt(text, 0, 0, 80)}"
        )
    seen = []
    for match in MENTION.finditer(text):
        seen.append(match.span())
        year, day_month = int(match.group(0)[-4:]), _mention_date(match)
        if year == new_year or _inside(match.start(), cited):
            continue
        if year == old_year and day_month and not _exists(new_year, day_month):
            notes.append(f"ngày «{match.group(0)}» không có trong năm {new_year}: chưa đổi, cần sửa tay")
        else:
            notes.append(f"còn nhắc năm {year}: {_excerpt(text, *match.span())}")
    for match in BARE_YEAR.finditer(text):
        year = int(match.group("y"))
        if (
            year != new_year
            and abs(year - old_year) <= BARE_YEAR_WINDOW
            and not _inside(match.start(), cited)
            and not _inside(match.start(), seen)
        ):
            notes.append(f"còn nhắc năm {year}: {_excerpt(text, *match.span())}")
    return notes


# --- --set FIELD=VALUE -------------------------------------------------------------------------

_PATH_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|(\.)")


def parse_field_path(text: str) -> DataPath:
    """ "phu_luc_2.bang[0].dong[2].don_gia" → ("phu_luc_2", "bang", 0, "dong", 2, "don_gia")."""
    steps: list[str | int] = []
    position, expect_name = 0, True
    while position < len(text):
        match = _PATH_TOKEN.match(text, position)
        name, index = (match.group(1), match.group(2)) if match else (None, None)
        if not match or expect_name != bool(name):  # a name first and after each dot; then [i] or a dot
            raise ValueError(
                f"đường dẫn trường {text!r} không hợp lệ ở ký tự {position + 1} (ví dụ đúng: co_quan.ten[1])"
            )
        if name or index:
            steps.append(name or int(index))
        expect_name = not (name or index)
        position = match.end()
    if not steps or expect_name:
        raise ValueError(f"đường dẫn trường {text!r} không hợp lệ (ví dụ đúng: co_quan.ten[1])")
    return tuple(steps)


def parse_value(text: str) -> object:
    """A --set value read as a YAML scalar or list; anything else (a "250.000" figure, "a: b") stays text."""
    try:
        value = YAML(typ="safe").load(text)
    except YAMLError:
        return text
    if isinstance(value, (dict, float, date)):
        return text
    return value


def _members(annotation: object) -> list[object]:
    """The types an annotation allows, without None, Optional, Annotated and Union wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) if arg is not type(None) for t in _members(arg)]
    return [annotation]


def _child_annotation(annotation: object, step: str | int) -> tuple[object | None, list[str] | None]:
    """(annotation of `step` inside `annotation` or None, the valid keys there when step is a key)."""
    for member in _members(annotation):
        origin = typing.get_origin(member)
        if isinstance(step, int) and origin is list:
            return typing.get_args(member)[0], None
        if isinstance(step, str) and origin is dict:
            return typing.get_args(member)[1], None
        if isinstance(step, str) and isinstance(member, type) and issubclass(member, BaseModel):
            fields = list(member.model_fields)
            return (member.model_fields[step].annotation if step in fields else None), fields
    return None, None


def set_field(data: CommentedMap, assignment: str, source: Path | None = None) -> None:
    """Apply one "FIELD=VALUE" to the round-trip data; PlanError naming the nearest valid key."""

    def fail(message: str) -> PlanError:
        return PlanError([Problem(f"--set {assignment}: {message}", (), source)])

    field_text, sep, value_text = assignment.partition("=")
    if not sep:
        raise fail("thiếu dấu '=' (dạng đúng: TRƯỜNG=GIÁ_TRỊ, ví dụ co_quan.ten_day_du=\"Ủy ban nhân dân xã X\")")
    try:
        steps = parse_field_path(field_text.strip())
    except ValueError as exc:
        raise fail(str(exc)) from None
    node, annotation = data, Plan
    for depth, step in enumerate(steps):
        here, last = steps[:depth], depth == len(steps) - 1
        child, fields = _child_annotation(annotation, step)
        if isinstance(step, int):
            if child is None or not isinstance(node, list):
                raise fail(f"{format_path(here)} không phải danh sách, không dùng chỉ số [{step}]")
            if step >= len(node):
                raise fail(f"{format_path(here)} chỉ có {len(node)} mục (chỉ số từ 0 đến {len(node) - 1})")
        else:
            where = format_path(here) or "tệp dữ liệu"
            if child is None:
                if fields is None:
                    raise fail(f"{where} không có trường con {step!r}")
                close = difflib.get_close_matches(step, fields, n=1, cutoff=0.5)
                hint = f"có phải ý bạn là {close[0]!r}?" if close else f"các trường hợp lệ: {', '.join(fields)}"
                raise fail(f"{where} không có trường {step!r}; {hint}")
            if not isinstance(node, dict):
                raise fail(f"{where} không phải nhóm khóa: giá trị")
            if step not in node and not last:
                if isinstance(steps[depth + 1], int):
                    raise fail(f"{format_path((*here, step))} chưa có trong tệp, không dùng chỉ số được")
                node[step] = new_map()
        if last:
            old = node[step] if isinstance(step, int) or step in node else None
            node[step] = same_style(old, parse_value(value_text.strip()))
        else:
            node, annotation = node[step], child


# --- the rollover ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A place a person must look at: field path, line in the new file, what to check."""

    path: DataPath
    line: int | None
    message: str

    def __str__(self) -> str:
        where = format_path(self.path) + (f" (dòng {self.line})" if self.line else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Moved:
    """A mention moved, where: field path, line in the new file, old → new."""

    path: DataPath
    line: int | None
    old: str
    new: str

    def __str__(self) -> str:
        where = format_path(self.path) + (f" (dòng {self.line})" if self.line else "")
        return f"{where}: «{self.old}» → «{self.new}»"


@dataclass
class Rollover:
    """The new plan (round-trip data and text), every place moved, and what to review."""

    document: YamlFile
    old_year: int
    new_year: int
    moves: list[Moved]
    review: list[Note]

    @property
    def moved(self) -> int:
        return len(self.moves)

    @property
    def text(self) -> str:
        return self.document.dump()


def rollover(
    source: Path, new_year: int, sets: Sequence[str] = (), output: Path | None = None, *, backwards: bool = False
) -> Rollover:
    """Next year's plan from `source`: dates and years moved, number and day cleared, `sets` applied.

    Raises PlanError when the input or the result is not a valid plan, or `new_year` is earlier
    than the plan's without `backwards` (nothing is written here).
    """
    document = YamlFile.read(source)
    old_year = document.compute().plan.van_ban.nam
    if new_year == old_year:
        raise PlanError(
            [Problem(f"kế hoạch đã là năm {old_year}; chọn năm khác với --year", ("van_ban", "nam"), source)]
        )
    if new_year < old_year and not backwards:
        raise PlanError(
            [
                Problem(
                    f"--year {new_year} sớm hơn năm của kế hoạch ({old_year}): lệnh new tạo kế hoạch năm sau; "
                    "nếu thật sự muốn lùi năm, thêm --force",
                    ("van_ban", "nam"),
                    source,
                )
            ]
        )
    data = document.data
    moved: list[tuple[DataPath, Move]] = []
    for container, key, path, text in list(strings(data)):
        new_text, moves = roll_text(text, old_year, new_year)
        if moves:
            container[key] = same_style(text, new_text)
            moved += [(path, m) for m in moves]
    van_ban = data["van_ban"]
    van_ban["nam"] = new_year
    for key in ("so", "ngay"):
        if key in van_ban:
            van_ban[key] = None
    for assignment in sets:
        set_field(data, assignment, source)
    document.compute(output or source)
    positions = document.positions()
    line = lambda path: positions.get(path, (None,))[0]  # noqa: E731
    review = [
        Note(path, line(path), message)
        for _container, _key, path, text in strings(data)
        for message in review_text(text, old_year, new_year)
    ]
    for path, move in moved:
        closed = day_off(move.day) if move.day else None
        if closed:
            review.append(
                Note(
                    path,
                    line(path),
                    f"ngày «{move.new}» (chuyển từ «{move.old}») rơi vào {closed} "
                    f"năm {new_year}: chọn ngày làm việc khác nếu cần",
                )
            )
    moves = [Moved(path, line(path), m.old, m.new) for path, m in moved]
    moves.append(Moved(("van_ban", "nam"), line(("van_ban", "nam")), str(old_year), str(new_year)))
    return Rollover(document, old_year, new_year, moves, review)
