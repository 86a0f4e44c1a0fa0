"""`vanban serve` in a real browser: Playwright driving Debian's Chromium against a live server.

Screenshots of every page go to output/anh-man-hinh/ (VANBAN_SCREENSHOTS to choose another folder).
Skipped, with the reason printed, only when there is no Chromium (CI installs it with apt-get).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    print("\nBrowser tests skipped: Debian's chromium is not installed (apt-get install chromium).")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

import uvicorn
from playwright.sync_api import expect, sync_playwright
from web_plan import BUDGET_ID, PLAN, ROOT, SOURCE

from generator.web.app import create_app
from generator.web.office import WarmOffice
from generator.web.security import Guard

#: Known gap (issue 19, open): since the plan model of issue 16 a budget line has dict and optional
#: fields (he_so, khoan_gon), and the editor draws the budget as cards, not as the grid whose amount
#: cells these scenarios edit. Not strict: a browser scenario's timing is not the test's subject.
GRID_GAP = pytest.mark.xfail(strict=False, reason="issue 19: budget grid not drawn for the new budget-line model")
SEED = ROOT / "tests" / "reference" / "seed" / "ke-hoach-ngay-chuyen-doi-so-2024.docx"
SHOTS = Path(os.environ.get("VANBAN_SCREENSHOTS", ROOT / "output" / "anh-man-hinh"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


QUANTITY = f"#f-{BUDGET_ID}-bang-1-dong-0-so_luong"  # banner_xa: 16 × 225.000
PRICE = f"#f-{BUDGET_ID}-bang-2-dong-1-don_gia"  # Khen cá nhân: 700.000
HAS_OFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
# A shared CI machine can be slow: waits are long, failing tests still fail (they wait for text that never comes).
expect.set_options(timeout=30_000)


def shot(page, name: str, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def office():
    office = WarmOffice()
    yield office
    office.close()


class Server:
    def __init__(self, folder: Path, office: WarmOffice):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.folder = folder
        self.app = create_app(folder, Guard(port=self.port), office=office, warm=HAS_OFFICE)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def server(tmp_path: Path, office):
    shutil.copy(SOURCE, tmp_path / PLAN)
    shutil.copytree(ROOT / "data" / "units", tmp_path / "units")
    server = Server(tmp_path, office)
    yield server
    server.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 950}, accept_downloads=True, locale="vi-VN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors  # no script error on any page


def open_plan(page, server) -> None:
    page.goto(server.url + "/")
    page.get_by_role("link", name=PLAN).first.click()
    expect(page.locator(QUANTITY)).to_have_value("16")


def centre(locator) -> None:
    locator.evaluate("el => el.scrollIntoView({block: 'center'})")


def loaded(image, limit: float = 60) -> None:
    """Wait until an image has been drawn (polled from here: the page's CSP forbids evaluated strings)."""
    deadline = time.monotonic() + limit
    while not image.evaluate("img => img.complete && img.naturalWidth > 0"):
        assert time.monotonic() < deadline, "the page image was not drawn"
        time.sleep(0.1)


def fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- scenarios ------------------------------------------------------------------------------------


def test_open_the_bundled_plan(page, server):
    page.goto(server.url + "/")
    expect(page.locator("#danh-sach-ke-hoach")).to_contain_text("49.750.000 đồng")
    expect(page.locator("#danh-sach-ke-hoach")).to_contain_text("Dự thảo")
    shot(page, "01-danh-sach-ke-hoach", full=True)
    open_plan(page, server)
    expect(page.locator("#so-lieu")).to_contain_text("Tổng kinh phí: 49.750.000 đồng")
    expect(page.locator("#f-co_quan-ten_day_du")).to_have_value("Ủy ban nhân dân thị xã Kiến Tường")
    shot(page, "02-sua-ke-hoach")


@GRID_GAP
def test_a_quantity_change_moves_amount_totals_and_words(page, server):
    from generator.vi import amount_in_words

    open_plan(page, server)
    page.locator(QUANTITY).fill("17")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(17 * 225000))
    table = 17 * 225000 + 120 * 120000
    expect(page.locator(f"#t-{BUDGET_ID}-bang-1-dong")).to_contain_text(f"Tổng cộng: {fmt(table)} đồng")
    expect(page.locator(f"#t-{BUDGET_ID}-bang-1-dong")).to_contain_text(amount_in_words(table))
    grand = 49_750_000 + 225000
    expect(page.locator(f"#t-{BUDGET_ID}")).to_contain_text(f"Tổng kinh phí: {fmt(grand)} đồng")
    expect(page.locator("#so-lieu")).to_contain_text(amount_in_words(grand))
    centre(page.locator(f"#i-{BUDGET_ID}-bang-1-dong-0"))
    shot(page, "03-so-lieu-tinh-lai")


def test_a_malformed_price_is_shown_at_its_cell_and_nothing_is_saved(page, server):
    before = (server.folder / PLAN).read_bytes()
    open_plan(page, server)
    page.locator(PRICE).fill("7.00.000")
    message = page.locator(f"#e-{BUDGET_ID}-bang-2-dong-1-don_gia")
    expect(message).to_contain_text("nhóm chữ số sau dấu chấm phải có đúng 3 chữ số")
    expect(page.locator(PRICE)).to_have_attribute("aria-invalid", "true")
    centre(page.locator(PRICE))
    shot(page, "04-loi-tai-o")
    page.locator("#nut-luu").click()
    expect(page.locator("#thong-bao")).to_contain_text("Chưa lưu")
    assert (server.folder / PLAN).read_bytes() == before


@GRID_GAP
def test_save_changes_the_yaml_in_one_place_with_comments_kept(page, server):
    before = (server.folder / PLAN).read_text(encoding="utf-8")
    open_plan(page, server)
    page.locator(QUANTITY).fill("17")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(17 * 225000))
    page.locator("#nut-luu").click()
    expect(page.locator("#da-luu")).to_contain_text("Đã lưu")
    after = (server.folder / PLAN).read_text(encoding="utf-8")
    changes = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changes == [("          so_luong: 16", "          so_luong: 17")]
    assert len(before.splitlines()) == len(after.splitlines()) and after.count("#") == before.count("#")
    shot(page, "05-da-luu")


@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice is not installed: no preview to show")
@GRID_GAP
def test_the_preview_shows_the_new_figure(page, server):
    open_plan(page, server)
    page.locator(QUANTITY).fill("17")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(17 * 225000))
    page.locator("#nut-xem-truoc").click()
    first = page.locator("#xem-truoc img[alt='Trang 1']")
    expect(first).to_be_visible(timeout=120_000)
    loaded(first)
    last = page.locator("#xem-truoc img").last
    last.scroll_into_view_if_needed()
    loaded(last)
    shot(page, "06-xem-truoc")
    link = page.locator("#xem-truoc a[download]").get_attribute("href")
    pdf = page.request.get(server.url + link).body()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert fmt(17 * 225000) in text and fmt(49_750_000 + 225000) in text


@GRID_GAP
def test_download_the_zip_and_read_its_docx(page, server):
    open_plan(page, server)
    page.locator(QUANTITY).fill("17")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(17 * 225000))
    page.locator("#nut-luu").click()
    expect(page.locator("#da-luu")).to_be_visible()
    page.locator("#nut-soan").click()
    expect(page.locator("#tai-zip")).to_be_visible(timeout=180_000)
    shot(page, "07-tai-ve")
    with page.expect_download() as waiting:
        page.locator("#tai-zip").click()
    archive = zipfile.ZipFile(waiting.value.path())
    document = docx.Document(io.BytesIO(archive.read("phu-luc-2.docx")))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert fmt(17 * 225000) in cells and fmt(49_750_000 + 225000) in cells


def test_upload_the_seed_docx_and_see_its_audit_findings(page, server):
    page.goto(server.url + "/kiem-tra")
    shot(page, "08-kiem-tra")
    page.set_input_files("#form-kiem-tra input[type=file]", str(SEED))
    page.locator("#form-kiem-tra button").click()
    findings = page.locator("#phat-hien-so-lieu")
    expect(findings).to_contain_text("SAI-THANH-TIEN", timeout=60_000)
    expect(findings).to_contain_text("bảng 2 (Phụ lục II, mục 1), hàng 4, cột Thành tiền")
    expect(findings.locator(".o-loi").first).to_be_visible()
    expect(page.locator("#phat-hien-the-thuc")).to_contain_text("HD-04")
    shot(page, "09-ket-qua-kiem-tra", full=False)


def test_units_batch_progress_reaches_the_end_and_the_zip_downloads(page, server):
    page.goto(server.url + "/don-vi")
    shot(page, "10-don-vi")
    page.locator("#form-don-vi button").click()
    expect(page.locator("#chu-tien-do")).to_contain_text("Xong: 8/8 đơn vị đã soạn", timeout=180_000)
    progress = page.locator("#thanh-tien-do")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "8"
    shot(page, "11-don-vi-xong", full=True)
    with page.expect_download() as waiting:
        page.locator("#tai-lo-zip").click()
    names = zipfile.ZipFile(waiting.value.path()).namelist()
    assert len({name.split("/")[0] for name in names}) == 8


@GRID_GAP
def test_two_tabs_save_the_same_plan_the_second_is_refused_and_nothing_lost(page, server):
    first = page
    second = page.context.new_page()
    open_plan(first, server)
    open_plan(second, server)
    first.locator(QUANTITY).fill("17")
    expect(first.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(17 * 225000))
    second.locator(PRICE).fill("800000")
    expect(second.locator(f"#c-{BUDGET_ID}-bang-2-dong-1")).to_have_text(fmt(6 * 800000))
    first.locator("#nut-luu").click()
    expect(first.locator("#da-luu")).to_be_visible()
    saved = (server.folder / PLAN).read_bytes()
    second.locator("#nut-luu").click()
    expect(second.locator("#xung-dot")).to_contain_text("đã bị thay đổi")
    expect(second.locator("#xung-dot")).to_contain_text("Bản trên đĩa")
    expect(second.locator("#xung-dot")).to_contain_text("don_gia: 800000")
    shot(second, "12-xung-dot")
    assert (server.folder / PLAN).read_bytes() == saved  # the first tab's save stands
    expect(second.locator(PRICE)).to_have_value("800000")  # the second tab's edit is still there
    second.reload()
    expect(second.locator(PRICE)).to_have_value("800000")  # and survives a reload (its draft)
    second.close()


@GRID_GAP
def test_reload_with_unsaved_edits_keeps_them(page, server):
    open_plan(page, server)
    page.locator(QUANTITY).fill("19")
    page.locator("#f-ky-ho_ten").fill("Trần Văn Bình")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(19 * 225000))
    expect(page.locator("#trang-thai-nhap")).to_contain_text("chưa lưu")
    page.reload()
    expect(page.locator(QUANTITY)).to_have_value("19")
    expect(page.locator("#f-ky-ho_ten")).to_have_value("Trần Văn Bình")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(19 * 225000))
    expect(page.locator("#trang-thai-nhap")).to_contain_text("Đã mở lại")
    # a new browser page on the same profile (as after a crash) gets them back too
    other = page.context.new_page()
    other.goto(server.url + f"/sua?tep={PLAN}")
    expect(other.locator(QUANTITY)).to_have_value("19")
    other.close()
    assert "so_luong: 16" in (server.folder / PLAN).read_text(encoding="utf-8")  # nothing saved meanwhile


@GRID_GAP
def test_rows_are_added_moved_and_removed(page, server):
    open_plan(page, server)
    grid = page.locator(f"#l-{BUDGET_ID}-bang-2-dong")
    grid.get_by_role("button", name="Thêm dòng").last.click()
    expect(page.locator(f"#f-{BUDGET_ID}-bang-2-dong-2-noi_dung")).to_be_visible()
    page.locator(f"#f-{BUDGET_ID}-bang-2-dong-2-noi_dung").fill("Khen thưởng đột xuất")
    page.locator(f"#f-{BUDGET_ID}-bang-2-dong-2-so_luong").fill("2")
    page.locator(f"#f-{BUDGET_ID}-bang-2-dong-2-don_gia").fill("500.000")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-2-dong-2")).to_have_text("1.000.000")
    page.locator(f"#i-{BUDGET_ID}-bang-2-dong-2").get_by_role("button", name="Chuyển dòng lên").click()
    expect(page.locator(f"#f-{BUDGET_ID}-bang-2-dong-1-noi_dung")).to_have_value("Khen thưởng đột xuất")
    centre(page.locator(f"#i-{BUDGET_ID}-bang-2-dong-1"))
    shot(page, "13-them-dong")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f"#i-{BUDGET_ID}-bang-2-dong-0").get_by_role("button", name="Xóa dòng").click()
    expect(page.locator(f"#f-{BUDGET_ID}-bang-2-dong-0-noi_dung")).to_have_value("Khen thưởng đột xuất")
    page.locator("#nut-luu").click()
    expect(page.locator("#da-luu")).to_be_visible()
    text = (server.folder / PLAN).read_text(encoding="utf-8")
    assert "Khen tập thể" not in text and "Khen thưởng đột xuất" in text
    assert text.index("Khen thưởng đột xuất") < text.index("Khen cá nhân")


@GRID_GAP
def test_history_and_new_plan_pages(page, server):
    open_plan(page, server)
    page.locator(QUANTITY).fill("17")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-1-dong-0")).to_have_text(fmt(17 * 225000))
    page.locator("#nut-luu").click()
    expect(page.locator("#da-luu")).to_be_visible()
    page.goto(server.url + f"/lich-su?tep={PLAN}")
    page.get_by_role("button", name="So với bản hiện tại").first.click()
    expect(page.locator("#ket-qua-so-sanh")).to_contain_text("3.600.000 → 3.825.000")
    shot(page, "14-lich-su")
    page.goto(server.url + "/")
    form = page.locator("#form-nam-sau")
    form.locator("input[name=nam]").fill("2025")
    form.locator("input[name=ten]").fill("kien-tuong-2025.yaml")
    form.locator("button").click()
    expect(page.locator("#moi-xong")).to_contain_text("Cần xem lại")
    shot(page, "15-ke-hoach-nam-sau", full=True)
    assert (server.folder / "kien-tuong-2025.yaml").is_file()


@GRID_GAP
def test_rows_pasted_from_excel_become_rows(page, server):
    open_plan(page, server)
    cell = page.locator(f"#f-{BUDGET_ID}-bang-2-dong-0-noi_dung")
    centre(cell)
    # what Excel puts on the clipboard: cells separated by tabs, rows by CR LF
    cell.evaluate("""(el) => {
        const data = new DataTransfer();
        data.setData('text/plain', 'Hoa tươi\\tLẵng\\t2\\t350.000\\r\\nNước suối\\tThùng\\t3\\t120000\\r\\n');
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    expect(page.locator(f"#f-{BUDGET_ID}-bang-2-dong-2-noi_dung")).to_have_value("Hoa tươi")
    expect(page.locator(f"#f-{BUDGET_ID}-bang-2-dong-3-don_gia")).to_have_value("120000")
    expect(page.locator(f"#c-{BUDGET_ID}-bang-2-dong-2")).to_have_text("700.000")
    total = 3 * 1400000 + 6 * 700000 + 2 * 350000 + 3 * 120000
    expect(page.locator(f"#t-{BUDGET_ID}-bang-2-dong")).to_contain_text(f"Tổng cộng: {fmt(total)} đồng")
    centre(page.locator(f"#i-{BUDGET_ID}-bang-2-dong-3"))
    shot(page, "16-dan-tu-excel")
    page.locator("#nut-luu").click()
    expect(page.locator("#da-luu")).to_be_visible()
    text = (server.folder / PLAN).read_text(encoding="utf-8")
    assert "Hoa tươi" in text and "don_gia: 120000" in text
