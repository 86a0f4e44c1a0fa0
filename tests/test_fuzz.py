"""Issue 14: hostile and broken input. Every case of tests/hostile.py, and Hypothesis fuzzers, run
as `vanban` in a child process with limits (tests/limits.py): each exits 0, 1 or 2 (never a
traceback, never 3), within CPU_BUDGET seconds of CPU and MEMORY_BUDGET of peak memory (its own:
limits.Outcome.memory), and on
exit 2 leaves the folder it was given byte-identical."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import hostile
import limits
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import PLAN, REPO, SEED_DOCX
from generator.cli import main
from generator.compute import expr
from generator.errors import PlanError
from generator.model.loader import MAX_ROMAN, validate_data

CASES = {case.name: case for case in hostile.cases()}
#: Without the explain phase: it traces every line, which would count in the child's CPU time.
FUZZ = settings(
    max_examples=int(os.environ.get("VANBAN_FUZZ_EXAMPLES", "12")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)

#: What some cases must give: exit code and words of the message (the others: 0, 1 or 2).
EXPECT = {
    "build:yaml-alias-bomb": (2, "bí danh"),
    "build:yaml-alias-bomb-in-bien": (2, "bí danh"),
    "build:yaml-deep-nesting": (2, "lồng nhau quá sâu"),
    "build:yaml-deep-block-nesting": (2, "lồng nhau quá sâu"),
    "build:yaml-long-integer": (2, "số quá dài"),
    "build:yaml-long-integer-price": (2, "số quá dài"),
    "build:yaml-many-keys": (2, "quá nhiều phần tử"),
    "build:yaml-binary-tag": (2, "thẻ YAML"),
    "build:yaml-python-tag": (2, "thẻ YAML"),
    "build:yaml-custom-tag": (2, "thẻ YAML"),
    "build:yaml-24-diem": (2, "muc[0].noi_dung[23].diem: điểm thứ 24"),
    "build:yaml-4000-muc": (2, "quá nhiều phần tử"),
    "build:yaml-4000-groups": (2, "quá nhiều phần tử"),
    "build:yaml-arabic-digits": (2, "van_ban.so: số '٥' có chữ số không phải 0–9"),
    "build:yaml-bidi-override": (2, "ky.ho_ten: có ký tự điều khiển hướng chữ U+202E"),
    "build:yaml-invisible-name": (2, "ky.ho_ten: chỉ có ký tự vô hình"),
    "build:yaml-combining-name": (2, "ky.ho_ten: chỉ có ký tự vô hình"),
    "build:yaml-ref-huge-string": (2, "chữ dài quá"),
    "build:yaml-ref-huge-power": (2, "so_luong: tham chiếu '9**(9**9)' không hợp lệ: lũy thừa"),
    "build:yaml-ref-lipsum": (2, "không được gọi hàm"),
    "build:yaml-ref-center": (2, "bộ lọc không nhận tham số"),
    "build:yaml-ref-repr": (2, "là một nhóm số liệu"),
    "build:yaml-ref-method": (2, "không được gọi hàm"),
    "build:yaml-ref-dunder": (2, "'__class__' không được dùng"),
    "build:fifo": (2, "không phải tệp dữ liệu .yaml thường"),
    "build:dev-zero": (2, "không phải tệp dữ liệu .yaml thường"),
    "import-xlsx:xlsx-far-cell": (2, "Bảng 1!A1048576"),
    "import-xlsx:xlsx-v-1e309": (2, "Bảng 1!E5: đơn giá quá lớn"),
    "import-xlsx:xlsx-shared-strings-bomb": (2, "xl/sharedStrings.xml"),
    "import-xlsx:xlsx-bad-reference": (2, "Bảng 1!B5: tham chiếu"),
    **{f"{command}:docx-bomb": (2, "vượt giới hạn") for command in ("check", "audit", "import", "lint-template")},
    **{
        f"{command}:docx-{name}": (2, words)
        for command in ("check", "audit", "import")
        for name, words in (
            ("no-body", "không có thân văn bản"),
            ("wrong-root", "không có thân văn bản"),
            ("external-target", ""),
            ("external-styles", "trỏ ra ngoài tệp"),
            ("many-members", "phần"),
            ("lying-sizes", ""),
        )
    },
    **{
        f"{command}:docx-{name}": (1, "")
        for command in ("check", "audit")
        for name in (
            "twip-1e999",
            "twip-abc",
            "gridcol-abc",
            "bold-maybe",
            "theme-malformed",
            "styles-cycle",
            "styles-self",
        )
    },
}


def _prepare(case: hostile.Case, folder: Path) -> list[str]:
    argv = case.make(folder)
    if case.command == "build":  # a previous build's folder, which exit 2 must leave as it is
        (folder / "out").mkdir(exist_ok=True)
        (folder / "out" / "ke-hoach.docx").write_bytes(b"ban cu")
    return argv


def _check_outcome(name: str, outcome: limits.Outcome, before: dict, after: dict) -> None:
    assert outcome.code in (0, 1, 2), f"{name}: exit {outcome.code}\n{outcome.stderr[-3000:]}"
    assert "Traceback" not in outcome.stderr and "lỗi nội bộ" not in outcome.stderr.lower(), outcome.stderr[-3000:]
    if hasattr(os, "fork"):
        assert outcome.cpu < limits.CPU_BUDGET, f"{name}: {outcome.cpu:.1f} s of CPU"
        assert outcome.memory < limits.MEMORY_BUDGET, f"{name}: {outcome.memory / limits.MB:.0f} MB"
    if outcome.code == 2:
        assert after == before, f"{name}: the folder changed on exit 2"


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_is_bounded_and_refused_cleanly(name, tmp_path):
    """Each case of issue 14: exit 0/1/2 within the budgets, the folder untouched on exit 2, and
    for the cases in EXPECT the exit code and the words that say where and what."""
    argv = _prepare(CASES[name], tmp_path)
    before = limits.snapshot(tmp_path)
    outcome = limits.run(argv, tmp_path)
    _check_outcome(name, outcome, before, limits.snapshot(tmp_path))
    if name in EXPECT:
        code, words = EXPECT[name]
        assert outcome.code == code, f"{name}: exit {outcome.code}, expected {code}\n{outcome.stderr[-2000:]}"
        assert words in outcome.stdout + outcome.stderr, outcome.stdout[-1000:] + outcome.stderr[-2000:]


# --- Hypothesis fuzzers, through the same limited child --------------------------------------------


def _fuzz_run(tmp_path: Path, argv_of) -> None:
    folder = tmp_path / f"f{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    argv = argv_of(folder)
    before = limits.snapshot(folder)
    outcome = limits.run(argv, folder)
    _check_outcome(" ".join(argv), outcome, before, limits.snapshot(folder))


SEED_MEMBERS = {name: zipfile.ZipFile(SEED_DOCX).read(name) for name in ("word/document.xml", "word/styles.xml")}


@FUZZ
@given(
    member=st.sampled_from(sorted(SEED_MEMBERS)),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=40)), max_size=6),
    command=st.sampled_from(["check", "audit", "import"]),
)
def test_fuzz_damaged_word_files(tmp_path_factory, member, cuts, command):
    """The seed .docx with random bytes spliced into its document or styles."""
    data = bytearray(SEED_MEMBERS[member])
    for at, junk in cuts:
        at %= len(data)
        data[at : at + len(junk)] = junk

    def argv(folder: Path) -> list[str]:
        path = folder / "x.docx"
        path.write_bytes(hostile.repack(SEED_DOCX, {member: bytes(data)}))
        return [command, str(path)] + (["-o", str(folder / "x.yaml")] if command == "import" else [])

    _fuzz_run(tmp_path_factory.mktemp("docx"), argv)


@FUZZ
@given(data=st.binary(max_size=2000), command=st.sampled_from(["check", "audit", "import", "lint-template", "build"]))
def test_fuzz_random_bytes(tmp_path_factory, data, command):
    """Any bytes given as a .docx or a plan file."""

    def argv(folder: Path) -> list[str]:
        path = folder / ("x.yaml" if command == "build" else "x.docx")
        path.write_bytes(data)
        return [command, str(path)] + (["-o", str(folder / "out")] if command in ("import", "build") else [])

    _fuzz_run(tmp_path_factory.mktemp("bytes"), argv)


YAML_PIECES = st.sampled_from(
    [
        "&a [1, 2]",
        "*a",
        "!!str x",
        "!!binary eA==",
        "{",
        "[",
        "'",
        '"\\u202e"',
        "1e999",
        "9" * 40,
        "-",
        ":",
        "? x",
        "<<: *a",
        "\u200b",
        "٥",
        "{=bien.x}",
        "=phu_luc_1.tong",
        "~",
        "\t",
    ]
)


@FUZZ
@given(line=st.integers(0, 400), pieces=st.lists(st.one_of(YAML_PIECES, st.text(max_size=8)), max_size=4))
def test_fuzz_plan_files(tmp_path_factory, line, pieces):
    """The bundled plan with YAML fragments (anchors, tags, brackets, odd characters) put into a line."""
    lines = PLAN.read_text(encoding="utf-8").splitlines()
    line %= len(lines)
    lines[line] = lines[line] + " " + " ".join(pieces)

    def argv(folder: Path) -> list[str]:
        path = folder / "plan.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ["build", str(path), "-o", str(folder / "out")]

    _fuzz_run(tmp_path_factory.mktemp("yaml"), argv)


@FUZZ
@given(
    cell=st.sampled_from(["B5", "C5", "D5", "E5", "G5", "H5", "B6", "D7"]),
    value=st.one_of(
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),  # what a cell can hold
        st.sampled_from(["{=phu_luc_1.tong}", "{='x'*99999}", "=1+1", "1e309", "٥٠٠"]),
    ),
)
def test_fuzz_workbook_cells(tmp_path_factory, cell, value):
    """An exported workbook with any value typed into a cell import-xlsx reads."""

    def argv(folder: Path) -> list[str]:
        from openpyxl import load_workbook

        plan, book = hostile.exported_workbook(folder)
        wb = load_workbook(book)
        wb["Bảng 1"][cell] = value
        wb.save(book)
        return ["import-xlsx", str(book), str(plan)]

    _fuzz_run(tmp_path_factory.mktemp("xlsx"), argv)


# --- references: the language itself ---------------------------------------------------------------

TOKENS = st.sampled_from(
    [
        "bien.a",
        "bien.t",
        "phu_luc_1.tong",
        "phu_luc_1",
        "9",
        "10",
        "'x'",
        "'ab'",
        "1.5",
        "**",
        "*",
        "+",
        "-",
        "/",
        "//",
        "%",
        "(",
        ")",
        "|",
        "string",
        "upper",
        "abs",
        "center(9)",
        "==",
        "<",
        "and",
        "not",
        "if",
        "else",
        "[",
        "]",
        "'a'",
        ".",
        "__class__",
        "lipsum",
        "()",
        "1e308",
        ",",
        "~",
    ]
)
NAMES = {"bien": {"a": 3, "t": "chữ"}, "phu_luc_1": {"tong": 127, "ten": "Phụ lục I"}}


@settings(max_examples=int(os.environ.get("VANBAN_FUZZ_EXAMPLES_EXPR", "400")), deadline=None, database=None)
@given(st.lists(TOKENS, min_size=1, max_size=14))
def test_fuzz_reference_expressions(tokens):
    """Any string of the language's tokens: a bounded number or text, or a ReferenceError_; never
    another exception, never an object, never more than the limits."""
    source = " ".join(tokens)
    try:
        value = expr.evaluate(source, NAMES)
    except expr.ReferenceError_ as exc:
        assert str(exc)
        return
    assert isinstance(value, (int, Decimal, str, bool))  # decimals are exact (never a binary float)
    if isinstance(value, str):
        assert len(value) <= expr.MAX_TEXT and "object at 0x" not in value and "<" not in value
    elif not isinstance(value, bool):
        assert abs(value) <= expr.MAX_NUMBER


@pytest.mark.parametrize(
    ("source", "kind", "words"),
    [
        ("'x'*(10**9)", expr.Invalid, "chữ dài quá"),
        ("'x' * 1000 + 'y' * 1001", expr.Invalid, "chữ dài quá"),
        ("9**(9**9)", expr.Invalid, "lũy thừa"),
        ("10**19", expr.Invalid, "vượt giới hạn"),
        ("1e309", expr.Invalid, "vượt giới hạn"),
        ("lipsum(100000)", expr.Blocked, "không được gọi hàm"),
        ("'x'|center(1000000000)", expr.Blocked, "bộ lọc"),
        ("phu_luc_1|string", expr.Invalid, "nhóm số liệu"),
        ("phu_luc_1.field('tong')()", expr.Blocked, "không được gọi hàm"),
        ("''.__class__.__mro__", expr.Blocked, "__mro__"),
        ("bien.t.upper", expr.Blocked, "chỉ lấy được trường của một tên"),
        ("bien._x", expr.Blocked, "'_x'"),
        ("[1, 2]", expr.Blocked, "List"),
        ("lambda: 1", expr.Blocked, "Lambda"),
        ("(" * 300 + "1" + ")" * 300, expr.Invalid, "dài quá"),
        ("1 +" * 150 + " 1", expr.Invalid, "phức tạp"),
        ("bien.khong_co", expr.Undefined, "'khong_co'"),
        ("bien.a / 0", expr.Invalid, "chia cho 0"),
    ],
)
def test_references_outside_the_limits_are_refused(source, kind, words):
    with pytest.raises(kind) as info:
        expr.evaluate(source, NAMES)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("phu_luc_1.tong", 127),
        ("bien.a + bien.a * 2", 9),
        ("phu_luc_1.tong / 2", 63.5),
        ("phu_luc_1.tong // 2", 63),
        ("bien['t']", "chữ"),
        ("bien.t | upper", "CHỮ"),
        ("bien.a | string", "3"),
        ("-bien.a | abs", 3),
        ("bien.a if bien.a > 2 else 0", 3),
        ("phu_luc_1.ten + ' kèm theo'", "Phụ lục I kèm theo"),
        ("10**18", 10**18),
        ("bien.a == 3 and not false", True),
    ],
)
def test_references_in_the_language_give_their_value(source, value):
    assert expr.evaluate(source, NAMES) == value


def test_import_refuses_a_hostile_reference_in_the_document(tmp_path, capsys):
    """`vanban import` of a .docx whose text holds {='x'|center(1000000000)}: exit 2, the field
    named, nothing written."""
    from docx import Document

    document = Document(SEED_DOCX)
    paragraph = next(p for p in document.paragraphs if "Phụ lục" in p.text and len(p.text) > 40)
    paragraph.runs[-1].text += " {='x'|center(1000000000)}"
    path = tmp_path / "x.docx"
    document.save(path)
    assert main(["import", str(path), "-o", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert "bộ lọc không nhận tham số" in err and "muc[" in err and str(path) in err
    assert not (tmp_path / "x.yaml").exists()


# --- limits that a YAML file cannot reach (the node budget comes first) -----------------------------


def _plan_data() -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(PLAN.read_text(encoding="utf-8"))


def test_more_mucs_or_groups_than_roman_numerals_are_refused():
    data = _plan_data()
    data["muc"] = [{"tieu_de": f"Mục {i}", "noi_dung": ["Nội dung."]} for i in range(MAX_ROMAN + 1)]
    data["phu_luc_1"]["nhom"] = [
        {"ten": f"Nhóm {i}", "thanh_vien": [{"ten": "A", "so_luong": 1}]} for i in range(MAX_ROMAN + 1)
    ]
    with pytest.raises(PlanError) as info:
        validate_data(data)
    messages = {str(p.path): p.message for p in info.value.problems}
    assert "số La Mã chỉ viết được đến 3999" in messages["('muc',)"]
    assert "số La Mã chỉ viết được đến 3999" in messages["('phu_luc_1', 'nhom')"]


def test_twenty_three_diem_are_fine_and_the_twenty_fourth_is_named():
    data = _plan_data()
    data["mo_dau"] = [{"diem": f"Điểm {i}."} for i in range(23)]
    assert validate_data(data).plan.mo_dau[-1].diem == "Điểm 22."
    data["mo_dau"].append({"diem": "Điểm 24."})
    with pytest.raises(PlanError) as info:
        validate_data(data)
    assert [p.path for p in info.value.problems] == [("mo_dau", 23, "diem")]


def test_units_file_alias_bomb_in_ghi_de_is_refused(tmp_path):
    """The units file's ghi_de goes through the same budget (nodes expanded from aliases)."""
    from generator.units.unitsfile import load_units

    source = REPO / "data" / "units"
    text = (source / "kien-tuong.yaml").read_text(encoding="utf-8")
    (tmp_path / "ke-hoach-don-vi.yaml").write_bytes((source / "ke-hoach-don-vi.yaml").read_bytes())
    bomb = "x0: &x0 [a, a, a, a, a, a, a, a, a]\n" + "".join(
        f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 9)
    )
    units = tmp_path / "don-vi.yaml"
    units.write_text(bomb + text, encoding="utf-8")
    before = limits.snapshot(tmp_path)
    outcome = limits.run(["batch", str(PLAN), "--units", str(units), "-o", str(tmp_path / "out")], tmp_path)
    _check_outcome("units alias bomb", outcome, before, limits.snapshot(tmp_path))
    assert outcome.code == 2 and "bí danh" in outcome.stderr, outcome.stderr[-2000:]
    with pytest.raises(PlanError):
        load_units(units)


def test_many_problems_are_capped(tmp_path):
    """20,000 unknown keys (under the node budget): at most MAX_PROBLEMS listed, quickly."""
    from generator.model.loader import MAX_PROBLEMS

    path = tmp_path / "plan.yaml"
    lines = PLAN.read_text(encoding="utf-8").splitlines()
    at = lines.index("ky:") + 1
    lines[at:at] = [f"  khoa_la_{i}: 1" for i in range(9000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = limits.run(["build", str(path), "-o", str(tmp_path / "out")], tmp_path)
    _check_outcome("many keys", outcome, {}, {})
    assert outcome.code == 2 and f"và {9000 - MAX_PROBLEMS} lỗi khác" in outcome.stderr, outcome.stderr[-1500:]
    assert outcome.stderr.count("khóa không hợp lệ") == MAX_PROBLEMS


# --- the guard and the console ---------------------------------------------------------------------


def test_an_unexpected_exception_is_exit_3_with_a_report(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr("generator.build.load_plan", lambda path: 1 / 0)
    assert main(["build", str(PLAN), "-o", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert "Lỗi nội bộ của vanban (ZeroDivisionError)" in err and "Hãy gửi tệp này" in err
    report = next(tmp_path.glob("vanban-loi-*.txt"))
    text = report.read_text(encoding="utf-8")
    assert str(report) in err and "ZeroDivisionError" in text and "lệnh: " in text and "build" in text
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("encoding", ["cp1252", "cp1258", "ascii"])
@pytest.mark.parametrize("command", ["check", "audit"])
def test_any_console_encoding_prints_the_report(tmp_path, encoding, command):
    """Output redirected to a file with a non-UTF-8 console encoding: the report is printed in
    UTF-8 and the exit code is the command's (1: findings), not a crash."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    with open(tmp_path / "out.txt", "wb") as out, open(tmp_path / "err.txt", "wb") as err:
        code = subprocess.call(
            [sys.executable, "-m", "generator", command, str(SEED_DOCX)], stdout=out, stderr=err, env=env, cwd=REPO
        )
    text = (tmp_path / "out.txt").read_bytes().decode("utf-8")
    assert code == 1, (tmp_path / "err.txt").read_bytes().decode("utf-8", "replace")
    assert ("LỖI" if command == "audit" else "cần:") in text and "Traceback" not in (tmp_path / "err.txt").read_text(
        "utf-8", "replace"
    )


def test_only_regular_files_are_read(tmp_path):
    """A FIFO with nobody writing is refused at once (no hang) by every reader."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    from generator.files import InputFileError, read_regular

    with pytest.raises(InputFileError, match="thường"):
        read_regular(fifo, 100)
    with pytest.raises(InputFileError, match="quá lớn"):
        big = tmp_path / "big"
        big.write_bytes(b"x" * 101)
        read_regular(big, 100)
    assert read_regular(big, 101) == b"x" * 101


def test_no_zip_member_is_inflated_past_its_budget():
    """A member that lies about its size in both headers is stopped by zipfile at the declared
    size (its CRC then fails): open_package's budget holds whatever the stream says."""
    from generator.safezip import PackageError, open_word

    with pytest.raises(PackageError):
        open_word(io.BytesIO(hostile.docx_lying_sizes()))
    with pytest.raises(PackageError, match="vượt giới hạn"):
        open_word(io.BytesIO(hostile.docx_bomb()))
    assert open_word(io.BytesIO(SEED_DOCX.read_bytes())).paragraphs


def test_readme_documents_the_reference_language():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(name in text for name in expr.FILTERS) and "2,000 characters" in text


def test_units_file_integer_over_4300_digits_is_located(tmp_path):
    """A units file's number too long for Python to convert (read in parts by the workers too): exit 2
    at its line, nothing written — not an internal error."""
    source = REPO / "data" / "units"
    (tmp_path / "ke-hoach-don-vi.yaml").write_bytes((source / "ke-hoach-don-vi.yaml").read_bytes())
    text = (source / "kien-tuong.yaml").read_text(encoding="utf-8")
    assert "bang_ron: 2" in text
    units = tmp_path / "don-vi.yaml"
    units.write_text(text.replace("bang_ron: 2", "bang_ron: " + "9" * 5000, 1), encoding="utf-8")
    before = limits.snapshot(tmp_path)
    outcome = limits.run(["batch", str(PLAN), "--units", str(units), "-o", str(tmp_path / "out"), "-j", "2"], tmp_path)
    _check_outcome("units long integer", outcome, before, limits.snapshot(tmp_path))
    assert outcome.code == 2 and "số quá dài" in outcome.stderr and "don-vi.yaml:" in outcome.stderr, outcome.stderr[
        -2000:
    ]
