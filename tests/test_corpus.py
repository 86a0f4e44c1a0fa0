"""Issue 17: the corpus of hand-typed plans (tests/corpus) and `vanban audit` measured on it.

The corpus is built afresh once per session in a temporary folder; every document is read back with
python-docx alone (tests/corpus/readback.py: its own figure parser and reading in words) and checked
against the manifest: each clean twin's arithmetic holds, each faulty twin differs from its clean twin
exactly at its planted errors, each of which breaks a check. Then today's audit is measured on it.
"""

from __future__ import annotations

import csv
import json
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from corpus import KINDS, build_corpus
from corpus.layouts import LAYOUTS, MULTIPLIERS, WORDINGS
from corpus.make_corpus import generate, soffice
from corpus.measure import finding_place, measure, report_text, states_correct
from corpus.readback import check_keys, failed_checks, parse_figure, read_body, twin_slots
from corpus.words import Convention, amount_sentence, read_number
from hypothesis import given, settings
from hypothesis import strategies as st

REFERENCE = Path(__file__).parent / "reference" / "vn-words" / "amounts.csv"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus") / "corpus"
    started = time.perf_counter()
    manifest = build_corpus(folder, force=True, log=print)
    return folder, manifest, time.perf_counter() - started


def documents(manifest):
    for layout in manifest["layouts"]:
        for document in layout["documents"]:
            yield layout, document


# --- the ground truth's own tools -------------------------------------------------------------------


def test_reading_in_words_agrees_with_the_reference_table():
    rows = list(csv.DictReader(REFERENCE.open(encoding="utf-8")))
    assert len(rows) > 100
    assert [(r["amount"], read_number(int(r["amount"]))) for r in rows] == [(r["amount"], r["words"]) for r in rows]
    south = Convention(linh="lẻ", nghin="ngàn")
    assert read_number(1_005_000, south) == "một triệu không trăm lẻ năm ngàn"
    assert read_number(24_000, Convention(tu="bốn")) == "hai mươi bốn nghìn"


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10**15 - 1),
    st.sampled_from(["linh", "lẻ"]),
    st.sampled_from(["nghìn", "ngàn"]),
    st.sampled_from(["tư", "bốn"]),
)
def test_the_corpus_reading_agrees_with_vanbans_own(n, linh, nghin, tu):
    """Two readings written apart agree (the corpus never uses generator.vi for its ground truth)."""
    from generator.vi import WordConvention, amount_in_words

    assert amount_sentence(n, Convention(linh, nghin, tu)) == amount_in_words(n, WordConvention(linh, nghin, tu))


@pytest.mark.parametrize(
    "text, value",
    [
        ("46.670.000", 46_670_000),
        ("20.000 đ", 20_000),
        ("20.000đ", 20_000),
        ("1.500.000 VNĐ", 1_500_000),
        ("7.400.000 đồng", 7_400_000),
        ("1,5", 1.5),
        ("08", 8),
    ],
)
def test_figures_are_parsed(text, value):
    assert parse_figure(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["7.00.000", "50.0000", "1.2345", "12,", "abc", ""])
def test_malformed_figures_are_refused(text):
    with pytest.raises(ValueError):
        parse_figure(text)


# --- the corpus ---------------------------------------------------------------------------------


def test_corpus_is_built_within_a_minute_with_enough_layouts_and_errors(corpus):
    folder, manifest, seconds = corpus
    print(f"\ncorpus: {len(manifest['layouts'])} layouts, built in {seconds:.1f} s")
    assert seconds < 60
    assert len(manifest["layouts"]) >= 30
    planted = Counter(e["kind"] for _, d in documents(manifest) for e in d["errors"])
    print("planted:", dict(planted))
    assert set(planted) == set(KINDS) and min(planted.values()) >= 8
    assert all(not d["errors"] for _, d in documents(manifest) if d["twin"] == "clean")
    assert all(len({(e["key"]) for e in d["errors"]}) == len(d["errors"]) for _, d in documents(manifest))
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == manifest


def test_generation_is_deterministic(corpus, tmp_path):
    _, manifest, _ = corpus
    for index in (0, 13, 25):
        again = generate(LAYOUTS[index], index, tmp_path)
        kept = manifest["layouts"][index]
        assert (again["slots"], again["checks"], again["documents"]) == (
            kept["slots"],
            kept["checks"],
            kept["documents"],
        )


def test_layouts_vary_everything_the_issue_lists(corpus):
    _, manifest, _ = corpus
    seen = Counter(f for layout in manifest["layouts"] for f in layout["features"])
    headers = {f.split(":", 1)[1].split(" (")[0] for f in seen if f.startswith("header:")}
    for role, words in WORDINGS.items():
        assert set(words) <= headers, role
    assert set(MULTIPLIERS) <= headers
    subtotals = " | ".join(f for f in seen if f.startswith("subtotal:"))
    totals = " | ".join(f for f in seen if f.startswith("total:"))
    assert "subtotal:Cộng mục I" in seen and "subtotal:Cộng" in seen and "subtotal:Tổng" in seen, subtotals
    assert "Tổng cộng (I+II" in totals, totals
    required = {
        "suffix_none",
        "suffix_đ",
        "suffix_đồng",
        "suffix_VNĐ",
        "decimal_comma",
        "multiplier",
        "blank_multiplier",
        "shape_one",
        "shape_many",
        "shape_grouped",
        "stt_restart",
        "groups_roman",
        "groups_arabic",
        "groups_letter",
        "att_roman",
        "att_arabic",
        "att_letter",
        "words_row",
        "words_paragraph",
        "words_parens",
        "words_inline",
        "words_in_total_row",
        "split_table",
        "split_list",
        "split_sentence",
        "body_total",
        "body_count",
        "body_banners",
        "persons",
        "tbl_header",
        "long_table",
        "manual_split",
        "two_row_header",
        "merged_note",
        "merged_span",
        "textbox",
        "header_table",
        "lump_sum",
        "numbering_row",
        "notes",
        "summary_table",
        "scope_whole",
        "scope_appendices",
        "scope_budget",
    }
    assert required <= set(seen), sorted(required - set(seen))


def test_some_layouts_were_saved_by_libreoffice(corpus):
    folder, manifest, _ = corpus
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) không có: các tệp của bộ văn bản không qua LibreOffice")
    assert manifest["libreoffice_skipped"] is None
    edited = [d for layout, d in documents(manifest) if layout["libreoffice"]]
    assert len(edited) >= 10  # 5 layouts × 2 twins at least
    for layout, document in documents(manifest):
        with zipfile.ZipFile(folder / document["file"]) as z:
            app = z.read("docProps/app.xml").decode("utf-8") if "docProps/app.xml" in z.namelist() else ""
        assert ("LibreOffice" in app) == layout["libreoffice"], document["file"]


def test_every_figure_is_where_the_manifest_says(corpus):
    folder, manifest, _ = corpus
    for layout, document in documents(manifest):
        body = read_body(folder / document["file"])
        for key, (text, place) in twin_slots(layout, document["errors"]).items():
            element = body.text(place)
            assert element is not None and element[place["start"] : place["start"] + len(text)] == text, (
                document["file"],
                key,
                place,
                text,
                element,
            )


def test_clean_twins_hold_their_arithmetic(corpus):
    """Line products, sums, counts, numbering and every "Bằng chữ" of each clean twin, read back."""
    folder, manifest, _ = corpus
    kinds = Counter()
    for layout, document in documents(manifest):
        if document["twin"] != "clean":
            continue
        body = read_body(folder / document["file"])
        texts = {
            key: body.text(place)[place["start"] : place["start"] + len(text)]
            for key, (text, place) in twin_slots(layout, []).items()
        }
        assert failed_checks(layout, texts) == [], document["file"]
        kinds.update(c["check"] for c in layout["checks"])
    assert min(kinds[k] for k in ("product", "sum", "equal", "count", "words", "sequence")) >= 3, kinds


def test_faulty_twins_differ_from_clean_twins_exactly_at_the_planted_errors(corpus):
    folder, manifest, _ = corpus
    for layout in manifest["layouts"]:
        clean, faulty = layout["documents"]
        a, b = read_body(folder / clean["file"]), read_body(folder / faulty["file"])
        a_elements, b_elements = a.elements(), b.elements()
        assert a_elements.keys() == b_elements.keys(), faulty["file"]
        differing = {k for k in a_elements if a_elements[k] != b_elements[k]}

        def element(place):
            if "paragraph" in place:
                return ("p", place["paragraph"])
            return ("t", place["table"], place["row"], place["column"])

        assert differing == {element(e["place"]) for e in faulty["errors"]}, faulty["file"]
        slots = twin_slots(layout, faulty["errors"])
        texts = {
            key: b.text(place)[place["start"] : place["start"] + len(text)] for key, (text, place) in slots.items()
        }
        failed = failed_checks(layout, texts)
        planted = {e["key"] for e in faulty["errors"]}
        for error in faulty["errors"]:
            assert texts[error["key"]] == error["printed"] != error["correct"] == layout["slots"][error["key"]]["text"]
            assert any(error["key"] in check_keys(c) for c, _ in failed), (faulty["file"], error)
        assert all(set(check_keys(c)) & planted for c, _ in failed), faulty["file"]


# --- today's audit on the corpus ------------------------------------------------------------------


def test_finding_places_are_read_from_the_audit_wording():
    assert finding_place("bảng 2 (Phụ lục II, mục 1), hàng 4, cột Thành tiền") == ("t", 2, 4)
    assert finding_place("bảng 3 (Phụ lục II), hàng 12") == ("t", 3, 12)
    assert finding_place("đoạn 115 (phần “vận động xã hội hóa”)") == ("p", 115)
    assert finding_place("đoạn 51") == ("p", 51)
    assert finding_place("mục 1, đoạn 90: «Nơi nhận:»") == ("p", 90)
    assert finding_place("Bảng 4, hàng 2, cột Số tiền") == ("t", 4, 2)
    assert finding_place("bảng 5 (Phụ lục II)") == ("t", 5, None)
    assert finding_place("mục 1 (thiết lập trang)") is None


def test_a_finding_states_the_correct_value_only_as_a_whole_figure():
    assert states_correct("1.600.000", "1.600.000 đ")
    assert states_correct("Sáu triệu chín trăm năm mươi nghìn đồng.", "Sáu triệu chín trăm năm mươi nghìn đồng.")
    assert states_correct("127 người (Phụ lục I)", "127")
    assert states_correct("III", "III")
    assert not states_correct("11.600.000", "1.600.000")
    assert not states_correct("1.600.0000", "1.600.000")
    assert not states_correct("15", "5") and not states_correct("II", "I")


@pytest.fixture(scope="session")
def measured(corpus):
    folder, manifest, _ = corpus
    started = time.perf_counter()
    result = measure(manifest, folder)
    print(
        "\n" + report_text(result) + f"\n(audit of {2 * len(manifest['layouts'])} files: "
        f"{time.perf_counter() - started:.1f} s)"
    )
    return result


def test_the_measurement_counts_every_planted_error(measured, corpus):
    _, manifest, _ = corpus
    assert measured.total_planted == sum(len(d["errors"]) for _, d in documents(manifest))
    assert all(measured.found_right[k] <= measured.found[k] <= measured.planted[k] for k in measured.kinds)
    assert len(measured.layouts) == len(manifest["layouts"])


@pytest.mark.xfail(
    strict=True,
    reason="issue 17 point 2 (next session): today's audit finds 55 % of the planted "
    "errors and raises error-level findings on 14 of 32 clean twins (multiplier columns, STT "
    "restarting per group, “VNĐ” after figures, splits, text boxes…). Remove this mark when "
    "the analysis meets the thresholds.",
)
def test_audit_finds_95_percent_of_planted_errors_and_nothing_on_clean_twins(measured):
    assert measured.recall >= 0.95, f"recall {100 * measured.recall:.1f} %"
    assert measured.clean_errors == 0, [(r.layout, r.clean_errors[:3]) for r in measured.layouts if r.clean_errors]
