"""Hostile and broken inputs of issue 14, generated (nothing binary is committed).

Each maker writes one file into a folder and returns its path. `CASES` lists every case with the
command that reads it; tests/test_fuzz.py runs them in a child process with limits.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import PLAN, SEED_DOCX

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- packages -------------------------------------------------------------------------------------


def repack(source: bytes | Path, changes: dict[str, bytes | None], *, stored: set[str] = frozenset()) -> bytes:
    """A copy of a zip package with some members replaced (None: removed) or added."""
    data = source.read_bytes() if isinstance(source, Path) else source
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in changes:
                continue
            new.writestr(info.filename, old.read(info))
        for name, member in changes.items():
            if member is not None:
                new.writestr(
                    name, member, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED, compresslevel=1
                )
    return out.getvalue()


def seed_member(name: str) -> str:
    with zipfile.ZipFile(SEED_DOCX) as archive:
        return archive.read(name).decode("utf-8")


def edited_seed(name: str, edit: Callable[[str], str]) -> bytes:
    return repack(SEED_DOCX, {name: edit(seed_member(name)).encode("utf-8")})


def docx_bomb() -> bytes:
    """document.xml inflating to 160 MB (a real deflate stream, ~160 KB packed)."""
    body = seed_member("word/document.xml")
    filler = "<!--" + " " * (160 * 1024 * 1024) + "-->"
    return repack(SEED_DOCX, {"word/document.xml": body.replace("<w:body>", "<w:body>" + filler, 1).encode()})


def docx_lying_sizes() -> bytes:
    """A member whose local and central headers say 10 bytes while its stream inflates to 50 MB."""
    data = bytearray(repack(SEED_DOCX, {"word/document.xml": b"<" + b" " * (50 * 1024 * 1024) + b">"}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    for offset in (
        info.header_offset + 22,
        *[
            m.start() + 24
            for m in re.finditer(rb"PK\x01\x02", data)
            if data[m.start() + 46 : m.start() + 46 + 17] == b"word/document.xml"
        ],
    ):
        data[offset : offset + 4] = (10).to_bytes(4, "little")
    return bytes(data)


def billion_laughs() -> str:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'


def docx_cases() -> dict[str, Callable[[], bytes]]:
    twips = lambda value: lambda xml: re.sub(r'w:top="[^"]*"', f'w:top="{value}"', xml, count=1)  # noqa: E731
    return {
        "docx-bomb": docx_bomb,
        "docx-lying-sizes": docx_lying_sizes,
        "docx-no-body": lambda: edited_seed(
            "word/document.xml", lambda x: re.sub(r"<w:body>.*</w:body>", "", x, flags=re.S)
        ),
        "docx-wrong-root": lambda: repack(
            SEED_DOCX, {"word/document.xml": f'<?xml version="1.0"?><w:hdr xmlns:w="{W}"/>'.encode()}
        ),
        "docx-not-xml": lambda: repack(SEED_DOCX, {"word/document.xml": b"\x00\xff not xml"}),
        "docx-entities": lambda: edited_seed(
            "word/document.xml",
            lambda x: billion_laughs() + x[x.index("<w:document") :].replace("<w:t>", "<w:t>&a9;", 1),
        ),
        "docx-external-target": lambda: edited_seed(
            "_rels/.rels",
            lambda x: re.sub(
                r'Target="word/document.xml"', 'Target="http://example.com/d.xml" TargetMode="External"', x
            ),
        ),
        "docx-external-styles": lambda: edited_seed(
            "word/_rels/document.xml.rels",
            lambda x: re.sub(r'Target="styles.xml"', 'Target="file:///etc/passwd" TargetMode="External"', x),
        ),
        "docx-twip-1e999": lambda: edited_seed("word/document.xml", twips("1e999")),
        "docx-twip-abc": lambda: edited_seed("word/document.xml", twips("abc")),
        "docx-twip-nan": lambda: edited_seed("word/document.xml", twips("nan")),
        "docx-gridcol-abc": lambda: edited_seed(
            "word/document.xml", lambda x: re.sub(r'(<w:gridCol w:w=")[^"]*', r"\1abc", x)
        ),
        "docx-sz-huge": lambda: edited_seed(
            "word/document.xml", lambda x: re.sub(r'(<w:sz w:val=")[^"]*', r"\g<1>" + "9" * 5000, x, count=3)
        ),
        "docx-bold-maybe": lambda: edited_seed(
            "word/document.xml", lambda x: x.replace("<w:b/>", '<w:b w:val="maybe"/>')
        ),
        "docx-theme-malformed": lambda: repack(SEED_DOCX, {"word/theme/theme1.xml": b"<a:theme><unclosed"}),
        "docx-theme-wrong": lambda: repack(SEED_DOCX, {"word/theme/theme1.xml": b'<?xml version="1.0"?><x/>'}),
        "docx-styles-cycle": lambda: edited_seed("word/styles.xml", _style_cycle),
        "docx-styles-self": lambda: edited_seed(
            "word/styles.xml",
            lambda x: re.sub(r'(<w:style [^>]*w:styleId="Normal"[^>]*>)', r'\1<w:basedOn w:val="Normal"/>', x, count=1),
        ),
        "docx-deep-nesting": lambda: edited_seed(
            "word/document.xml",
            lambda x: x.replace(
                "<w:body>", "<w:body>" + "<w:sdt><w:sdtContent>" * 3000 + "</w:sdtContent></w:sdt>" * 3000, 1
            ),
        ),
        "docx-many-members": lambda: repack(SEED_DOCX, {f"x/{i}.xml": b"" for i in range(6000)}),
        "not-a-zip": lambda: b"PK\x03\x04 this is not a zip" * 10,
        "empty-file": lambda: b"",
    }


def _style_cycle(xml: str) -> str:
    """Two styles based on each other (Normal ↔ a new style), paragraphs using both."""
    xml = re.sub(r'(<w:style [^>]*w:styleId="Normal"[^>]*>)', r'\1<w:basedOn w:val="Vong"/>', xml, count=1)
    return xml.replace(
        "</w:styles>",
        '<w:style w:type="paragraph" w:styleId="Vong"><w:name w:val="Vong"/>'
        '<w:basedOn w:val="Normal"/></w:style></w:styles>',
    )


# --- workbooks ------------------------------------------------------------------------------------


def exported_workbook(folder: Path) -> tuple[Path, Path]:
    """The bundled plan copied into `folder` and its exported workbook (the base of the .xlsx cases)."""
    from generator.excel.export import export_workbook
    from generator.model.yamlfile import YamlFile

    plan = folder / "plan.yaml"
    plan.write_bytes(PLAN.read_bytes())
    book = folder / "plan.xlsx"
    book.write_bytes(export_workbook(YamlFile.read(plan).compute()))
    return plan, book


def _edit_sheet(book: bytes, edit: Callable[[str], str], name: str = "xl/worksheets/sheet2.xml") -> bytes:
    """`edit` applied to a sheet's XML (sheet2: "Bảng 1", the first budget table)."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        xml = archive.read(name).decode("utf-8")
    return repack(book, {name: edit(xml).encode("utf-8")})


def _cell(ref: str, inner: str, kind: str = "") -> Callable[[str], str]:
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    cell = f'<c r="{ref}"{kind}>{inner}</c>'
    return lambda xml: xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')


def xlsx_cases() -> dict[str, Callable[[bytes], bytes]]:
    strings = "".join(f"<si><t>{'x' * 10}</t></si>" for _ in range(10))
    return {
        "xlsx-far-cell": lambda b: _edit_sheet(b, _cell("XFD1048576", "<v>1</v>")),
        "xlsx-far-dimension": lambda b: _edit_sheet(
            b, lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', x)
        ),
        "xlsx-v-1e309": lambda b: _edit_sheet(
            b, lambda x: re.sub(r'(<c r="E5"[^>]*>)<v>[^<]*</v>', r"\1<v>1e309</v>", x)
        ),
        "xlsx-v-nan": lambda b: _edit_sheet(b, lambda x: re.sub(r'(<c r="E5"[^>]*>)<v>[^<]*</v>', r"\1<v>NaN</v>", x)),
        "xlsx-shared-strings-bomb": lambda b: repack(
            b,
            {
                "xl/sharedStrings.xml": (
                    '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    + strings * 400_000
                    + "</sst>"
                ).encode()
            },
        ),
        "xlsx-entities": lambda b: repack(
            b,
            {
                "xl/sharedStrings.xml": (
                    billion_laughs().replace("w:document", "sst")
                    + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&a9;</t></si></sst>'
                ).encode()
            },
        ),
        "xlsx-bad-reference": lambda b: _edit_sheet(
            b,
            lambda x: re.sub(
                r'(<c r="B5"[^>]*>)<is><t>[^<]*</t></is>', r"\1<is><t>{='x'|center(1000000000)}</t></is>", x
            ),
        ),
        "xlsx-not-zip": lambda b: b"not a workbook",
    }


# --- plan files -----------------------------------------------------------------------------------


def plan_text() -> str:
    return PLAN.read_text(encoding="utf-8")


def _replace(old: str, new: str) -> Callable[[], str]:
    def make() -> str:
        text = plan_text()
        assert old in text, old
        return text.replace(old, new, 1)

    return make


def _many_muc(count: int) -> str:
    text = plan_text()
    start = text.index("\nmuc:\n") + len("\nmuc:\n")
    extra = "".join(f"  - tieu_de: Mục thêm {i}\n    noi_dung: [Nội dung {i}.]\n" for i in range(count))
    return text[:start] + extra + text[start:]


def _many_groups(count: int) -> str:
    text = plan_text()
    start = text.index("  nhom:\n") + len("  nhom:\n")
    extra = "".join(
        f"    - ten: Nhóm thêm {i}\n      thanh_vien: [{{ten: Người {i}, so_luong: 1}}]\n" for i in range(count)
    )
    return text[:start] + extra + text[start:]


def _diem(count: int) -> str:
    items = "".join(f"\n    - diem: Điểm số {i}." for i in range(count))
    return _replace(
        "\nmuc:\n  - tieu_de: MỤC ĐÍCH, YÊU CẦU\n", f"\nmuc:\n  - tieu_de: MỤC ĐÍCH, YÊU CẦU\n    noi_dung:{items}\n"
    )()


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    return "\n".join(lines) + "\n" + plan_text()


def plan_cases() -> dict[str, Callable[[], str]]:
    return {
        "yaml-alias-bomb": _alias_bomb,
        "yaml-alias-bomb-in-bien": lambda: _replace(
            "\nmuc:\n",
            "\nx0: &x0 [a, a, a, a, a, a, a, a, a]\n"
            + "".join(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 8))
            + "muc:\n",
        )(),
        "yaml-deep-nesting": lambda: plan_text() + "sau: " + "[" * 3000 + "]" * 3000 + "\n",
        "yaml-deep-block-nesting": lambda: (
            plan_text() + "sau:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 1500)) + " " * 1500 + "x: 1\n"
        ),
        "yaml-long-integer": lambda: _replace("  thang: 9", "  thang: " + "9" * 5000)(),
        "yaml-long-integer-price": lambda: re.sub(r"don_gia: \d+", "don_gia: " + "1" * 4500, plan_text(), count=1),
        "yaml-many-keys": lambda: plan_text() + "".join(f"khoa_la_{i}: 1\n" for i in range(200_000)),
        "yaml-binary-tag": lambda: _replace("  dia_danh: ", "  dia_danh: !!binary aGVsbG8= #")(),
        "yaml-python-tag": lambda: _replace("  dia_danh: ", "  dia_danh: !!python/object:os.system ls #")(),
        "yaml-custom-tag": lambda: _replace("  dia_danh: ", "  dia_danh: !la Kiến Tường #")(),
        "yaml-24-diem": lambda: _diem(24),
        "yaml-4000-muc": lambda: _many_muc(4000),
        "yaml-4000-groups": lambda: _many_groups(4000),
        "yaml-arabic-digits": lambda: _replace("  so:            #", '  so: "٥"            #')(),
        "yaml-bidi-override": lambda: _replace("  ho_ten: Nguyễn Thị Lụa", '  ho_ten: "Nguyễn \u202eThị Lụa"')(),
        "yaml-invisible-name": lambda: _replace("  ho_ten: Nguyễn Thị Lụa", '  ho_ten: "\u200b\u200c\u2060"')(),
        "yaml-combining-name": lambda: _replace("  ho_ten: Nguyễn Thị Lụa", '  ho_ten: "\u0301\u0300\u0323"')(),
        "yaml-ref-huge-string": lambda: _replace("{=phu_luc_1.ten}", "{='x'*(10**9)}")(),
        "yaml-ref-huge-power": lambda: re.sub(
            r"(nuoc_uong.*?)so_luong: =phu_luc_1.tong", r'\1so_luong: "=9**(9**9)"', plan_text(), count=1
        ),
        "yaml-ref-lipsum": lambda: _replace("{=phu_luc_1.ten}", "{=lipsum(100000)}")(),
        "yaml-ref-center": lambda: _replace("{=phu_luc_1.ten}", "{='x'|center(1000000000)}")(),
        "yaml-ref-repr": lambda: _replace("{=phu_luc_1.ten}", "{=phu_luc_1|string}")(),
        "yaml-ref-method": lambda: _replace("{=phu_luc_1.ten}", "{=phu_luc_1.field('tong')()}")(),
        "yaml-ref-dunder": lambda: _replace("{=phu_luc_1.ten}", "{=phu_luc_1.__class__}")(),
    }


# --- the table of cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    command: str  # check, audit, import, lint-template, import-xlsx, build
    make: Callable[[Path], list[str]]  # folder → the command's arguments (files made there)


def _docx_case(name: str, make: Callable[[], bytes], command: str) -> Case:
    def args(folder: Path) -> list[str]:
        path = folder / f"{name}.docx"
        path.write_bytes(make())
        out = folder / "out.yaml"
        return {"import": ["import", str(path), "-o", str(out)]}.get(command, [command, str(path)])

    return Case(f"{command}:{name}", command, args)


def _xlsx_case(name: str, make: Callable[[bytes], bytes]) -> Case:
    def args(folder: Path) -> list[str]:
        plan, book = exported_workbook(folder)
        book.write_bytes(make(book.read_bytes()))
        return ["import-xlsx", str(book), str(plan)]

    return Case(f"import-xlsx:{name}", "import-xlsx", args)


def _plan_case(name: str, make: Callable[[], str]) -> Case:
    def args(folder: Path) -> list[str]:
        path = folder / "plan.yaml"
        path.write_text(make(), encoding="utf-8")
        return ["build", str(path), "-o", str(folder / "out")]

    return Case(f"build:{name}", "build", args)


def _special_case(name: str, command: str, target: str) -> Case:
    def args(folder: Path) -> list[str]:
        if target == "fifo":
            path = folder / "fifo"
            os.mkfifo(path)
        else:
            path = Path(target)
        if command == "build":
            return ["build", str(path), "-o", str(folder / "out")]
        if command == "import":
            return ["import", str(path), "-o", str(folder / "out.yaml")]
        if command == "import-xlsx":
            plan, _ = exported_workbook(folder)
            return ["import-xlsx", str(path), str(plan)]
        return [command, str(path)]

    return Case(f"{command}:{name}", command, args)


def cases() -> list[Case]:
    out: list[Case] = []
    for name, make in docx_cases().items():
        for command in ("check", "audit", "import", "lint-template"):
            out.append(_docx_case(name, make, command))
    out += [_xlsx_case(name, make) for name, make in xlsx_cases().items()]
    out += [_plan_case(name, make) for name, make in plan_cases().items()]
    if hasattr(os, "mkfifo"):
        out += [
            _special_case("fifo", c, "fifo")
            for c in ("build", "check", "audit", "import", "lint-template", "import-xlsx")
        ]
    if Path("/dev/zero").exists():
        out += [
            _special_case("dev-zero", c, "/dev/zero")
            for c in ("build", "check", "audit", "import", "lint-template", "import-xlsx")
        ]
    return out
