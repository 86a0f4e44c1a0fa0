"""Plan data as YAML a clerk reads: quoting, one-line mappings, comments before items, and
formatted runs written as **bold** and *italic* markup (for `vanban import`)."""

from __future__ import annotations

import io
from decimal import Decimal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.analysis.docread import Paragraph, Run
from generator.vi import format_number

TODO = "TODO: kiểm tra"


def dump(data: CommentedMap) -> str:
    yaml = YAML()
    yaml.width = 4096  # never fold a paragraph over several lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def quoted(text: str) -> str:
    """Running text in double quotes (as in the bundled plans), unless that would need escapes."""
    return text if '"' in text or "\\" in text else DoubleQuotedScalarString(text)


def flow(mapping: CommentedMap) -> CommentedMap:
    mapping.fa.set_flow_style()
    return mapping


def comment_before(container, key, lines: list[str], indent: int) -> None:
    if lines:
        container.yaml_set_comment_before_after_key(key, before="\n".join(lines), indent=indent)


def figure_text(value) -> str:
    return format_number(value)


def whole(value) -> int | None:
    """An int for a whole figure (int or integral Decimal), else None."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else None
    return value


# --- runs → markup -----------------------------------------------------------------------------


def styled_chars(runs: tuple[Run, ...]) -> list[tuple[str, str]]:
    """Characters with their format ("b", "i" or ""), whitespace collapsed, ends trimmed."""
    out: list[tuple[str, str]] = []
    for run in runs:
        style = "b" if run.bold else ("i" if run.italic else "")
        for ch in run.text:
            if ch.isspace():
                if out and out[-1][0] != " ":
                    out.append((" ", style))
            else:
                out.append((ch, style))
    while out and out[-1][0] == " ":
        out.pop()
    return out


def markup(chars: list[tuple[str, str]]) -> str:
    """**bold** and *italic* exactly where the runs are; spaces between two runs of one format join them."""
    chars = list(chars)
    while chars and chars[0][0] == " ":
        chars.pop(0)
    while chars and chars[-1][0] == " ":
        chars.pop()
    for i, (ch, _) in enumerate(chars):
        if ch == " ":
            before = chars[i - 1][1] if i else ""
            after = next((s for c, s in chars[i + 1 :] if c != " "), "")
            chars[i] = (" ", before if before == after else "")
    out, i = [], 0
    while i < len(chars):
        style = chars[i][1]
        j = i
        while j < len(chars) and chars[j][1] == style:
            j += 1
        text = "".join(c for c, _ in chars[i:j]).replace("*", "\\*")
        mark = {"b": "**", "i": "*"}.get(style, "")
        out.append(f"{mark}{text}{mark}" if mark and text.strip() else text)
        i = j
    return "".join(out)


def all_bold(paragraph: Paragraph) -> bool:
    return all(r.bold for r in paragraph.runs if r.text.strip()) and bool(paragraph.clean)


def flow_seq(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq
