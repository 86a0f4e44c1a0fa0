"""Issue 15 point 7 (import side): `vanban import` of vanban's own files keeps the funding-source
names as printed and guesses ONE reading convention, the one the amounts in words show."""

from __future__ import annotations

import re

import pytest
from ruamel.yaml import YAML

from conftest import PLAN
from docx_factory_audit import budget_document, budget_table, fmt
from generator.analysis.importer import import_document
from generator.build import build
from generator.vi import WordConvention, amount_in_words

SOURCES = [
    ("ngan_sach", "Ngân sách xã"),
    ("xa_hoi_hoa", "Xã hội hóa"),
    ("tu_chu", "Kinh phí UBND các xã, phường tự chủ"),
]


def plan_variant(tmp_path, sources, convention: dict | None):
    """The bundled plan with other funding-source names and reading convention."""
    yaml = YAML()
    data = yaml.load(PLAN.read_text(encoding="utf-8"))
    budget = data["phu_luc_2"]
    keep = {ident for ident, _ in sources}
    budget["nguon_kinh_phi"] = [{"id": ident, "ten": name} for ident, name in sources]
    budget["nguon_mac_dinh"] = sources[0][0]
    for table in budget["bang"]:
        for item in (table, *table["dong"]):
            if item.get("nguon") not in keep:
                item.pop("nguon", None)
    if convention is None:
        data.pop("quy_uoc_so", None)
    else:
        data["quy_uoc_so"] = convention
    path = tmp_path / "ke-hoach.yaml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return path


def words_printed(yaml_text: str) -> list[str]:
    return re.findall(r"Bằng chữ: ([^\n\"”]*)", yaml_text)


@pytest.mark.parametrize("sources", [SOURCES, SOURCES[:2], SOURCES[:1]])
@pytest.mark.parametrize(
    "convention",
    [
        None,
        {"linh": "lẻ", "nghin": "ngàn"},
        {"linh": "linh", "nghin": "ngàn"},
        {"linh": "lẻ", "nghin": "nghìn", "tu": "bốn", "chan": True},
    ],
)
def test_own_ho_so_imports_back_with_its_names_and_one_convention(tmp_path, sources, convention):
    plan = plan_variant(tmp_path, sources, convention)
    built = build(plan, tmp_path / "out")
    imported = import_document(tmp_path / "out" / "ho-so.docx")
    data = YAML(typ="safe").load(imported.yaml_text)
    assert [s["ten"] for s in data["phu_luc_2"]["nguon_kinh_phi"]] == [name for _, name in sources]
    guessed = WordConvention.from_mapping(data.get("quy_uoc_so") or {})
    # every amount the document prints in words reads the same under the guessed convention
    budget = built.figures.phu_luc_2
    asked = WordConvention.from_mapping(convention or {})
    for amount in [t.tong for t in budget.bang] + [budget.tong]:
        assert amount_in_words(amount, guessed) == amount_in_words(amount, asked)
    # and what the amounts do not show is completed the regional way, never linh with ngàn by default
    shows_zero_tens = any(
        re.search(r"\b(linh|lẻ)\b", amount_in_words(t, asked)) for t in [b.tong for b in budget.bang] + [budget.tong]
    )
    if not shows_zero_tens:
        assert (guessed.linh, guessed.nghin) in (("linh", "nghìn"), ("lẻ", "ngàn"))
    assert imported.problems == []


def test_a_budget_named_only_in_the_text_keeps_its_name(tmp_path):
    lines = [(1, "Nước uống", "Người", 130, fmt(20_000), fmt(2_600_000), "")]
    table = budget_table(lines, total=2_600_000, words=amount_in_words(2_600_000, WordConvention()))
    path = budget_document(tmp_path / "pl.docx", table)
    from docx import Document

    doc = Document(str(path))
    doc.add_paragraph("Nguồn kinh phí: Ngân sách xã.")
    doc.save(str(path))
    data = YAML(typ="safe").load(import_document(path).yaml_text)
    assert [s["ten"] for s in data["phu_luc_2"]["nguon_kinh_phi"]] == ["Ngân sách xã"]
