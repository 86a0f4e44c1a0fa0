"""Issue 7: the cached render path makes what docxtpl makes.

For every template, with the bundled plan's context (and a ward plan's, rendered after it, so the
cache's state between documents is exercised), the document.xml and header parts of the cached
path are compared byte for byte with those of docxtpl's own ``DocxTemplate(path).render(context,
env, autoescape=True)`` + ``save``; then the same for random plans whose texts hold quotes,
ampersands, angle brackets, tabs, line breaks and carriage returns (hypothesis). The documents are
made on the text (``by_text``), the tree path is checked the same way on documents it takes
(nested tables, carriage returns). The zip writer is compared with one made by zipfile, and the
combined file with ``compose``.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_properties_build import ALPHABET, plans

from conftest import PLAN, REPO
from generator.build import compute_loaded
from generator.compute.figures import compute
from generator.model.loader import load_plan, validate_data
from generator.render import oxml
from generator.render.oxml import DEFLATE_LEVEL, write_zip
from generator.render.renderer import (
    TEMPLATES,
    PreparedTemplate,
    Renderer,
    attendees_context,
    budget_context,
    compose,
    core_properties,
    make_environment,
    plan_context,
)
from generator.units.unitplan import unit_plans
from generator.units.unitsfile import load_units
from generator.vi import CANONICAL

UNITS = REPO / "data" / "units" / "kien-tuong.yaml"
CONTEXTS = {"ke-hoach.docx": plan_context, "phu-luc-1.docx": attendees_context, "phu-luc-2.docx": budget_context}


EXAMPLES = int(os.environ.get("VANBAN_DOCXTPL_EXAMPLES", "60"))


def docxtpl_parts(template: Path, context: dict, convention) -> dict[str, bytes]:
    """document.xml and header/footer parts of docxtpl's own render, as it saves them."""
    doc = DocxTemplate(str(template))
    doc.render(context, make_environment(convention), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    with zipfile.ZipFile(out) as archive:
        return {
            n: archive.read(n)
            for n in archive.namelist()
            if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))
        }


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
            assert document == expected.pop("word/document.xml"), f"{name}: document.xml"
            assert headers == expected
            # the documents carry the plan: the comparison is not between two empty bodies
            assert figures.plan.co_quan.ten_day_du.encode() in document
    assert prepared.by_text


def test_comparison_can_fail(town):
    """A different context gives a different body: the equality above is not vacuous."""
    convention = town.plan.quy_uoc_so.convention()
    prepared = PreparedTemplate(TEMPLATES / "ke-hoach.docx", make_environment(convention))
    context = plan_context(town, draft=True)
    document, _ = prepared.render_xml({**context, "luu": "VT, KHÁC"})
    expected = docxtpl_parts(TEMPLATES / "ke-hoach.docx", context, convention)["word/document.xml"]
    assert document != expected


def test_cached_docx_equals_plain_zip_of_parts(town):
    """render(): the template's parts with document.xml (short rules sized), core.xml and headers
    replaced, zipped by write_zip — the unchanged parts copied pre-compressed give the same bytes."""
    convention = town.plan.quy_uoc_so.convention()
    core = core_properties(town.plan)
    for name, context_of in CONTEXTS.items():
        prepared = PreparedTemplate(TEMPLATES / name, make_environment(convention))
        context = context_of(town, draft=True)
        document, headers = prepared.render_xml(context)
        root = etree.fromstring(document)
        oxml.size_rules(root)
        sized = etree.tostring(root, encoding="UTF-8", standalone=True)
        replaced = {"word/document.xml": sized, "docProps/core.xml": core, **headers}
        with zipfile.ZipFile(TEMPLATES / name) as archive:
            entries = [(i.filename, replaced.get(i.filename, archive.read(i))) for i in archive.infolist()]
        assert prepared.render(context, core=oxml.Deflated.of("docProps/core.xml", core)) == write_zip(entries)


def test_write_zip_is_what_zipfile_writes():
    entries = [
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", "<w:document>Kế hoạch</w:document>".encode() * 50),
        ("word/tệp.xml", b""),
    ]
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


# --- random plans against docxtpl itself --------------------------------------------------------

RENDERER = Renderer()
TRICKY = st.text(alphabet=ALPHABET + "\t\n\r  ", min_size=1, max_size=16)


@st.composite
def tricky_plans(draw):
    """Random plans (test_properties_build) with tabs, line breaks, carriage returns, quotes and
    markup characters in their texts, blank units and notes, and short tables."""
    data = draw(plans())
    data["van_ban"]["trich_yeu"] += draw(TRICKY)
    data["mo_dau"][0] += draw(TRICKY)
    data["noi_nhan"][0] = draw(TRICKY) + data["noi_nhan"][0]
    data["co_quan"]["ten"][1] += draw(TRICKY).upper()
    for table in data["phu_luc_2"]["bang"]:
        del table["dong"][12:]
        for line in table["dong"]:
            line["don_vi_tinh"] = draw(st.sampled_from([None, "Cái", "m²"]))
            line["ghi_chu"] = draw(st.one_of(st.none(), TRICKY.filter(str.strip)))
    return data


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(tricky_plans())
def test_random_plans_render_as_docxtpl_does(data):
    figures = compute(validate_data(data).plan)
    convention = figures.plan.quy_uoc_so.convention()
    renderer = RENDERER
    for name, context_of in CONTEXTS.items():
        context = context_of(figures, draft=True)
        prepared = renderer.template(name, convention)
        document, headers = prepared.render_xml(context)
        expected = docxtpl_parts(TEMPLATES / name, context, convention)
        assert document == expected.pop("word/document.xml"), name
        assert headers == expected
        assert prepared.by_text
    files = renderer.render_plan(figures).files
    assert files["ho-so.docx"] == compose([data for name, data in files.items() if name != "ho-so.docx"])


# --- the text path's table check against docxtpl's fix_tables ----------------------------------


def table_xml(columns: int, rows: list[list[int]]) -> str:
    """A table with `columns` grid columns and rows of cells spanning the given numbers of columns."""

    def cell(span: int) -> str:
        merged = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        return f'<w:tc><w:tcPr><w:tcW w:w="900" w:type="dxa"/>{merged}</w:tcPr><w:p/></w:tc>'

    grid = '<w:gridCol w:w="900"/>' * columns
    return (
        f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>"
        + "".join(f"<w:tr>{''.join(map(cell, r))}</w:tr>" for r in rows)
        + "</w:tbl>"
    )


shapes = st.tuples(st.integers(1, 5), st.lists(st.lists(st.integers(1, 3), min_size=1, max_size=5), max_size=4))


@settings(max_examples=500, deadline=None, database=None)
@given(st.lists(shapes, min_size=1, max_size=3), st.booleans())
def test_table_check_agrees_with_fix_tables(tables, nested):
    inner = table_xml(2, [[1, 1]]) if nested else ""
    xml = "".join(table_xml(columns, rows) for columns, rows in tables)
    if nested:  # a table inside the first cell: the text path leaves it to the tree
        xml = xml.replace("<w:p/></w:tc>", f"<w:p/>{inner}<w:p/></w:tc>", 1)
    body = f'<w:body xmlns:w="{oxml.W}">{xml}<w:p/></w:body>'
    unchanged = etree.tostring(DocxTemplate.fix_tables(None, body)) == etree.tostring(etree.fromstring(body))
    assert oxml.tables_need_fixing(etree.fromstring(body)) == (not unchanged)
    if nested:
        assert not oxml.tables_regular(body)
    else:
        assert oxml.tables_regular(body) == unchanged


def test_text_path_leaves_intricate_documents_to_the_tree():
    """Templates with text boxes, content controls, tracked changes, comments, raw output or a tag
    inside a tag are not filled as text; filled documents with nested tables or carriage returns
    go through the tree too."""
    plain = f'<w:document xmlns:w="{oxml.W}"><w:body><w:p><w:r><w:t>{{{{ a }}}}</w:t></w:r></w:p><w:sectPr/></w:body></w:document>'
    filling = oxml.text_filling(plain)
    assert filling == oxml.TextFilling(frozenset({"w:t"}), tables_vary=False)
    for inserted in (
        "<w:txbxContent/>",
        "<w:sdt><w:sdtContent/></w:sdt>",
        "<w:pPrChange/>",
        "<!-- x -->",
        "{{ a|safe }}",
        '<w:p w:rsidR="{{ a }}"/>',
    ):
        assert oxml.text_filling(plain.replace("<w:sectPr/>", inserted + "<w:sectPr/>")) is None, inserted
    filled = plain.replace("{{ a }}", "a")
    assert oxml.as_saved(filled, filling, sized=True) == filled
    assert oxml.as_saved(filled.replace("<w:t>a</w:t>", "<w:t>a\rb</w:t>"), filling, sized=True) is None
    nested = table_xml(1, [[1]]).replace("<w:p/></w:tc>", table_xml(1, [[1]]) + "<w:p/></w:tc>")
    varying = oxml.TextFilling(frozenset({"w:t"}), tables_vary=True)
    assert oxml.as_saved(filled.replace("<w:t>a</w:t>", nested), varying, sized=True) is None


def test_templates_whose_filling_changes_tables_are_checked_per_document():
    """Tags in cell text leave tables as they are; so do row loops, if a row outside them spans the
    grid; tags elsewhere in a table or a row (cell loops) make tables vary."""
    row = '<w:tr><w:tc><w:tcPr><w:tcW w:w="900" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p></w:tc></w:tr>'
    table = f'<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="900"/></w:tblGrid>{row}</w:tbl>'
    loop = f"{{% for x in y %}}{row}{{% endfor %}}"
    for body, vary in (
        (table, False),
        (table.replace(row, loop), True),
        (table.replace(row, row + loop), False),
        (table.replace(row, row + loop.replace("</w:tr>{% endfor %}", "{% endfor %}</w:tr>")), True),
        (table.replace("<w:tc>", "{% if a %}<w:tc>"), True),
        (table.replace("</w:tblGrid>", '<w:gridCol w:w="9"/></w:tblGrid>'), True),
    ):
        source = f'<w:document xmlns:w="{oxml.W}"><w:body>{body}<w:sectPr/></w:body></w:document>'
        assert oxml.text_filling(source).tables_vary is vary, body


ROW_WRAPS = st.sampled_from(
    [
        "{}",
        "{{% for i in range(n) %}}{}{{% endfor %}}",
        "{{% if a %}}{}{{% endif %}}",
        "{{% if a %}}{{% else %}}{}{{% endif %}}",
    ]
)
#: Statements where filling may change a table's cells or grid, not only repeat its rows.
MISPLACED = st.sampled_from(
    [
        lambda t: t.replace("<w:tc>", "{% if a %}<w:tc>", 1).replace(
            "</w:tc>", "</w:tc>{% endif %}", 1
        ),  # a cell left out
        lambda t: t.replace("<w:gridCol ", "{% for i in range(n) %}<w:gridCol ", 1).replace(
            "</w:tblGrid>", "{% endfor %}</w:tblGrid>"
        ),
        lambda t: t.replace("<w:tr>", "{% if a %}<w:tr>", 1).replace(
            "<w:p/></w:tc>", "<w:p/>{% endif %}</w:tc>", 1
        ),  # row → cell
        lambda t: t.replace("<w:tr>", "{{ n }}<w:tr>", 1),  # a value between rows
    ]
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.integers(1, 4),
    st.booleans(),
    st.lists(st.tuples(st.lists(st.integers(1, 3), min_size=1, max_size=4), ROW_WRAPS), min_size=1, max_size=4),
    st.none() | MISPLACED,
    st.lists(st.tuples(st.booleans(), st.integers(0, 2)), min_size=1, max_size=4),
)
def test_tables_said_fixed_need_no_fixing_whatever_the_filling(columns, full_row, rows, misplaced, fillings):
    """A template whose tables `text_filling` says cannot vary fills to tables fix_tables leaves
    as they are, whatever its statements around rows do (repeated, left out, one branch or the other).
    Rows have at most as many cells as the grid has columns (most tables are then regular), and
    the first may be a row of one cell per column, outside any statement."""
    one = table_xml(columns, [[1]]).split("<w:tr>", 1)[0]
    rows = [([1] * columns, "{}")] * full_row + [
        ([min(span, columns) for span in spans][:columns], wrap) for spans, wrap in rows
    ]
    table = (
        one
        + "".join(wrap.format(table_xml(columns, [spans])[len(one) : -len("</w:tbl>")]) for spans, wrap in rows)
        + "</w:tbl>"
    )
    table = misplaced(table) if misplaced else table
    source = f'<w:document xmlns:w="{oxml.W}"><w:body>{table}<w:sectPr/></w:body></w:document>'
    filling = oxml.text_filling(source)
    if filling is None or filling.tables_vary:
        return
    template = make_environment(CANONICAL).from_string(source)
    for a, n in fillings:
        filled = template.render(a=a, n=n)
        body = etree.tostring(etree.fromstring(filled).find(f"{{{oxml.W}}}body"), encoding="unicode")
        assert etree.tostring(DocxTemplate.fix_tables(None, body)) == etree.tostring(etree.fromstring(body)), (
            source,
            a,
            n,
        )


def test_joined_texts_are_what_compose_makes(town, ward):
    """oxml.join_bodies on the rendered texts gives compose()'s document.xml (the fast path of ho-so.docx)."""
    renderer = Renderer()
    for figures in (town, ward):
        files = renderer.render_plan(figures).files
        names = [name for name in files if name != "ho-so.docx"]
        texts = [renderer.template(name, figures.plan.quy_uoc_so.convention()).last for name in names]
        with zipfile.ZipFile(io.BytesIO(compose([files[name] for name in names]))) as archive:
            expected = archive.read("word/document.xml")
        sections = etree.fromstring(expected).iter(f"{{{oxml.W}}}sectPr")
        ids = [[ref.get(f"{{{oxml.R}}}id") for ref in section if ref.get(f"{{{oxml.R}}}id")] for section in sections]
        assert (oxml.XML_DECLARATION + oxml.join_bodies(texts, ids)).encode() == expected
        assert len(ids) == len(names) and all(ids)
