"""Issue 13 point 3: docxtpl's own render() as the reference path (VANBAN_RENDER=docxtpl), compared
with the fast path on every part of the package; a template with tags in its footnotes (which only
docxtpl's render fills) goes the reference way and is filled."""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest

from conftest import PLAN, REPO
from generator.build import build, compute_loaded
from generator.model.loader import load_plan
from generator.render.reference import ENV_VARIABLE, ReferenceTemplate
from generator.render.renderer import TEMPLATES, PreparedTemplate, Renderer
from generator.units.unitplan import unit_plans
from generator.units.unitsfile import load_units

UNITS = REPO / "data" / "units" / "kien-tuong.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def assert_same_package(fast: bytes, reference: bytes, label: str) -> None:
    fast_parts, reference_parts = parts(fast), parts(reference)
    assert [n for n, _ in fast_parts] == [n for n, _ in reference_parts], label
    for (name, a), (_, b) in zip(fast_parts, reference_parts):
        assert a == b, f"{label}: {name}"
    assert fast == reference, label  # the zips themselves: same order, dates, compression


def test_the_variable_selects_docxtpl(monkeypatch):
    monkeypatch.setenv(ENV_VARIABLE, "docxtpl")
    assert isinstance(
        Renderer().template("ke-hoach.docx", load_plan(PLAN).plan.quy_uoc_so.convention()), ReferenceTemplate
    )
    monkeypatch.delenv(ENV_VARIABLE)
    assert isinstance(
        Renderer().template("ke-hoach.docx", load_plan(PLAN).plan.quy_uoc_so.convention()), PreparedTemplate
    )


@pytest.mark.parametrize("draft", [None, True])
def test_both_paths_make_the_same_files_part_for_part(tmp_path, monkeypatch, draft):
    fast = build(PLAN, tmp_path / "fast", draft=draft)
    monkeypatch.setenv(ENV_VARIABLE, "docxtpl")
    reference = build(PLAN, tmp_path / "docxtpl", draft=draft)
    assert (
        sorted(fast.documents.files)
        == sorted(reference.documents.files)
        == ["ho-so.docx", "ke-hoach.docx", "phu-luc-1.docx", "phu-luc-2.docx"]
    )
    for name, data in fast.documents.files.items():
        assert_same_package(data, reference.documents.files[name], name)
    assert "Kiến Tường".encode() in dict(parts(fast.documents.files["ke-hoach.docx"]))["word/document.xml"]


def test_both_paths_agree_on_a_ward_plan(monkeypatch):
    plan = unit_plans(load_plan(PLAN), load_units(UNITS))[0][1]
    figures = compute_loaded(plan)
    fast = Renderer().render_plan(figures)
    monkeypatch.setenv(ENV_VARIABLE, "docxtpl")
    reference = Renderer().render_plan(figures)
    for name, data in fast.files.items():
        assert_same_package(data, reference.files[name], name)


FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Ghi chú của {{ co_quan.ten_day_du }}</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def with_footnotes(source, target) -> None:
    """A copy of a template with a footnotes part that holds a tag."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            out.writestr(item, data)
        out.writestr("word/footnotes.xml", FOOTNOTES)


def test_footnotes_are_filled_and_compared(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    with_footnotes(TEMPLATES / "ke-hoach.docx", folder / "ke-hoach.docx")
    figures = compute_loaded(load_plan(PLAN))
    fast = Renderer(folder).render_plan(figures)
    monkeypatch.setenv(ENV_VARIABLE, "docxtpl")
    reference = Renderer(folder).render_plan(figures)
    for name, data in fast.files.items():
        assert_same_package(data, reference.files[name], name)
    footnotes = dict(parts(fast.files["ke-hoach.docx"]))["word/footnotes.xml"].decode()
    assert "Ghi chú của Ủy ban nhân dân thị xã Kiến Tường" in footnotes and not re.search(r"\{[{%]", footnotes)
