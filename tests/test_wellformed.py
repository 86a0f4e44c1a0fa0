"""Issue 7: documents filled from a template proved well-formed are not parsed again.

`oxml.always_well_formed` says, from a template's Jinja syntax tree, that every filling of it is
well-formed XML. That is checked here against expat on random templates — made of elements, text,
values, if/else and for, and of broken pieces (unclosed or stray tags, a branch that closes what
it did not open, a value inside a tag or an entity) — each filled with random data: a template it
proves never fills to malformed XML (soundness), and one made only of whole elements is proved
(so that the bundled templates take the fast check). The characters XML does not allow, which
data could still bring into a proved template, are refused.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import PLAN
from generator.compute.figures import compute
from generator.model.loader import load_plan
from generator.render import oxml
from generator.render.renderer import TEMPLATES, PreparedTemplate, Renderer, TemplateProblem, make_environment
from generator.vi import CANONICAL

ENV = make_environment(CANONICAL)
CONDITIONS, COUNTS = ("c0", "c1", "c2"), ("n0", "n1")
VALUES = st.text(alphabet="a<>&\"' ;#", max_size=4)


def proved(source: str) -> bool:
    return oxml.always_well_formed(ENV.parse(source))


def well_nested(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Elements, text and values, with ifs and fors holding whole elements."""
    name = st.sampled_from(["w:p", "w:r", "w:t", "a"])
    return st.one_of(
        st.builds(lambda n, inner: f"<{n}>{inner}</{n}>", name, children),
        st.builds(lambda n, inner: f'<{n} w:val="1&amp;2">{inner}</{n}>', name, children),
        st.builds(
            lambda c, yes, no: f"{{% if {c} %}}{yes}{{% else %}}{no}{{% endif %}}",
            st.sampled_from(CONDITIONS),
            children,
            children,
        ),
        st.builds(
            lambda n, body: f"{{% for i in range({n}) %}}{body}{{% endfor %}}", st.sampled_from(COUNTS), children
        ),
        st.builds(lambda a, b: a + b, children, children),
    )


LEAVES = st.sampled_from(["", "x", "&amp;", "<b/>", "<b></b>", '<b w:val="1"></b>', "{{ v }}", "{% set k = 1 %}"])
WHOLE = st.recursive(LEAVES, well_nested, max_leaves=12)
BROKEN = st.sampled_from(
    [
        "<a>",
        "</a>",
        "</w:p>",
        "&am{{ v }}p;",
        "<a {{ v }}/>",
        "&",
        "<",
        '<a b="1" b="2"/>',
        "<!-- c -->",
        "{% if c0 %}<a>{% endif %}",
        "{% if c0 %}</w:p>{% else %}{% endif %}",
        "{% for i in range(n0) %}</a><a>{% endfor %}",
        # whose fixed text read through is well-formed
        "<a>{% if c0 %}</a><b>{% endif %}</b>",
        "{% if c0 %}<a>{% else %}{% endif %}</a>",
    ]
)
ANY = st.recursive(st.one_of(LEAVES, BROKEN), well_nested, max_leaves=12)
CONTEXTS = st.fixed_dictionaries(
    {
        **{c: st.booleans() for c in CONDITIONS},
        **{n: st.integers(0, 2) for n in COUNTS},
        "v": VALUES,
    }
)


@settings(max_examples=400, deadline=None)
@given(ANY, st.lists(CONTEXTS, min_size=1, max_size=4))
def test_a_proved_template_always_fills_to_well_formed_xml(inner, contexts):
    source = f"<w:body>{inner}</w:body>"
    if proved(source):
        template = ENV.from_string(source)
        for context in contexts:
            filled = template.render(context)
            assert oxml.xml_error(filled.encode("utf-8")) is None, (source, context, filled)


@settings(max_examples=200, deadline=None)
@given(WHOLE)
def test_whole_elements_are_proved(inner):
    assert proved(f"<w:body>{inner}</w:body>")


NOTHING = {"c0": False, "c1": False, "c2": False, "n0": 0, "n1": 0, "v": ""}


@settings(max_examples=300, deadline=None)
@given(ANY, st.lists(CONTEXTS, min_size=1, max_size=3))
@example("<w:p>{% if c0 %}<b/>{% endif %}</w:p>", [NOTHING])
@example("<a>{% for i in range(n0) %}x{% endfor %}</a>", [NOTHING])
@example('<a w:val="&quot;">{{ v }}</a><b></b><w:t>{{ v }}</w:t>', [NOTHING, {**NOTHING, "v": "'\""}])
def test_text_path_writes_what_lxml_writes(inner, contexts):
    """On the text path (`oxml.as_saved`) a filled template reads as lxml serialises it: quotes in
    text as characters, elements left empty — with or without attributes, by a branch not taken,
    a loop run no time or an empty value — closed as <x/> (here with no tables or drawings)."""
    source = f'<w:document xmlns:w="{oxml.W}"><w:body>{inner}<w:sectPr/></w:body></w:document>'
    filling = oxml.text_filling(source) if proved(source) else None
    if filling is None:
        return
    template = ENV.from_string(source)
    for context in contexts:
        filled = template.render(context)
        assert oxml.as_saved(filled, filling, sized=False) == etree.tostring(
            etree.fromstring(filled), encoding="unicode"
        )


@pytest.mark.parametrize(
    "source",
    [
        "<w:body>{% if c0 %}<w:p>{% endif %}</w:p></w:body>",  # a branch opens what the template closes after it
        "<w:body><w:p>{% if c0 %}</w:p><w:p>{% endif %}</w:p></w:body>",  # a branch closes what was opened before it
        "<w:body>{% for i in range(n0) %}<w:p>{% endfor %}</w:body>",
        "<w:body><w:t>&am{{ v }}p;</w:t></w:body>",  # a value inside an entity
        '<w:body><w:p w:val="{{ v }}"/></w:body>',  # a value inside a tag
        "<w:body><w:p></w:r></w:body>",  # fixed text that does not nest
        "<w:body><w:t>a & b</w:t></w:body>",  # fixed text that does not read
        "<w:body><w:t>a < b</w:t></w:body>",
        '<w:body><w:p w:a="1" w:a="2"/></w:body>',
        "<w:body>{% macro m() %}<w:p>{% endmacro %}{{ m() }}</w:body>",  # statements it does not follow
        "<w:body>{% include 'x' %}</w:body>",
        "<w:body>{% filter upper %}<w:p/>{% endfilter %}</w:body>",
        "<w:body>{% set k %}<w:p>{% endset %}</w:body>",
        "<w:body>{% for i in x recursive %}<w:p>{{ loop(i) }}</w:p>{% endfor %}</w:body>",
    ],
)
def test_what_is_not_proved(source):
    assert not proved(source)


def test_the_bundled_templates_are_proved():
    for name in ("ke-hoach.docx", "phu-luc-1.docx", "phu-luc-2.docx"):
        template = PreparedTemplate(TEMPLATES / name, ENV)
        assert template.by_text and template._proved, name


@pytest.mark.parametrize("character", ["\x01", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800"])
def test_characters_xml_does_not_allow_are_refused(character):
    data = f"<w:t>a{character}b</w:t>".encode("utf-8", "surrogatepass")
    assert oxml.character_error(data) and oxml.xml_error(data)
    assert oxml.character_error("<w:t>\t\n ắ 🎉 \ud7ff \ue000</w:t>".encode()) is None


def test_a_proved_document_with_such_a_character_is_refused():
    """Past the loader (which takes control characters out of the data), a value with one is
    still caught by the check a proved document gets."""
    figures = compute(load_plan(PLAN).plan)
    renderer = Renderer()
    renderer.render_plan(figures)  # the first document of each template is made both ways (and parsed)
    plan = figures.plan.model_copy(update={"ky": figures.plan.ky.model_copy(update={"ho_ten": "Nguyễn\x01 Văn"})})
    with pytest.raises(TemplateProblem) as info:
        renderer.render_plan(compute(plan))
    assert "ke-hoach.docx" in str(info.value) and "ký tự điều khiển" in str(info.value)
