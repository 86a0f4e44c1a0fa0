"""Issue 13 point 2: one .docx reader. The same tricky files fed to check, audit and import agree.

The check reads `generator.docx`'s model, audit and import a view of it; here both are compared
with each other and with what the file was written to show (toggle bold, style inheritance,
fields, a text box, merged cells), and the three commands are run on the files.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from generator.analysis.audit import audit_document
from generator.analysis.docread import DocumentError, Paragraph, read_document
from generator.analysis.importer import import_document
from generator.check import CheckFileError, check_document, nd30
from generator.docx import DocxError, Para, Table, read_docx
from tricky_docx import BOX_PARAGRAPH, BOXED, FIELD_TEXT, INHERITED, LINES, NOTE, TOGGLE_RUNS, fmt, write_tricky


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    return write_tricky(tmp_path_factory.mktemp("tricky") / "kho.docx")


def bold_chars(runs) -> list[tuple[str, bool]]:
    return [(ch, run.bold) for run in runs for ch in run.text]


def test_check_reads_the_one_reader():
    assert nd30.load is read_docx


def test_model_and_view_agree_on_every_paragraph_and_cell(tricky):
    model, view = read_docx(tricky), read_document(tricky)
    model_paras = [b for b in model.blocks if isinstance(b, Para)]
    view_paras = [b for b in view.blocks if isinstance(b, Paragraph)]
    assert [p.text for p in model_paras] == [p.text for p in view_paras]
    assert [bold_chars(p.runs) for p in model_paras] == [bold_chars(p.runs) for p in view_paras]
    (model_table,), (view_table,) = [b for b in model.blocks if isinstance(b, Table)], view.tables
    for model_row, view_row in zip(model_table.rows, view_table.rows, strict=True):
        assert [(c.col, c.span) for c in model_row] == [(c.column, c.span) for c in view_row]
        for model_cell, view_cell in zip(model_row, view_row):
            assert view_cell.text == ("" if model_cell.merged_above else "\n".join(p.text for p in model_cell.paras))


def test_what_word_shows(tricky):
    view = read_document(tricky)
    by_text = {p.text: p for p in view.blocks if isinstance(p, Paragraph)}
    toggle = by_text["".join(text for text, _ in TOGGLE_RUNS)]
    assert bold_chars(toggle.runs) == [(ch, bold) for text, bold in TOGGLE_RUNS for ch in text]
    assert all(run.bold for run in by_text[INHERITED].runs)
    assert FIELD_TEXT in by_text
    assert BOX_PARAGRAPH in by_text and not any(BOXED in p.text for p in by_text.values())
    table = view.tables[0]
    total = table.rows[-1]
    assert [(c.column, c.span, c.text) for c in total] == [
        (0, 5, "Tổng cộng"),
        (5, 1, fmt(sum(q * p for *_, q, p in LINES))),
        (6, 1, ""),
    ]
    assert table.cell(1, 6).text == NOTE and table.cell(2, 6).text == ""  # merged down: shown once


def test_audit_reads_the_merged_cells(tricky, tmp_path):
    assert audit_document(tricky).findings == []
    # the same file with a wrong total: found in the merged total row
    wrong = tmp_path / "sai.docx"
    with zipfile.ZipFile(tricky) as src, zipfile.ZipFile(wrong, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                right = fmt(sum(q * p for *_, q, p in LINES)).encode()
                assert data.count(right) == 2  # the table's total and the paragraph under it
                data = data.replace(right, b"9.999.999", 1)
            out.writestr(item, data)
    codes = {f.code for f in audit_document(wrong).findings}
    assert "SAI-TONG" in codes


def test_import_keeps_bold_as_shown_and_reads_fields_not_text_boxes(tricky):
    text = import_document(tricky).yaml_text

    def marked(t: str, bold: bool) -> str:  # spaces stay outside the markers
        core = t.strip()
        return t.replace(core, f"**{core}**") if bold else t

    assert "".join(marked(t, bold) for t, bold in TOGGLE_RUNS).strip() in text
    assert f"**{INHERITED}**" in text
    assert FIELD_TEXT in text and BOX_PARAGRAPH in text and BOXED not in text
    for content, _, quantity, price in LINES:
        assert f'noi_dung: "{content}"' in text and f"so_luong: {quantity}, don_gia: {price}" in text


def test_check_runs_on_the_tricky_file(tricky):
    report = check_document(tricky)
    assert report.path == str(tricky) and report.violations  # a hand-made file: layout findings, no crash


# -- one error for an unreadable file ------------------------------------------------------------------------


def _zip(path, parts: dict[str, str]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("không phải Word", encoding="utf-8"), "không phải tệp nén ZIP"),
        (lambda p: p.write_bytes(OLE + b"WordDocument".decode().encode("utf-16-le")), "Word cũ (.doc)"),
        (lambda p: p.write_bytes(OLE + "EncryptedPackage".encode("utf-16-le")), "mật khẩu"),
        (lambda p: _zip(p, {"a.txt": "x"}), "không có phần văn bản chính"),
        (lambda p: _zip(p, {"[Content_Types].xml": TYPES, "_rels/.rels": RELS}), "không có phần văn bản chính"),
        (
            lambda p: _zip(p, {"[Content_Types].xml": TYPES, "_rels/.rels": RELS, "word/document.xml": "<w:document"}),
            "XML không đọc được",
        ),
        (
            lambda p: _zip(
                p,
                {
                    "[Content_Types].xml": TYPES.replace("wordprocessingml.document", "spreadsheetml.sheet"),
                    "_rels/.rels": RELS,
                    "word/document.xml": "<x/>",
                },
            ),
            "không phải văn bản Word",
        ),
        (lambda p: None, "Không tìm thấy"),
        (lambda p: p.mkdir(), "không phải là một tệp"),
    ],
)
def test_one_error_for_every_unreadable_file(tmp_path, make, says):
    path = tmp_path / "hong.docx"
    make(path)
    for command in (check_document, audit_document, import_document, read_docx):
        with pytest.raises(DocxError, match=re.escape(says)) as caught:
            command(path)
        assert "hong.docx" in str(caught.value)


def test_the_old_error_names_are_the_one_class():
    assert CheckFileError is DocxError and DocumentError is DocxError
