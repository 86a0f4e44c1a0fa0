"""`vanban don-vi`: the official administrative units shipped with vanban.

vanban don-vi "Tây Ninh"                          the province's communes (name, kind, code)
vanban don-vi "Tây Ninh" -o data/units/tay-ninh.yaml [--khung SKELETON] [--xa NAME ...]
vanban don-vi "Phường 1, thị xã Kiến Tường, Long An"   what a pre-2025 commune became
vanban don-vi --nguon                             source, version, licence and resolutions of the data
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.common import EXIT_BAD_INPUT, EXIT_OK, guarded

EPILOG = """Tên viết hoa hay thường, có dấu hay không dấu đều được; "tỉnh", "thành phố", "xã", "phường" không bắt buộc.
Tên cũ (trước 1/7/2025) ghi đủ xã, huyện, tỉnh cách nhau bằng dấu phẩy: "Phường 1, thị xã Kiến Tường, Long An".
Dữ liệu mới hơn (cùng định dạng, tạo bằng tools/dvhc_convert.py): --du-lieu TỆP hoặc biến môi trường VANBAN_DVHC."""


def register(sub) -> None:
    parser = sub.add_parser(
        "don-vi",
        help="tra cứu đơn vị hành chính (34 tỉnh, thành phố; các xã, phường, đặc khu; tên cũ trước 1/7/2025) "
        "và tạo tệp đơn vị cho vanban batch",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ten", nargs="?", help='tên tỉnh, thành phố (ví dụ "Tây Ninh"), hoặc địa chỉ cũ có dấu phẩy')
    parser.add_argument("-o", "--output", type=Path, help="ghi tệp đơn vị (.yaml) cho vanban batch")
    parser.add_argument(
        "--xa",
        action="append",
        default=[],
        metavar="TÊN",
        help="chỉ lấy xã, phường, đặc khu này (tên, mã, hoặc tên cũ có dấu phẩy; dùng được nhiều lần)",
    )
    parser.add_argument(
        "--khung",
        type=Path,
        metavar="KHUNG.yaml",
        help="khung Kế hoạch cấp xã: ghi đường dẫn của nó và các phần được giao (giao:) nó khai báo",
    )
    parser.add_argument(
        "--nguon", action="store_true", help="nguồn, phiên bản, giấy phép và các nghị quyết của dữ liệu"
    )
    parser.add_argument(
        "--du-lieu", type=Path, metavar="TỆP", help="dùng tệp dữ liệu này thay cho dữ liệu kèm theo vanban"
    )
    parser.add_argument("--force", action="store_true", help="ghi đè tệp -o nếu đã có")
    parser.set_defaults(func=run)


def run(args) -> int:
    return guarded(lambda: _don_vi(args))


def _don_vi(args) -> int:
    from generator.units import dvhc

    data = dvhc.load(args.du_lieu)
    if args.nguon:
        _print_source(data)
        return EXIT_OK
    if not args.ten:
        print('Hãy ghi tên tỉnh, thành phố (ví dụ: vanban don-vi "Tây Ninh"), hoặc --nguon', file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if "," in args.ten:
            return _address(data, args.ten)
        province = data.province(args.ten)
        communes = _chosen(data, province, args.xa) if args.xa else data.communes_of(province)
    except dvhc.NotFound as exc:
        return _not_found(exc)
    if args.output is None:
        _print_communes(province, communes)
        return EXIT_OK
    return _write(data, province, communes, args)


def _chosen(data, province, names: list[str]) -> list:
    """The communes named (new names or codes; an old address "Phường 1, thị xã Kiến Tường, Long An"
    is the commune it became, said so), each once, in the order given."""
    from generator.units.dvhc import NotFound

    chosen = []
    for name in names:
        if "," in name:
            old = data.old_commune(name)
            commune = old.default or (old.became[0] if old.became else None)
            if commune is None or commune.province != province:
                raise NotFound(f"{old.address} nay không thuộc {province.name}", [c.name for c in old.became])
            print(f"{old.address} (trước 1/7/2025) nay là {commune.name} (mã {commune.code})")
        else:
            commune = data.commune(province, name)
        if commune not in chosen:
            chosen.append(commune)
    return chosen


def _print_source(data) -> None:
    from generator.units.dvhc import LICENCE

    source = data.nguon
    kinds = {}
    for commune in data.communes:
        kinds[commune.kind] = kinds.get(commune.kind, 0) + 1
    print(f"Dữ liệu đơn vị hành chính: {data.source}")
    print(f"  Nguồn: gói {source.get('goi')} phiên bản {source.get('phien_ban')} ({source.get('dia_chi')})")
    print(f"  Giấy phép: {source.get('giay_phep')}, {source.get('ban_quyen')}; toàn văn: {LICENCE}")
    print(f"  Dữ liệu gốc: {'; '.join(source.get('du_lieu_goc', []))}")
    print(f"  Theo (hiệu lực từ {source.get('hieu_luc')}):")
    for resolution in source.get("nghi_quyet", []):
        print(f"    - {resolution}")
    print(
        f"  {len(data.provinces)} tỉnh, thành phố; {len(data.communes)} đơn vị cấp xã: {kinds.get('xa', 0)} xã, "
        f"{kinds.get('phuong', 0)} phường, {kinds.get('dac_khu', 0)} đặc khu"
    )
    print(
        f"  Trước 1/7/2025: {len({o.province for o in data.old})} tỉnh, {len({(o.district, o.province) for o in data.old})} "
        f"huyện, {sum(1 for o in data.old if o.name)} xã — mỗi xã cũ kèm các xã mới nó đã nhập vào"
    )


def _print_communes(province, communes) -> None:
    from generator.units.dvhc import KIND_WORD

    print(f"{province.name} (mã {province.code}): {len(communes)} đơn vị")
    for commune in communes:
        print(f"  {commune.code}  {KIND_WORD[commune.kind]:<8} {commune.name}")


def _address(data, text: str) -> int:
    """An old address → the commune it became; a new "commune, province" → that commune."""
    from generator.units import dvhc

    try:
        old = data.old_commune(text)
    except dvhc.NotFound as old_error:
        parts = [p.strip() for p in text.split(",")]
        found = dvhc.successor(data, parts[0], f"tỉnh {parts[-1]}") if len(parts) == 2 else None
        if found is not None and found.province is not None:
            print_successor(found)
            return EXIT_OK
        try:
            province = data.province(parts[-1])
            commune = data.commune(province, parts[0]) if len(parts) == 2 else None
        except dvhc.NotFound:
            return _not_found(old_error)
        if commune is None:
            return _not_found(old_error)
        print(f"{commune.name}, {province.name} (mã {commune.code}) là đơn vị hiện hành (từ 1/7/2025).")
        return EXIT_OK
    became = ", ".join(f"{c.name} (mã {c.code})" for c in old.became)
    province = old.became[0].province.name if old.became else "?"
    if len(old.became) == 1:
        print(f"{old.address} (trước 1/7/2025) nay là {became}, {province}.")
    else:
        print(
            f"{old.address} (trước 1/7/2025) nay được chia cho: {became}, {province}; "
            f"phần lớn thuộc {old.default.name if old.default else old.became[0].name}."
        )
    return EXIT_OK


def print_successor(found) -> None:
    """What an old body's area became (generator.units.dvhc.successor): who issues its plans now,
    and which communes its old units are part of."""
    province = f"{found.province.name[:1].lower()}{found.province.name[1:]}"
    why = (
        "sắp xếp đơn vị hành chính, không còn cấp huyện"
        if "," in found.old_body
        else "sắp xếp đơn vị hành chính cấp tỉnh"
    )
    print(f"Từ 1/7/2025 không còn {found.old_body} ({why}).")
    print(
        f"  Kế hoạch cấp này nay do UBND {province} ban hành cho các xã, phường; trên địa bàn cũ, mỗi đơn vị mới "
        f"ban hành Kế hoạch của mình. {found.old_units} đơn vị cũ nay thuộc {len(found.communes)} đơn vị của {province}:"
    )
    for commune, own, others in found.communes:
        more = f" (và một phần hoặc toàn bộ: {'; '.join(o.address for o in others)})" if others else ""
        print(f"    UBND {commune.in_text} (mã {commune.code}): {', '.join(o.name or o.district for o in own)}{more}")
    codes = " ".join(f"--xa {commune.code}" for commune, _, _ in found.communes)
    print(
        f'  Tệp đơn vị cho các đơn vị mới: vanban don-vi "{found.province.short}" {codes} --khung KHUNG.yaml -o TỆP.yaml'
    )


def _not_found(exc) -> int:
    print(f"Không tìm thấy: {exc.message}", file=sys.stderr)
    if exc.nearest:
        print(f"  Tên gần giống: {', '.join(exc.nearest)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _write(data, province, communes, args) -> int:
    from generator.model.yamlfile import write_new_file
    from generator.units.make_units import skeleton_assignments, units_file_text

    output: Path = args.output
    if output.exists() and not args.force:
        print(f"Tệp {output} đã có; thêm --force để ghi đè", file=sys.stderr)
        return EXIT_BAD_INPUT
    assignments = skeleton_assignments(args.khung) if args.khung else []
    command = "vanban don-vi " + " ".join(f'"{a}"' if " " in a else a for a in _argv(args))
    text = units_file_text(data, province, communes, output, args.khung, assignments, command)
    write_new_file(output, text)
    print(f"Đã ghi {len(communes)} đơn vị của {province.name} vào {output}")
    if not args.khung:
        print("  Chưa có --khung: hãy sửa ke_hoach: và thêm giao: (phần được giao) cho từng đơn vị.")
    missing = [a.name for a in assignments if a.default is None]
    if missing:
        print(f"  Cần điền cho từng đơn vị: {', '.join(missing)} (khung không có giá trị mặc định).")
    print('  Thay "…" ở ky.ho_ten bằng họ tên người ký của từng đơn vị.')
    return EXIT_OK


def _argv(args) -> list[str]:
    """The command line as given (paths as typed), for the file's header."""
    out = [args.ten, "-o", str(args.output)]
    for name in args.xa:
        out += ["--xa", name]
    if args.khung:
        out += ["--khung", str(args.khung)]
    return out
