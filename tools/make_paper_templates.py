"""Write the docxtpl templates of the papers around a plan (templates/*.docx; output committed).

    python tools/make_paper_templates.py

Tờ trình, Quyết định (kinh phí; thành lập Ban Tổ chức), Giấy mời, Báo cáo kết quả, Công văn and
Thông báo. Page setup, styles and table helpers are tools/make_templates.py's (imported, not
copied); the header table of a document is built here as make_templates.ke_hoach() builds it,
with a "V/v" line under the number for a công văn. Fixed wording lives here, in the templates;
figures come from the context (generator/papers/contexts.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_templates as mt  # noqa: E402
from make_templates import OUT, L, append, cell, para, row, table, tieu_ngu_paragraph  # noqa: E402

#: Styles the papers add to make_templates.STYLES (same tuple layout).
PAPER_STYLES = {
    "VB Tham quyen": (14, True, False, "center", 0, 240, 0, 240, "<w:keepNext/>"),
    "VB Can cu": (14, False, True, "both", 567, 120, 0, 276, ""),
    "VB Kinh gui": (14, False, False, "center", 0, 240, 120, 240, ""),
    # several recipients: "Kính gửi:" from a third of the line, the "- …" lines aligned under its colon (PL-I II.9.b)
    "VB Kinh gui ds": (14, False, False, "left", 0, 240, 0, 240, '<w:ind w:left="2835" w:right="0" w:firstLine="0"/>'),
    "VB Kinh gui dong": (14, False, False, "left", 0, 0, 0, 240, '<w:ind w:left="4000" w:right="0" w:firstLine="0"/>'),
    "VB Vv": (13, False, False, "center", 0, 120, 0, 240, ""),
    "VB Bang dong": (13, False, False, "left", 0, 40, 40, 240, ""),
}
mt.STYLES.update(PAPER_STYLES)


def _p(doc):
    return lambda style, text="": para(doc, style, text)


def runs_para(doc, style: str, runs: list[tuple[str, bool]]) -> str:
    """A paragraph of `style` with several runs (text or docxtpl tags), each bold or not."""
    from xml.sax.saxutils import escape

    bold = "<w:rPr><w:b/><w:bCs/></w:rPr>"
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{mt._style_id(doc, style)}"/></w:pPr>'
        + "".join(f'<w:r>{bold if b else ""}<w:t xml:space="preserve">{escape(t)}</w:t></w:r>' for t, b in runs)
        + "</w:p>"
    )


def label_para(doc, label: str, text: str) -> str:
    """A body paragraph: a bold label ("Điều 1.") then text."""
    return runs_para(doc, "VB Than", [(label + " ", True), (text, False)])


def header(doc, *, vv: bool = False) -> str:
    """The header table (ô 1–4; ô 5b "V/v" under the number for a công văn), as in ke_hoach()."""
    P = _p(doc)
    left = (
        P("VB Chu quan", "{%p for dong in co_quan.chu_quan %}")
        + P("VB Chu quan", "{{ dong }}")
        + P("VB Chu quan", "{%p endfor %}")
        + P("VB Co quan", "{%p for dong in co_quan.ten %}")
        + P("VB Co quan", "{{ dong }}")
        + P("VB Co quan", "{%p endfor %}")
        + P("VB Gach")
    )
    right = P("VB Quoc hieu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") + tieu_ngu_paragraph(doc)
    number = P("VB So ky hieu", "Số: {{ van_ban.so|so_van_ban }}/{{ ky_hieu }}")
    if vv:
        number += P("VB Vv", "V/v {{ trich_yeu }}")
    return table(
        [L.HEADER_LEFT, L.HEADER_RIGHT],
        [
            row([cell(L.HEADER_LEFT, left), cell(L.HEADER_RIGHT, right)]),
            row(
                [
                    cell(L.HEADER_LEFT, number),
                    cell(L.HEADER_RIGHT, P("VB Dia danh ngay", "{{ van_ban.dia_danh }}, {{ van_ban|ngay_van_ban }}")),
                ]
            ),
        ],
        borders=False,
        indent=L.HEADER_INDENT,
        zero_margins=True,
    )


def title(doc) -> str:
    P = _p(doc)
    return P("VB Ten loai", "{{ ten_loai }}") + P("VB Trich yeu", "{{ trich_yeu }}") + P("VB Gach")


def blocks(doc, name: str) -> str:
    """Body paragraphs of the context list `name` (kinds muc, khoan, doan), as in ke_hoach()."""
    P = _p(doc)
    return (
        P("VB Than", f"{{%p for b in {name} %}}")
        + P("VB Than", '{%p if b.kind == "muc" %}')
        + P("VB Muc", "{{r b.rich }}")
        + P("VB Than", '{%p elif b.kind == "khoan" %}')
        + P("VB Khoan", "{{r b.rich }}")
        + P("VB Than", "{%p else %}")
        + P("VB Than", "{{r b.rich }}")
        + P("VB Than", "{%p endif %}")
        + P("VB Than", "{%p endfor %}")
    )


def kinh_gui(doc) -> str:
    """ô 9a: "Kính gửi: X" on one line, or "Kính gửi:" and one "- X;" line per recipient."""
    P = _p(doc)
    return (
        P("VB Kinh gui", "{%p if kinh_gui|length == 1 %}")
        + P("VB Kinh gui", "Kính gửi: {{ kinh_gui[0] }}")
        + P("VB Kinh gui", "{%p elif kinh_gui %}")
        + P("VB Kinh gui ds", "Kính gửi:")
        + P("VB Kinh gui dong", "{%p for k in kinh_gui %}")
        + P("VB Kinh gui dong", "- {{ k }}{{ ';' if not loop.last else '.' }}")
        + P("VB Kinh gui dong", "{%p endfor %}")
        + P("VB Kinh gui", "{%p endif %}")
    )


def closing(doc, first: str | None = None, *, addressed: bool = False) -> str:
    """Nơi nhận beside the signature block: a fixed first line such as "Như Điều 3", or, in a paper
    with "Kính gửi" (`addressed`), "Như trên" when it has addressees."""
    P = _p(doc)
    as_above = (
        P("VB Noi nhan dong", "{%p if kinh_gui %}")
        + P("VB Noi nhan dong", "- Như trên;")
        + P("VB Noi nhan dong", "{%p endif %}")
    )
    noi_nhan = (
        P("VB Noi nhan", "Nơi nhận:")
        + (P("VB Noi nhan dong", f"- {first};") if first else "")
        + (as_above if addressed else "")
        + P("VB Noi nhan dong", "{%p for n in noi_nhan %}")
        + P("VB Noi nhan dong", "- {{ n }};")
        + P("VB Noi nhan dong", "{%p endfor %}")
        + P("VB Noi nhan dong", "- Lưu: {{ luu }}.")
    )
    ky = (
        P("VB Ky", "{%p if ky.tham_quyen %}")
        + P("VB Ky", "{{ ky.tham_quyen }}")
        + P("VB Ky", "{%p endif %}")
        + P("VB Ky", "{%p for dong in ky.chuc_vu %}")
        + P("VB Ky", "{{ dong }}")
        + P("VB Ky", "{%p endfor %}")
        + P("VB Ky") * 4
        + P("VB Ky", "{{ ky.ho_ten }}")
    )
    return table(
        [L.SIGN_LEFT, L.SIGN_RIGHT],
        [row([cell(L.SIGN_LEFT, noi_nhan), cell(L.SIGN_RIGHT, ky)])],
        borders=False,
        zero_margins=True,
    )


def _save(doc, name: str, body: str) -> None:
    """The template with the draft mark on top, saved as a zip with fixed dates (same source, same bytes)."""
    import io
    import zipfile

    from generator.render.oxml import write_zip

    append(doc, mt._draft_mark(doc) + body)
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        (OUT / name).write_bytes(write_zip([(i.filename, archive.read(i)) for i in archive.infolist()]))


SPLIT = (
    "Tổng kinh phí: {{ tong|so }} đồng (Bằng chữ: {{ tong|chu }}). Trong đó: "
    "{% for n in theo_nguon %}{{ n.ten }}: {{ n.tong|so }} đồng{{ ';' if not loop.last else '.' }} {% endfor %}"
)


def to_trinh() -> None:
    doc = mt._new_document(restart=False)
    P = _p(doc)
    _save(
        doc,
        "to-trinh.docx",
        (
            header(doc)
            + title(doc)
            + kinh_gui(doc)
            + blocks(doc, "mo_dau")
            + P(
                "VB Than",
                "{{ co_quan.ten_day_du }} kính trình {{ kinh_gui[0] }} xem xét, phê duyệt "
                "{{ ke_hoach.trich_dan }} và kinh phí thực hiện, cụ thể như sau:",
            )
            + P("VB Than", SPLIT)
            + P("VB Than", "(Chi tiết tại {{ ke_hoach.phu_luc_kinh_phi }} kèm theo {{ ke_hoach.ten_ngan }}).")
            + blocks(doc, "noi_dung")
            + P("VB Than cuoi", "{{ co_quan.ten_day_du }} kính trình {{ kinh_gui[0] }} xem xét, phê duyệt./.")
            + closing(doc, addressed=True)
        ),
    )


def _decision_head(doc) -> str:
    P = _p(doc)
    return (
        header(doc)
        + title(doc)
        + P("VB Tham quyen", "{{ tham_quyen }}")
        + P("VB Can cu", "{%p for c in can_cu %}")
        + P("VB Can cu", "{{ c }}")
        + P("VB Can cu", "{%p endfor %}")
        + P("VB Tham quyen", "QUYẾT ĐỊNH:")
    )


def quyet_dinh() -> None:
    doc = mt._new_document(restart=False)
    P = _p(doc)
    _save(
        doc,
        "quyet-dinh.docx",
        (
            _decision_head(doc)
            + label_para(doc, "Điều 1.", "Phê duyệt kinh phí thực hiện {{ ke_hoach.trich_dan }}, cụ thể như sau:")
            + P("VB Than", SPLIT)
            + P("VB Than", "(Chi tiết tại {{ ke_hoach.phu_luc_kinh_phi }} kèm theo {{ ke_hoach.ten_ngan }}).")
            + label_para(doc, "Điều 2.", "{{ dieu_2 }}")
            + label_para(
                doc,
                "Điều 3.",
                "Quyết định này có hiệu lực kể từ ngày ký. {{ thi_hanh }} chịu trách nhiệm thi hành Quyết định này./.",
            )
            + closing(doc, "Như Điều 3")
        ),
    )


def ban_to_chuc() -> None:
    doc = mt._new_document(restart=False)
    P = _p(doc)
    _save(
        doc,
        "quyet-dinh-ban-to-chuc.docx",
        (
            _decision_head(doc)
            + label_para(
                doc, "Điều 1.", "Thành lập {{ ten_ban }} thực hiện {{ ke_hoach.trich_dan }}, gồm các thành viên sau:"
            )
            + P("VB Than", "{%p for tv in thanh_vien %}")
            + P("VB Than", "- {{ tv.ho_ten }}, {{ tv.chuc_vu }} - {{ tv.nhiem_vu }}{{ ';' if not loop.last else '.' }}")
            + P("VB Than", "{%p endfor %}")
            + label_para(doc, "Điều 2.", "Nhiệm vụ của {{ ten_ban }}:")
            + blocks(doc, "nhiem_vu")
            + P("VB Than", "{{ ten_ban }} tự giải thể sau khi hoàn thành nhiệm vụ.")
            + label_para(
                doc,
                "Điều 3.",
                "Quyết định này có hiệu lực kể từ ngày ký. {{ thi_hanh }} và các thành viên "
                "có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
            )
            + closing(doc, "Như Điều 3")
        ),
    )


def giay_moi() -> None:
    doc = mt._new_document(restart=False)
    P = _p(doc)
    _save(
        doc,
        "giay-moi.docx",
        (
            header(doc)
            + title(doc)
            + runs_para(
                doc,
                "VB Than",
                [
                    (
                        "{% if ke_hoach.so_ky_hieu %}Thực hiện {{ ke_hoach.trich_dan }}, {{ co_quan.ten_day_du }}{% else %}"
                        "{{ co_quan.ten_day_du }}{% endif %} trân trọng kính mời: ",
                        False,
                    ),
                    ("{{ moi.ten }}", True),
                    ("{% if moi.so_luong %} ({{ '%02d'|format(moi.so_luong) }} người){% endif %}.", False),
                ],
            )
            + P("VB Than", "{%p for tv in moi.thanh_vien %}")
            + P("VB Than", "- {{ tv.ten }}: {{ '%02d'|format(tv.so_luong) }} người{{ ';' if not loop.last else '.' }}")
            + P("VB Than", "{%p endfor %}")
            + P("VB Than", "Tới dự {{ su_kien }}.")
            + P("VB Than", "Thời gian: {{ thoi_gian }}.")
            + P("VB Than", "Địa điểm: {{ dia_diem }}.")
            + P("VB Than", "{%p if noi_dung %}")
            + P("VB Than", "Nội dung: {{ noi_dung }}")
            + P("VB Than", "{%p endif %}")
            + P("VB Than cuoi", "Rất mong quý đại biểu đến dự đúng thời gian./.")
            + closing(doc, "Như trên")
        ),
    )


def bao_cao() -> None:
    doc = mt._new_document(restart=False)
    P = _p(doc)
    w = [720, 2594, 1060, 980, 980, 1410, 1410]  # Đơn vị tính holds «Chuyến» on one line (OT-08)
    full = sum(w)
    heads = ["STT", "Nội dung", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Dự toán (đồng)", "Đã chi (đồng)"]
    rows = [
        row([cell(w[i], P("VB Bang dam", h)) for i, h in enumerate(heads)], header=True),
        row([cell(full, P("VB Bang", "{%tr for hd in hoat_dong %}"), span=7)]),
        row(
            [
                cell(w[0], P("VB Bang dam", "{{ hd.so }}")),
                cell(sum(w[1:5]), P("VB Bang dam", "{{ hd.tieu_de }}"), span=4),
                cell(w[5], P("VB Bang so dam", "{{ hd.tong|so }}")),
                cell(w[6], P("VB Bang so dam", "{{ hd.da_chi_text }}")),
            ]
        ),
        row([cell(full, P("VB Bang", "{%tr for d in hd.dong %}"), span=7)]),
        row(
            [
                cell(w[0], P("VB Bang giua", "{{ hd.so }}.{{ d.stt }}")),
                cell(w[1], P("VB Bang dong", "{{ d.noi_dung }}")),
                cell(w[2], P("VB Bang giua", "{{ d.don_vi_tinh }}")),
                cell(w[3], P("VB Bang so", "{{ d.so_luong|so }}")),
                cell(w[4], P("VB Bang so", "{{ d.thuc_hien_text }}")),
                cell(w[5], P("VB Bang so", "{{ d.thanh_tien|so }}")),
                cell(w[6], P("VB Bang so", "{{ d.kinh_phi_text }}")),
            ]
        ),
        row([cell(full, P("VB Bang", "{%tr endfor %}"), span=7)]),
        row([cell(full, P("VB Bang", "{%tr endfor %}"), span=7)]),
        row(
            [
                cell(sum(w[:5]), P("VB Bang dam", "Cộng"), span=5),
                cell(w[5], P("VB Bang so dam", "{{ tong|so }}")),
                cell(w[6], P("VB Bang so dam", "{{ da_chi_text }}")),
            ]
        ),
    ]
    _save(
        doc,
        "bao-cao.docx",
        (
            header(doc)
            + title(doc)
            + kinh_gui(doc)
            + P("VB Than", "{%p if mo_dau %}")
            + blocks(doc, "mo_dau")
            + P("VB Than", "{%p else %}")
            + P(
                "VB Than",
                "Thực hiện {{ ke_hoach.trich_dan }}, {{ co_quan.ten_day_du }} báo cáo kết quả thực hiện như sau:",
            )
            + P("VB Than", "{%p endif %}")
            + P("VB Muc", "I. KẾT QUẢ THỰC HIỆN")
            + P(
                "VB Than",
                "Các nội dung, chỉ tiêu của {{ ke_hoach.ten_ngan }} ({{ ke_hoach.phu_luc_kinh_phi }}) và kết quả thực hiện:",
            )
            + table(w, rows, borders=True)
            + P("VB Than", "{%p if da_chi is not none %}")
            + P(
                "VB Than",
                "Tổng kinh phí đã chi: {{ da_chi|so }} đồng (Bằng chữ: {{ da_chi|chu }}), "
                "bằng {{ ty_le }} dự toán {{ tong|so }} đồng{{ chua_du }}.",
            )
            + P("VB Than", "{%p else %}")
            + P("VB Than", "Dự toán: {{ tong|so }} đồng; kinh phí đã chi: chưa có số liệu.")
            + P("VB Than", "{%p endif %}")
            + P("VB Than", "{%p if danh_gia %}")
            + P("VB Muc", "II. ĐÁNH GIÁ CHUNG")
            + blocks(doc, "danh_gia")
            + P("VB Than", "{%p endif %}")
            + P(
                "VB Than cuoi",
                "Trên đây là báo cáo kết quả thực hiện {{ ke_hoach.ten_ngan }} của {{ co_quan.ten_day_du }}./.",
            )
            + closing(doc, addressed=True)
        ),
    )


def cong_van() -> None:
    doc = mt._new_document(restart=False)
    P = _p(doc)
    _save(
        doc,
        "cong-van.docx",
        (
            header(doc, vv=True)
            + kinh_gui(doc)
            + blocks(doc, "mo_dau")
            + blocks(doc, "than")
            + P("VB Than cuoi", "{{r ket_thuc }}")
            + closing(doc, addressed=True)
        ),
    )


def thong_bao() -> None:
    doc = mt._new_document(restart=False)
    P = _p(doc)
    _save(
        doc,
        "thong-bao.docx",
        (
            header(doc)
            + title(doc)
            + blocks(doc, "mo_dau")
            + blocks(doc, "than")
            + P("VB Than cuoi", "{{r ket_thuc }}")
            + closing(doc)
        ),
    )


PAPERS = (to_trinh, quyet_dinh, ban_to_chuc, giay_moi, bao_cao, cong_van, thong_bao)

if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for make in PAPERS:
        make()
    print("Đã ghi các mẫu giấy tờ:", ", ".join(f.__name__ for f in PAPERS))
