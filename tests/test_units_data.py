"""Issue 18 points 1–2: the official unit data shipped with vanban, look-up by name, the mapping of
pre-2025 units, and `vanban don-vi` (source notice, units files made from the data).

Counts are computed here from the data file read with gzip/json (not with vanban's loader); names
and codes are checked against values read off the source (vietnamadminunits 1.0.4's dataset.db and
converter_2025.json) and written down here.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import REPO
from generator.cli import main
from generator.units import dvhc

DATA = REPO / "generator" / "units" / "data" / "dvhc.json.gz"
KIEN_TUONG = REPO / "data" / "units" / "kien-tuong.yaml"
TAY_NINH_SKELETON = REPO / "data" / "units" / "ke-hoach-xa-tay-ninh-2026.yaml"
#: From the source: (province, commune, kind, code).
KNOWN = [
    ("Tỉnh Tây Ninh", "Phường Kiến Tường", "phuong", "27787"),
    ("Tỉnh Tây Ninh", "Xã Bình Hiệp", "xa", "27793"),
    ("Tỉnh Tây Ninh", "Xã Tuyên Thạnh", "xa", "27817"),
    ("Tỉnh Tây Ninh", "Phường Tân Ninh", "phuong", "25459"),
    ("Thành phố Hà Nội", "Phường Ba Đình", "phuong", "00004"),
    ("Tỉnh An Giang", "Đặc khu Phú Quốc", "dac_khu", "31078"),
    ("Thành phố Hồ Chí Minh", "Đặc khu Côn Đảo", "dac_khu", "26732"),
]
#: The 8 units of the 2024 plan (thị xã Kiến Tường, tỉnh Long An) → the commune each became (source: converter_2025.json).
KIEN_TUONG_BECAME = {
    "Phường 1": "Phường Kiến Tường",
    "Phường 2": "Phường Kiến Tường",
    "Phường 3": "Phường Kiến Tường",
    "xã Thạnh Trị": "Xã Bình Hiệp",
    "xã Bình Hiệp": "Xã Bình Hiệp",
    "xã Bình Tân": "Xã Bình Hiệp",
    "xã Tuyên Thạnh": "Xã Tuyên Thạnh",
    "xã Thạnh Hưng": "Xã Tuyên Thạnh",
}


def raw_data() -> dict:
    return json.loads(gzip.decompress(DATA.read_bytes()))


def plain(text: str) -> str:
    """No diacritics, written here independently (đ → d)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def test_the_data_has_34_provinces_and_3321_communes():
    raw = raw_data()
    assert len(raw["tinh"]) == 34 and len(raw["xa"]) == 3321
    assert len({row[0] for row in raw["xa"]}) == 3321  # codes are unique
    kinds = Counter(row[2] for row in raw["xa"])
    assert kinds == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    per_province = Counter(row[3] for row in raw["xa"])
    names = dict(raw["tinh"])
    tay_ninh = next(code for code, name in raw["tinh"] if name == "Tỉnh Tây Ninh")
    assert per_province[tay_ninh] == 96 and max(per_province.values()) == 168
    assert names[max(per_province, key=per_province.get)] == "Thành phố Hồ Chí Minh"
    data = dvhc.load()
    assert len(data.provinces) == 34 and len(data.communes) == 3321
    assert len(data.communes_of(data.province("Tây Ninh"))) == 96


def test_names_and_codes_match_the_source():
    data = dvhc.load()
    for province, name, kind, code in KNOWN:
        commune = data.commune(data.province(province), name)
        assert (commune.name, commune.kind, commune.code, commune.province.name) == (name, kind, code, province)


def test_source_version_licence_and_resolutions_are_recorded_and_shown(capsys):
    raw = raw_data()
    assert raw["nguon"]["goi"] == "vietnamadminunits" and raw["nguon"]["giay_phep"] == "MIT"
    assert any("202/2025/QH15" in r for r in raw["nguon"]["nghi_quyet"])
    licence = DATA.with_name("LICENSE-vietnamadminunits.txt").read_text(encoding="utf-8")
    assert "MIT" in licence and "Permission is hereby granted" in licence and "Tran Ngoc Minh Hieu" in licence
    assert main(["don-vi", "--nguon"]) == 0
    out = capsys.readouterr().out
    assert f"phiên bản {raw['nguon']['phien_ban']}" in out and "MIT" in out and "202/2025/QH15" in out
    assert "34 tỉnh, thành phố; 3321 đơn vị cấp xã: 2621 xã, 687 phường, 13 đặc khu" in out
    assert "LICENSE-vietnamadminunits.txt" in out


def test_a_newer_data_file_can_be_pointed_at(tmp_path, monkeypatch, capsys):
    """Same format, another file: by option or by VANBAN_DVHC, without a new release."""
    raw = raw_data()
    raw["nguon"]["phien_ban"] = "9.9.9"
    raw["xa"].append(["99999", "Xã Thử Nghiệm", "xa", raw["xa"][0][3]])
    newer = tmp_path / "dvhc-moi.json"
    newer.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["don-vi", "--nguon", "--du-lieu", str(newer)]) == 0
    assert "phiên bản 9.9.9" in capsys.readouterr().out
    monkeypatch.setenv("VANBAN_DVHC", str(newer))
    assert main(["don-vi", "Hà Nội"]) == 0
    assert "Xã Thử Nghiệm" in capsys.readouterr().out
    broken = tmp_path / "hong.json"
    broken.write_text('{"dinh_dang": 7}', encoding="utf-8")
    assert main(["don-vi", "--nguon", "--du-lieu", str(broken)]) == 2
    assert str(broken) in capsys.readouterr().err


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_names_match_in_any_case_with_or_without_diacritics(draw):
    data = dvhc.load()
    province = draw.draw(st.sampled_from(data.provinces))
    short = province.name.split(" ", 1)[1] if province.name.startswith("Tỉnh") else province.name[len("Thành phố ") :]
    variant = draw.draw(
        st.sampled_from(
            [
                short,
                short.upper(),
                short.lower(),
                plain(short),
                plain(short).upper(),
                f"tỉnh {short}" if province.name.startswith("Tỉnh") else f"thành phố {short}",
            ]
        )
    )
    assert data.province(variant) == province
    commune = draw.draw(st.sampled_from(data.communes_of(province)))
    assert data.commune(province, commune.name.upper()) == commune
    assert data.commune(province, commune.code) == commune
    same_plain = [c for c in data.communes_of(province) if plain(c.name).lower() == plain(commune.name).lower()]
    if len(same_plain) == 1:
        assert data.commune(province, plain(commune.name).lower()) == commune
    else:  # Xã Tân Thành / Xã Tân Thạnh: without diacritics both are named, none chosen
        with pytest.raises(dvhc.NotFound) as found:
            data.commune(province, plain(commune.name))
        assert set(found.value.nearest) == {c.name for c in same_plain}


def test_unknown_names_give_the_nearest(capsys):
    data = dvhc.load()
    with pytest.raises(dvhc.NotFound) as found:
        data.province("Tay Nimh")
    assert "Tỉnh Tây Ninh" in found.value.nearest
    with pytest.raises(dvhc.NotFound) as found:
        data.commune(data.province("Tây Ninh"), "Kien Tuongg")
    assert found.value.nearest[0] == "Phường Kiến Tường"
    assert main(["don-vi", "Lâm Đông Nai"]) == 2
    err = capsys.readouterr().err
    assert "Không tìm thấy" in err and "Tên gần giống" in err


def test_old_units_of_the_2024_plan_map_to_the_new_communes(capsys):
    """The 8 units of data/units/kien-tuong.yaml, by their names in that file, become the 3 communes of the source."""
    units = YAML(typ="safe").load(KIEN_TUONG.read_text(encoding="utf-8"))["don_vi"]
    assert sorted(u["ten"] for u in units) == sorted(KIEN_TUONG_BECAME)
    data = dvhc.load()
    for unit in units:
        old = data.old_commune(f"{unit['ten']}, thị xã Kiến Tường, Long An")
        assert [c.name for c in old.became] == [KIEN_TUONG_BECAME[unit["ten"]]]
        assert old.became[0].province.name == "Tỉnh Tây Ninh"
    assert main(["don-vi", "Phường 1, thị xã Kiến Tường, Long An"]) == 0
    out = capsys.readouterr().out
    assert "trước 1/7/2025" in out and "nay là Phường Kiến Tường (mã 27787), Tỉnh Tây Ninh" in out
    # without diacritics and with short forms; a commune split in several
    assert main(["don-vi", "xa thanh hung, tx kien tuong, tinh long an"]) == 0
    assert "Xã Tuyên Thạnh" in capsys.readouterr().out
    old = data.old_commune("Xã Thái Bình Trung, huyện Vĩnh Hưng, Long An")
    assert len(old.became) == 3 and old.default.name == "Xã Vĩnh Hưng"
    district, province = data.old_district("Ủy ban nhân dân thị xã Kiến Tường")
    assert (district, province) == ("Thị xã Kiến Tường", "Tỉnh Long An")
    assert len(data.old_units_of(district, province)) == 8


def test_units_file_written_from_the_data(tmp_path, capsys):
    """Every commune with its header lines, name, place of the date line, kind and code; the
    skeleton's assignments with their defaults; a filter; the file loads as a units file."""
    out = tmp_path / "units" / "tn.yaml"
    out.parent.mkdir()
    code = main(["don-vi", "tây ninh", "--khung", str(TAY_NINH_SKELETON), "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    units = YAML(typ="safe").load(out.read_text(encoding="utf-8"))
    assert len(units["don_vi"]) == 96
    assert (out.parent / units["ke_hoach"]).resolve() == TAY_NINH_SKELETON.resolve()
    by_code = {u["ma"]: u for u in units["don_vi"]}
    kt = by_code["27787"]
    assert kt["ten"] == "phường Kiến Tường" and kt["loai"] == "phuong" and kt["dia_danh"] == "Kiến Tường"
    assert (
        kt["tieu_de"] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG KIẾN TƯỜNG"]
        and kt["ten_day_du"] == "Ủy ban nhân dân phường Kiến Tường"
    )
    assert kt["giao"] == {
        "bang_ron": 2,
        "lanh_dao": 1,
        "cong_chuc_cds": 1,
        "dai_dien_to": 1,
        "diem_ra_quan": "trụ sở Ủy ban nhân dân",
    }
    assert Counter(u["loai"] for u in units["don_vi"]) == {"xa": 82, "phuong": 14}
    assert main(["don-vi", "tây ninh", "-o", str(out)]) == 2  # not overwritten without --force
    assert "--force" in capsys.readouterr().err

    picked = tmp_path / "units" / "ba.yaml"
    assert (
        main(
            [
                "don-vi",
                "Tây Ninh",
                "--xa",
                "kien tuong",
                "--xa",
                "Xã Bình Hiệp",
                "--xa",
                "27817",
                "--khung",
                str(TAY_NINH_SKELETON),
                "-o",
                str(picked),
            ]
        )
        == 0
    )
    chosen = YAML(typ="safe").load(picked.read_text(encoding="utf-8"))["don_vi"]
    assert [u["ma"] for u in chosen] == ["27787", "27793", "27817"]
    from generator.units.unitsfile import load_units

    old = tmp_path / "units" / "cu.yaml"  # old addresses: the communes they became, each once, said so
    capsys.readouterr()
    assert (
        main(
            [
                "don-vi",
                "Tây Ninh",
                "--xa",
                "Phường 1, thị xã Kiến Tường, Long An",
                "--xa",
                "Phường 2, TX Kiến Tường, Long An",
                "--xa",
                "xa thanh tri, thi xa kien tuong, long an",
                "--khung",
                str(TAY_NINH_SKELETON),
                "-o",
                str(old),
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert "Phường 2, Thị xã Kiến Tường, Tỉnh Long An (trước 1/7/2025) nay là Phường Kiến Tường (mã 27787)" in said
    assert [u["ma"] for u in YAML(typ="safe").load(old.read_text(encoding="utf-8"))["don_vi"]] == ["27787", "27793"]

    loaded = load_units(picked)
    assert not loaded.problems and [u.slug for u in loaded.units] == [
        "phuong-kien-tuong",
        "xa-binh-hiep",
        "xa-tuyen-thanh",
    ]


def test_special_zone_header_and_place():
    data = dvhc.load()
    zone = data.commune(data.province("An Giang"), "Phú Quốc")
    assert zone.kind == "dac_khu" and zone.header == ["ỦY BAN NHÂN DÂN", "ĐẶC KHU PHÚ QUỐC"]
    assert zone.in_text == "đặc khu Phú Quốc" and zone.place == "Phú Quốc"


def test_the_bundled_units_file_is_what_the_command_makes(tmp_path, monkeypatch):
    """data/units/tay-ninh.yaml is the command's output, byte for byte (run as its header says)."""
    bundled = REPO / "data" / "units" / "tay-ninh.yaml"
    monkeypatch.chdir(tmp_path)
    command = [
        "don-vi",
        "Tây Ninh",
        "-o",
        "data/units/tay-ninh.yaml",
        "--khung",
        "data/units/ke-hoach-xa-tay-ninh-2026.yaml",
    ]
    assert main(command) == 2  # no such skeleton here: exit 2, nothing written
    assert not Path("data").exists()
    Path("data/units").mkdir(parents=True)
    Path("data/units/ke-hoach-xa-tay-ninh-2026.yaml").write_bytes(TAY_NINH_SKELETON.read_bytes())
    assert main(command) == 0
    assert Path("data/units/tay-ninh.yaml").read_bytes() == bundled.read_bytes()


def test_new_tells_which_body_now_issues_the_2024_town_plan(tmp_path, capsys):
    """`vanban new` of the 2024 town plan: the town no longer exists; the province issues the plan,
    and its 8 old units became 3 communes (each named with the old units, as the source maps them)."""
    assert (
        main(
            ["new", str(REPO / "data" / "kien-tuong-2024.yaml"), "--year", "2026", "-o", str(tmp_path / "kt-2026.yaml")]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Từ 1/7/2025 không còn Thị xã Kiến Tường, Tỉnh Long An" in out
    assert "nay do UBND tỉnh Tây Ninh ban hành" in out and "8 đơn vị cũ nay thuộc 3 đơn vị của tỉnh Tây Ninh" in out
    became: dict[str, list[str]] = {}
    for old, new in KIEN_TUONG_BECAME.items():
        became.setdefault(new, []).append(old[0].upper() + old[1:])
    for new, olds in became.items():
        line = next(line for line in out.splitlines() if line.strip().startswith(f"UBND {new[0].lower()}{new[1:]} "))
        assert sorted(line.split(": ", 1)[1].split(" (và")[0].split(", ")) == sorted(olds)
    assert 'vanban don-vi "Tây Ninh" --xa 27787 --xa 27793 --xa 27817' in out
    # a current body: nothing said
    assert (
        main(["new", str(REPO / "data" / "tay-ninh-2026.yaml"), "--year", "2027", "-o", str(tmp_path / "tn-2027.yaml")])
        == 0
    )
    assert "không còn" not in capsys.readouterr().out


def test_an_old_district_tells_what_it_became(capsys):
    assert main(["don-vi", "thi xa Kien Tuong, Long An"]) == 0
    out = capsys.readouterr().out
    assert (
        "không còn Thị xã Kiến Tường, Tỉnh Long An" in out and "8 đơn vị cũ nay thuộc 3 đơn vị của tỉnh Tây Ninh" in out
    )


def test_the_converter_reads_the_packages_wheel(tmp_path):
    """tools/dvhc_convert.py on a small wheel of the package's layout (made here): the new communes
    with kind and code, the old ones with what they became (a split one with its default), the
    source and licence recorded, and the output read by vanban."""
    import sqlite3
    import zipfile

    db = tmp_path / "dataset.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE admin_units (province, provinceCode, provinceKey, ward, wardType, wardCode, wardKey)")
        c.executemany(
            "INSERT INTO admin_units VALUES (?,?,?,?,?,?,?)",
            [
                ("Tỉnh Tây Ninh", "80", "tinhtayninh", "Phường Kiến Tường", "Phường", "27787", "phuongkientuong"),
                ("Tỉnh Tây Ninh", "80", "tinhtayninh", "Xã Tân Thạnh", "Xã", "27826", "xãtânthạnh"),
                ("Tỉnh Tây Ninh", "80", "tinhtayninh", "Đặc khu Thử", "Đặc khu", "99999", "dackhuthu"),
            ],
        )
        c.execute(
            "CREATE TABLE admin_units_legacy (province, provinceCode, provinceKey, district, districtCode, districtKey,"
            " ward, wardCode, wardKey)"
        )
        c.executemany(
            "INSERT INTO admin_units_legacy VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    "Tỉnh Long An",
                    "80",
                    "tinhlongan",
                    "Thị xã Kiến Tường",
                    "796",
                    "thixakientuong",
                    "Phường 1",
                    "27787",
                    "phuong1",
                ),
                (
                    "Tỉnh Long An",
                    "80",
                    "tinhlongan",
                    "Thị xã Kiến Tường",
                    "796",
                    "thixakientuong",
                    "Xã Thạnh Hưng",
                    "27817",
                    "xathanhhung",
                ),
                ("Tỉnh Long An", "80", "tinhlongan", "Huyện Đảo", "797", "huyendao", None, None, None),
            ],
        )
    mapping = {
        "DICT_PROVINCE": {"tinhtayninh": ["tinhtayninh", "tinhlongan"]},
        "DICT_PROVINCE_WARD_NO_DIVIDED": {
            "tinhtayninh": {
                "phuongkientuong": ["tinhlongan_thixakientuong_phuong1"],
                "dackhuthu": ["tinhlongan_huyendao_"],
            }
        },
        "DICT_PROVINCE_WARD_DIVIDED": {
            "tinhtayninh": {
                "tinhlongan_thixakientuong_xathanhhung": [
                    {"newWardKey": "phuongkientuong", "isDefaultNewWard": False},
                    {"newWardKey": "xãtânthạnh", "isDefaultNewWard": True},
                ]
            }
        },
    }
    wheel = tmp_path / "vietnamadminunits-9.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            "vietnamadminunits-9.0.dist-info/METADATA",
            "Metadata-Version: 2.4\nName: vietnamadminunits\nVersion: 9.0\nHome-page: https://example.org/vau\n",
        )
        archive.writestr(
            "vietnamadminunits-9.0.dist-info/licenses/LICENSE", "MIT License\n\nCopyright (c) 2025 Tác Giả\n"
        )
        archive.writestr("vietnamadminunits/data/converter_2025.json", json.dumps(mapping, ensure_ascii=False))
        archive.write(db, "vietnamadminunits/data/dataset.db")
    spec = importlib.util.spec_from_file_location("dvhc_convert", REPO / "tools" / "dvhc_convert.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / "out" / "dvhc.json.gz"
    out.parent.mkdir()
    assert tool.main([str(wheel), "-o", str(out)]) == 0
    raw = json.loads(gzip.decompress(out.read_bytes()))
    assert raw["nguon"]["phien_ban"] == "9.0" and raw["nguon"]["ban_quyen"] == "Copyright (c) 2025 Tác Giả"
    assert raw["xa"] == [
        ["27787", "Phường Kiến Tường", "phuong", "80"],
        ["27826", "Xã Tân Thạnh", "xa", "80"],
        ["99999", "Đặc khu Thử", "dac_khu", "80"],
    ]
    assert "Tác Giả" in out.with_name("LICENSE-vietnamadminunits.txt").read_text(encoding="utf-8")
    data = dvhc.load(out)
    split = data.old_commune("Xã Thạnh Hưng, thị xã Kiến Tường, Long An")
    assert [c.code for c in split.became] == ["27787", "27826"] and split.default.code == "27826"
    assert [c.name for c in data.old_commune("Phường 1, Kiến Tường, Long An").became] == ["Phường Kiến Tường"]
    island = next(o for o in data.old if o.name is None)
    assert island.district == "Huyện Đảo" and [c.kind for c in island.became] == ["dac_khu"]
