"""Convert the data of the `vietnamadminunits` package (MIT) into vanban's compact commune data.

    pip download --no-deps vietnamadminunits -d /tmp/vau
    python tools/dvhc_convert.py /tmp/vau/vietnamadminunits-*.whl

writes generator/units/data/dvhc.json.gz (34 provinces, their communes with kind and code, and the
pre-2025 provinces, districts and communes with the new communes each became) and the package's
licence notice next to it. The package is read from its wheel (its dataset.db and
converter_2025.json); it is not imported, and is not a dependency of vanban.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import sys
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "generator" / "units" / "data"
KINDS = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"}
#: What the package's data reflects (the arrangement in force from 1 July 2025).
RESOLUTIONS = [
    "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về việc sắp xếp đơn vị hành chính cấp tỉnh",
    (
        "Các Nghị quyết của Ủy ban Thường vụ Quốc hội ngày 16/6/2025 về việc sắp xếp các đơn vị hành chính cấp xã "
        "của từng tỉnh, thành phố năm 2025"
    ),
]


def convert(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive, tempfile.TemporaryDirectory() as tmp:
        meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(archive.read(meta_name).decode("utf-8"))
        licence = archive.read(next(n for n in archive.namelist() if n.endswith("LICENSE"))).decode("utf-8")
        mapping = json.loads(archive.read("vietnamadminunits/data/converter_2025.json"))
        db = Path(tmp) / "dataset.db"
        db.write_bytes(archive.read("vietnamadminunits/data/dataset.db"))
        rows_new, rows_old = _rows(db)
    provinces = sorted({(r["provinceCode"], r["province"]) for r in rows_new})
    by_key = {}  # (new province key, new ward key) → code
    communes = []
    for r in sorted(rows_new, key=lambda r: r["wardCode"]):
        communes.append([r["wardCode"], r["ward"], KINDS[r["wardType"]], r["provinceCode"]])
        by_key[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
    old_provinces = sorted({(r["provinceCode"], r["province"]) for r in rows_old})
    old_districts = sorted({(r["districtCode"], r["district"], r["provinceCode"]) for r in rows_old})
    targets: dict[str, list] = {}  # old "province_district_ward" key → [codes], default code
    for province_key, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            for old in olds:
                targets.setdefault(old, [[], None])
                code = by_key[(province_key, ward_key)]
                targets[old][0].append(code)
                targets[old][1] = code
    for province_key, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            entry = targets.setdefault(old, [[], None])
            for new in news:
                code = by_key[(province_key, new["newWardKey"])]
                if code not in entry[0]:
                    entry[0].append(code)
                if new["isDefaultNewWard"] and entry[1] is None:
                    entry[1] = code
    old_communes, unmapped = [], []
    for r in sorted(rows_old, key=lambda r: (r["districtCode"], r["wardCode"] or "")):
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        codes, default = targets.get(key, [[], None])
        if not codes:
            unmapped.append(key)
        old_communes.append([r["wardCode"], r["ward"], r["districtCode"], sorted(codes), default])
    if unmapped:
        raise SystemExit(f"old units without a new one: {unmapped[:10]} ({len(unmapped)})")
    return {
        "dinh_dang": 1,
        "nguon": {
            "goi": meta["Name"],
            "phien_ban": meta["Version"],
            "giay_phep": "MIT",
            "ban_quyen": next(line for line in licence.splitlines() if line.startswith("Copyright")),
            "dia_chi": meta["Home-page"],
            "du_lieu_goc": ["danhmuchanhchinh.gso.gov.vn (Tổng cục Thống kê)", "sapnhap.bando.com.vn"],
            "nghi_quyet": RESOLUTIONS,
            "hieu_luc": "2025-07-01",
        },
        "tinh": [list(p) for p in provinces],
        "xa": communes,
        "tinh_cu": [list(p) for p in old_provinces],
        "huyen_cu": [list(d) for d in old_districts],
        "xa_cu": old_communes,
    }, licence


def _rows(db: Path) -> tuple[list[dict], list[dict]]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        new = [
            dict(r)
            for r in connection.execute(
                "SELECT province, provinceCode, provinceKey, ward, wardType, wardCode, wardKey FROM admin_units"
            )
        ]
        old = [
            dict(r)
            for r in connection.execute(
                "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey, ward, wardCode, wardKey "
                "FROM admin_units_legacy"
            )
        ]
    return new, old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="vietnamadminunits-*.whl (pip download --no-deps vietnamadminunits)")
    parser.add_argument("-o", "--output", type=Path, default=OUT / "dvhc.json.gz")
    args = parser.parse_args(argv)
    data, licence = convert(args.wheel)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with gzip.GzipFile(args.output, "wb", mtime=0) as out:  # same data, same bytes
        out.write(text.encode("utf-8"))
    notice = (
        f"Dữ liệu đơn vị hành chính trong dvhc.json.gz được chuyển đổi từ gói {data['nguon']['goi']} "
        f"phiên bản {data['nguon']['phien_ban']} ({data['nguon']['dia_chi']}), theo giấy phép MIT dưới đây.\n"
        f"The administrative unit data in dvhc.json.gz is converted from the {data['nguon']['goi']} package, "
        f"version {data['nguon']['phien_ban']}, under the MIT licence below.\n\n{licence}"
    )
    args.output.with_name("LICENSE-vietnamadminunits.txt").write_text(notice, encoding="utf-8")
    print(
        f"{args.output}: {len(data['tinh'])} tỉnh, {len(data['xa'])} xã, {len(data['xa_cu'])} xã cũ, "
        f"{args.output.stat().st_size} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
