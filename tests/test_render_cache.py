"""Issue 7: the cached render path makes what docxtpl makes.

For every template, with the bundled plan's context (and a ward plan's, rendered after it, so the
cache's state between documents is exercised), the document.xml and header parts of the cached
path are compared with those of docxtpl's own ``DocxTemplate(path).render(context, env,
autoescape=True)`` + ``save``, both parsed and serialised the same way (C14N). The zip writer is
compared with one made by zipfile, and the combined file with ``compose``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate
from lxml import etree

from conftest import PLAN
from generator.build import compute_loaded
from generator.loader import load_plan
from generator.render import (
    DEFLATE_LEVEL,
    TEMPLATES,
    PreparedTemplate,
    Renderer,
    attendees_context,
    budget_context,
    compose,
    core_properties,
    make_environment,
    plan_context,
    size_rules,
    write_zip,
)
from generator.units import load_units, unit_plans

UNITS = PLAN.parent / "units" / "kien-tuong.yaml"
CONTEXTS = {"ke-hoach.docx": plan_context, "phu-luc-1.docx": attendees_context, "phu-luc-2.docx": budget_context}


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def docxtpl_parts(template: Path, context: dict, convention) -> dict[str, bytes]:
    """document.xml and header/footer parts of docxtpl's own render, as it saves them."""
    doc = DocxTemplate(str(template))
    doc.render(context, make_environment(convention), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    with zipfile.ZipFile(out) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))}


@pytest.fixture(scope="module")
def town():
    return compute_loaded(load_plan(PLAN))


@pytest.fixture(scope="module")
def ward():
    """Phường 1's plan: a second, different context for the same prepared templates."""
    town_loaded = load_plan(PLAN)
    return compute_loaded(unit_plans(town_loaded, load_units(UNITS))[0][1])


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_cached_xml_equals_docxtpl(name, town, ward):
    convention = town.plan.quy_uoc_so.convention()
    prepared = PreparedTemplate(TEMPLATES / name, make_environment(convention))
    figures_list = [town, ward] if name != "phu-luc-1.docx" else [town]  # the ward plan has no Phụ lục I
    for figures in figures_list:
        for draft in (True, False):
            context = CONTEXTS[name](figures, draft=draft)
            document, headers = prepared.render_xml(context)
            expected = docxtpl_parts(TEMPLATES / name, context, convention)
            assert canonical(document) == canonical(expected.pop("word/document.xml")), f"{name}: document.xml"
            assert sorted(headers) == sorted(expected)
            for part, xml in expected.items():
                assert canonical(headers[part]) == canonical(xml), f"{name}: {part}"
            # the documents carry the plan: the comparison is not between two empty bodies
            assert figures.plan.co_quan.ten_day_du.encode() in document


def test_comparison_can_fail(town):
    """A different context gives a different body: the equality above is not vacuous."""
    convention = town.plan.quy_uoc_so.convention()
    prepared = PreparedTemplate(TEMPLATES / "ke-hoach.docx", make_environment(convention))
    context = plan_context(town, draft=True)
    document, _ = prepared.render_xml({**context, "luu": "VT, KHÁC"})
    expected = docxtpl_parts(TEMPLATES / "ke-hoach.docx", context, convention)["word/document.xml"]
    assert canonical(document) != canonical(expected)


def test_cached_docx_equals_plain_zip_of_parts(town):
    """render(): the template's parts with document.xml (short rules sized), core.xml and headers
    replaced, zipped by write_zip — the unchanged parts copied pre-compressed give the same bytes."""
    convention = town.plan.quy_uoc_so.convention()
    core = core_properties(town.plan)
    for name, context_of in CONTEXTS.items():
        prepared = PreparedTemplate(TEMPLATES / name, make_environment(convention))
        context = context_of(town, draft=True)
        document, headers = prepared.render_xml(context)
        replaced = {"word/document.xml": size_rules(document), "docProps/core.xml": core, **headers}
        with zipfile.ZipFile(TEMPLATES / name) as archive:
            entries = [(i.filename, replaced.get(i.filename, archive.read(i))) for i in archive.infolist()]
        assert prepared.render(context, core=core) == write_zip(entries)


def test_write_zip_is_what_zipfile_writes():
    entries = [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", "<w:document>Kế hoạch</w:document>".encode() * 50),
               ("word/tệp.xml", b"")]
    reference = io.BytesIO()
    with zipfile.ZipFile(reference, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
            archive.writestr(info, data, compresslevel=DEFLATE_LEVEL)
    assert write_zip(entries) == reference.getvalue()
    with zipfile.ZipFile(io.BytesIO(write_zip(entries))) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == entries


def test_combined_file_equals_compose(town, ward):
    """ho-so.docx from the frame is byte for byte what compose() makes of the plan's files."""
    renderer = Renderer()
    for figures in (town, town, ward, town):
        files = renderer.render_plan(figures).files
        parts = [data for name, data in files.items() if name != "ho-so.docx"]
        assert files["ho-so.docx"] == compose(parts)
