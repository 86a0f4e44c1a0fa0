"""The workspace's pages and actions: a thin layer over what the `vanban` commands call (load,
compute, render, build, rollover, import, check, audit, batch, diff), served to the browser.

Pages are rendered here with Jinja2 (autoescape on; data is passed as values, never as template
text) and made live with htmx, which ships in static/ (no CDN: office networks are often closed).
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import shutil
import tempfile
import threading
import zipfile
from collections import OrderedDict
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import Depends, FastAPI, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from generator.errors import DataPath, PlanError, Problem
from generator.model.loader import parse_yaml, read_text, to_plain, validate_plain
from generator.model.yamlfile import YamlFile
from generator.web import forms
from generator.web.figures_view import page_figures
from generator.web.jobs import Jobs
from generator.web.office import PdfError, WarmOffice, page_count, page_image
from generator.web.security import (
    AUTH_COOKIE,
    LOGIN,
    MAX_UPLOAD,
    Guard,
    GuardMiddleware,
)
from generator.web.workspace import PathRefused, SaveConflict, Workspace, version_of

HERE = Path(__file__).parent
MODEL_PLANS = Path(__file__).resolve().parents[2] / "data"
PREVIEW = "xem-truoc"
MAX_ERRORS_SHOWN = 200


class Bad(Exception):
    """A request the workspace refuses: 400 with the reason, nothing written."""


def create_app(
    folder: Path, guard: Guard | None = None, *, office: WarmOffice | None = None, warm: bool = True
) -> FastAPI:
    """The workspace over `folder`; `warm` starts LibreOffice in the background for the preview."""
    guard = guard or Guard()
    ws = Workspace(folder)
    jobs = Jobs()
    renderer_lock, bases_lock = threading.Lock(), threading.Lock()
    state: dict = {"renderer": None}
    bases: OrderedDict[tuple[str, str], tuple[dict, dict]] = OrderedDict()

    own_office = office is None
    office = office or WarmOffice()

    def warm_up() -> None:
        """LibreOffice started in the background when a plan is first opened (not before the first
        page: starting it competes for the processor with the page the clerk is waiting for)."""
        if warm and not state.get("warming"):
            state["warming"] = True
            threading.Thread(target=office.start, daemon=True).start()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        jobs.close()
        if own_office:
            office.close()

    app = FastAPI(title="vanban", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.add_middleware(GuardMiddleware, guard=guard)
    app.mount("/tai-nguyen", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.autoescape = True
    templates.env.globals.update(csrf=guard.csrf, dom_id=forms.dom_id, kinds=forms.BLOCK_KINDS)
    app.state.workspace, app.state.office, app.state.jobs, app.state.guard = ws, office, jobs, guard

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, template, context, status_code=status)

    @app.exception_handler(Bad)
    @app.exception_handler(PathRefused)
    @app.exception_handler(forms.FormError)
    async def _refused(request: Request, exc: Exception) -> HTMLResponse:
        if request.headers.get("hx-request"):
            return notice(request, 400, "loi", str(exc))
        return page(request, "loi.html", 400, message=str(exc))

    def notice(request: Request, status: int, kind: str, message: str, problems=()) -> HTMLResponse:
        """A message in the page's notice area (whatever the element that asked)."""
        response = page(request, "_thong_bao.html", status, kind=kind, message=message, problems=list(problems))
        response.headers["HX-Retarget"] = "#thong-bao"
        response.headers["HX-Reswap"] = "innerHTML"
        return response

    # --- reading plans -----------------------------------------------------------------------

    def base_of(name: str) -> tuple[Path, str, dict, dict]:
        """(path, version, plain data, positions) of the plan as it is on disk now (cached by version)."""
        path, _, version = ws.read(name)
        key = (name, version)
        with bases_lock:
            known = bases.get(key)
        if known is None:
            try:
                raw = parse_yaml(read_text(path), path)
            except PlanError as exc:
                raise Bad(f"Không đọc được {name}: {exc}") from None
            known = to_plain(raw, path)[:2]
            with bases_lock:
                bases[key] = known
                while len(bases) > 32:
                    bases.popitem(last=False)
        plain, positions = known
        return path, version, plain, positions

    def evaluate(name: str, items: list[tuple[str, str]]) -> tuple[dict, list[Problem], object | None, str]:
        """The form's data, its problems (as the command line words them) and its figures."""
        path, version, base, positions = base_of(name)
        opened = dict(items).get("_phien_ban") or version
        data = forms.form_data(forms.form_tree(items), base if opened == version else _opened_base(name, opened, base))
        plain, _, warnings = to_plain(forms.plain(data), path)
        try:
            loaded = validate_plain(plain, positions, warnings, path)
            figures = compute_located(loaded)
        except PlanError as exc:
            return data, exc.problems, None, opened
        return data, [], figures, opened

    def _opened_base(name: str, opened: str, current: dict) -> dict:
        with bases_lock:
            known = bases.get((name, opened))
        return known[0] if known else current

    def editor_context(name: str, data: dict, version: str, problems: list[Problem] = (), figures=None) -> dict:
        view = forms.form_view(data)
        errors = json.dumps(_errors(problems), ensure_ascii=True).replace("<", "\\u003c")
        return {
            "tep": name,
            "sections": view,
            "phien_ban": version,
            "problems": list(problems)[:MAX_ERRORS_SHOWN],
            "figures": page_figures(figures) if figures is not None else None,
            "errors_json": errors,
        }

    def with_errors(response: Response, problems: list[Problem], event: str | None = None) -> Response:
        events: dict = {"vanban-loi": {"errors": _errors(problems)}}
        if event:
            events[event] = {}
        response.headers["HX-Trigger-After-Settle"] = json.dumps(events, ensure_ascii=True)
        return response

    # --- plans list and new plans ----------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def plans(request: Request):
        models = sorted(p.name for p in MODEL_PLANS.glob("*.yaml")) if MODEL_PLANS.is_dir() else []
        return page(
            request,
            "ke_hoach.html",
            entries=ws.entries(),
            models=models,
            folder=str(ws.root),
            units_files=ws.units_files(),
        )

    def new_name(text: str) -> str:
        text = (text or "").strip()
        if not text:
            raise Bad("Hãy đặt tên cho tệp kế hoạch mới, ví dụ ke-hoach-2025.yaml")
        return text if text.lower().endswith((".yaml", ".yml")) else text + ".yaml"

    @app.post("/moi/mau", response_class=HTMLResponse)
    def new_from_model(request: Request, items: list = POSTED):
        form = dict(items)
        model = form.get("mau", "")
        source = MODEL_PLANS / model
        if not re.fullmatch(r"[a-z0-9-]+\.yaml", model) or not source.is_file():
            raise Bad("Không có kế hoạch mẫu này")
        name = new_name(form.get("ten", ""))
        ws.create(name, read_text(source))
        return page(
            request, "moi_xong.html", tep=name, title="Đã tạo kế hoạch từ mẫu", review=[], notes=[], problems=[]
        )

    @app.post("/moi/nam-sau", response_class=HTMLResponse)
    def new_next_year(request: Request, items: list = POSTED):
        from generator.model.rollover import rollover

        form = dict(items)
        source = ws.path(form.get("ke_hoach", ""))
        year = form.get("nam", "").strip()
        if not year.isdigit() or not 1945 <= int(year) <= 2200:
            raise Bad(f"Năm không hợp lệ: {year[:10]!r}; ghi năm bốn chữ số, ví dụ 2025")
        name = new_name(form.get("ten", ""))
        target = ws.path(name, must_exist=False)
        if target.exists():
            raise Bad(f"Đã có tệp {name}; chọn tên khác")
        try:
            result = rollover(source, int(year), (), target)
        except PlanError as exc:
            return notice(request, 422, "loi", "Không chuyển năm được:", exc.problems)
        ws.create(name, result.text)
        review = sorted(result.review, key=lambda n: (n.line or 0, str(n)))
        notes = [
            (
                f"Đã chuyển {result.moved} chỗ ghi ngày tháng, năm từ {result.old_year} sang {result.new_year}; "
                "đã xóa số và ngày ký (bản dự thảo)."
            )
        ]
        return page(
            request,
            "moi_xong.html",
            tep=name,
            title=f"Kế hoạch năm {result.new_year}",
            review=[str(n) for n in review],
            notes=notes,
            problems=[],
        )

    @app.post("/moi/tu-word", response_class=HTMLResponse)
    def new_from_word(request: Request, form=UPLOAD):
        from generator.analysis.docread import DocumentError
        from generator.analysis.importer import import_document

        name = new_name(str(form.get("ten", "")))
        target = ws.path(name, must_exist=False)
        if target.exists():
            raise Bad(f"Đã có tệp {name}; chọn tên khác")
        with uploaded(form.get("tep")) as document:
            try:
                result = import_document(document)
            except DocumentError as exc:
                raise Bad(f"Không đọc được tệp Word: {exc}") from None
        ws.create(name, result.yaml_text)
        return page(
            request,
            "moi_xong.html",
            tep=name,
            title="Đã chuyển tệp Word thành kế hoạch",
            review=result.review,
            notes=result.unplaced,
            problems=[str(p) for p in result.problems],
        )

    # --- editor ------------------------------------------------------------------------------

    @app.get("/sua", response_class=HTMLResponse)
    def editor(request: Request, tep: str):
        _, version, base, _ = base_of(tep)
        warm_up()
        _, problems, figures, _ = evaluate(tep, _items_of(base) + [("_phien_ban", version)])
        return page(request, "sua.html", **editor_context(tep, base, version, problems, figures))

    @app.post("/sua/tinh", response_class=HTMLResponse)
    def recompute(request: Request, tep: str, items: list = POSTED):
        _, problems, figures, _ = evaluate(tep, items)
        response = page(
            request,
            "_so_lieu.html",
            figures=page_figures(figures) if figures else None,
            problems=problems,
            cells_oob=True,
            panel_oob=False,
        )
        return with_errors(response, problems)

    @app.post("/sua/bieu-mau", response_class=HTMLResponse)
    def structure(
        request: Request, tep: str, hanh_dong: str = "", duong_dan: str = "", vi_tri: str = "", items: list = POSTED
    ):
        data, _, _, opened = evaluate(tep, items)
        if hanh_dong:
            path = _path(duong_dan)
            index = int(vi_tri) if vi_tri.isdigit() else None
            if hanh_dong == "dan":
                forms.paste_rows(data, path, dict(items).get("_dan", ""))
            else:
                forms.edit_list(data, path, hanh_dong, index)
        items2 = _items_of(data) + [("_phien_ban", opened)]
        _, problems, figures, _ = evaluate(tep, items2)
        response = page(
            request, "_bieu_mau.html", fragment=True, **editor_context(tep, data, opened, problems, figures)
        )
        return with_errors(response, problems, "vanban-doi-cau-truc")

    @app.post("/sua/luu", response_class=HTMLResponse)
    def save(request: Request, tep: str, items: list = POSTED):
        data, problems, figures, opened = evaluate(tep, items)
        if problems:
            response = notice(
                request,
                422,
                "loi",
                f"Chưa lưu: dữ liệu có {len(problems)} lỗi (xem ở từng ô); tệp không thay đổi.",
                problems,
            )
            return with_errors(response, problems)
        path = ws.path(tep)
        document = YamlFile.read(path) if version_of(path.read_bytes()) == opened else None
        if document is None:
            return conflict(request, tep, data, path)
        forms.apply(document.data, data)
        text = document.dump()
        try:
            version = ws.save(tep, text, opened)
        except SaveConflict:
            return conflict(request, tep, data, path)
        fresh = base_of(tep)[2]
        response = page(
            request, "_bieu_mau.html", saved=True, fragment=True, **editor_context(tep, fresh, version, [], figures)
        )
        response.headers["HX-Trigger-After-Settle"] = json.dumps(
            {"vanban-da-luu": {"phien_ban": version}, "vanban-loi": {"errors": []}}
        )
        return response

    def conflict(request: Request, tep: str, data: dict, path: Path) -> HTMLResponse:
        from generator.compute.solieu import diff_plans
        from generator.model.loader import load_plan, validate_data

        disk = path.read_text(encoding="utf-8", errors="replace")
        try:
            differences = diff_plans(load_plan(path), validate_data(forms.plain(data), path))
        except PlanError:
            differences = []
        response = page(
            request, "_xung_dot.html", status=409, tep=tep, disk=disk, mine=_yaml_of(data), differences=differences
        )
        response.headers["HX-Retarget"] = "#thong-bao"
        response.headers["HX-Reswap"] = "innerHTML"
        return response

    # --- preview and downloads ---------------------------------------------------------------------

    def renderer():
        """The one Renderer (templates prepared once); used under renderer_lock."""
        from generator.render.renderer import Renderer

        if state["renderer"] is None:
            state["renderer"] = Renderer()
        return state["renderer"]

    def preview_folder(tep: str) -> Path:
        return ws.state_folder(PREVIEW, forms.dom_id(tuple(tep.split("/"))).replace(".", "_"))

    @app.post("/xem-truoc", response_class=HTMLResponse)
    def preview(request: Request, tep: str, items: list = POSTED):
        _, problems, figures, _ = evaluate(tep, items)
        if problems:
            return with_errors(notice(request, 422, "loi", "Chưa xem trước được: dữ liệu còn lỗi.", problems), problems)
        with renderer_lock:
            documents = renderer().render_plan(figures)
        folder = preview_folder(tep)
        folder.mkdir(parents=True, exist_ok=True)
        combined = "ho-so.docx" if "ho-so.docx" in documents.files else min(documents.files)
        docx = folder / "xem-truoc.docx"
        docx.write_bytes(documents.files[combined])
        stamp = version_of(documents.files[combined])
        pdf = folder / f"{stamp}.pdf"
        try:
            if not pdf.is_file():
                for old in folder.glob("*.pdf"):
                    old.unlink()
                for old in folder.glob("*.png"):
                    old.unlink()
                office.convert(docx, pdf)
        except PdfError as exc:
            return notice(request, 503, "loi", str(exc))
        pages = page_count(pdf)
        images = page_image(pdf, 1, folder / f"{stamp}-1.png") is not None
        return page(request, "_xem_truoc.html", tep=tep, stamp=stamp, pages=range(1, pages + 1), images=images)

    @app.get("/xem-truoc/trang")
    def preview_page(tep: str, ban: str, so: int):
        ws.path(tep)
        if not re.fullmatch(r"[0-9a-f]{20}", ban) or not 1 <= so <= 2000:
            raise Bad("Trang không hợp lệ")
        folder = preview_folder(tep)
        pdf = folder / f"{ban}.pdf"
        if not pdf.is_file():
            raise Bad("Bản xem trước đã cũ; bấm Xem trước lại")
        image = folder / f"{ban}-{so}.png"
        if not image.is_file() and page_image(pdf, so, image) is None:
            return FileResponse(pdf, media_type="application/pdf")
        return FileResponse(image, media_type="image/png", headers={"Cache-Control": "no-store"})

    @app.get("/xem-truoc/pdf")
    def preview_pdf(tep: str, ban: str):
        ws.path(tep)
        if not re.fullmatch(r"[0-9a-f]{20}", ban):
            raise Bad("Bản xem trước không hợp lệ")
        pdf = preview_folder(tep) / f"{ban}.pdf"
        if not pdf.is_file():
            raise Bad("Bản xem trước đã cũ; bấm Xem trước lại")
        return FileResponse(pdf, media_type="application/pdf", filename="xem-truoc.pdf")

    @app.post("/soan", response_class=HTMLResponse)
    def build_files(request: Request, tep: str, pdf: str = "", _items: list = POSTED):
        from generator.build import build

        path = ws.path(tep)
        folder = ws.results_folder(tep)
        try:
            with renderer_lock:
                result = build(path, folder, renderer=renderer())
        except PlanError as exc:
            return notice(request, 422, "loi", "Chưa soạn được: tệp đã lưu còn lỗi.", exc.problems)
        warning = None
        if pdf:
            try:
                for docx in result.docx:
                    office.convert(docx, docx.with_suffix(".pdf"))
            except PdfError as exc:
                warning = str(exc)
        return page(request, "_tai_ve.html", tep=tep, files=_downloads(folder), changes=result.changes, warning=warning)

    def _downloads(folder: Path) -> list[str]:
        return (
            sorted(p.name for p in folder.iterdir() if p.suffix in (".docx", ".pdf", ".json"))
            if folder.is_dir()
            else []
        )

    @app.get("/tai")
    def download(tep: str, ten: str):
        ws.path(tep)
        folder = ws.results_folder(tep)
        if ten not in _downloads(folder):
            raise Bad("Không có tệp này; bấm “Soạn văn bản” trước")
        return FileResponse(folder / ten, filename=ten)

    @app.get("/tai-zip")
    def download_zip(tep: str):
        ws.path(tep)
        folder = ws.results_folder(tep)
        names = _downloads(folder)
        if not names:
            raise Bad("Chưa có văn bản nào; bấm “Soạn văn bản” trước")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.write(folder / name, name)
        stem = Path(tep).stem
        return Response(
            buffer.getvalue(),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{_ascii(stem)}.zip"'},
        )

    # --- units batch -------------------------------------------------------------------------------

    @app.get("/don-vi", response_class=HTMLResponse)
    def units_page(request: Request):
        return page(
            request, "don_vi.html", entries=[e for e in ws.entries() if not e.error], units_files=ws.units_files()
        )

    @app.post("/don-vi/chay", response_class=HTMLResponse)
    def units_run(request: Request, items: list = POSTED):
        form = dict(items)
        plan, units = ws.path(form.get("ke_hoach", "")), ws.path(form.get("don_vi", ""))
        job = jobs.start(plan, units, ws.state_folder("lo"), (form.get("ke_hoach", ""), form.get("don_vi", "")))
        return page(request, "_tien_do.html", job=job)

    @app.get("/don-vi/tien-do/{job_id}", response_class=HTMLResponse)
    def units_progress(request: Request, job_id: str):
        job = jobs.get(job_id)
        if job is None:
            raise Bad("Không có lượt soạn này")
        return page(request, "_tien_do.html", job=job)

    @app.get("/don-vi/tai/{job_id}/{kind}")
    def units_download(job_id: str, kind: str):
        job = jobs.get(job_id)
        if job is None or not job.finished or kind not in ("zip", "xlsx"):
            raise Bad("Chưa có tệp này")
        path = job.archive if kind == "zip" else job.workbook
        if not path.is_file():
            raise Bad("Lượt soạn không tạo được tệp này")
        return FileResponse(path, filename=path.name)

    # --- check a Word file ---------------------------------------------------------------------

    @app.get("/kiem-tra", response_class=HTMLResponse)
    def check_page(request: Request):
        return page(request, "kiem_tra.html")

    @app.post("/kiem-tra", response_class=HTMLResponse)
    def check_upload(request: Request, form=UPLOAD):
        from generator.analysis.audit import audit_document
        from generator.analysis.docread import DocumentError
        from generator.check import CheckFileError, check_document
        from generator.web.context import Context

        with uploaded(form.get("tep")) as document:
            try:
                report = check_document(document)
            except CheckFileError as exc:
                raise Bad(f"Không đọc được tệp Word: {exc}") from None
            try:
                audit = audit_document(document)
            except DocumentError as exc:
                audit, audit_error = None, str(exc)
            else:
                audit_error = None
            context = Context(document)
            layout = [(v, context.around(v.where, v.excerpt)) for v in report.violations]
            arithmetic = [(f, context.around(f.where, f.found)) for f in audit.findings] if audit else []
        return page(
            request,
            "_ket_qua_kiem_tra.html",
            name=getattr(form.get("tep"), "filename", ""),
            report=report,
            layout=layout,
            arithmetic=arithmetic,
            audit_error=audit_error,
        )

    # --- history -----------------------------------------------------------------------------------

    @app.get("/lich-su", response_class=HTMLResponse)
    def history(request: Request, tep: str):
        ws.path(tep)
        return page(request, "lich_su.html", tep=tep, versions=ws.versions(tep), version=ws.read(tep)[2])

    @app.get("/lich-su/so-sanh", response_class=HTMLResponse)
    def history_diff(request: Request, tep: str, a: str, b: str = "hien-tai"):
        from generator.compute.solieu import diff_plans
        from generator.model.loader import load_plan

        def load(version: str):
            return load_plan(ws.path(tep) if version == "hien-tai" else ws.version_path(tep, version))

        try:
            lines = diff_plans(load(a), load(b))
        except PlanError as exc:
            return notice(request, 422, "loi", "Không so sánh được:", exc.problems)
        return page(request, "_so_sanh.html", lines=lines, a=a, b=b)

    @app.post("/lich-su/khoi-phuc", response_class=HTMLResponse)
    def restore(request: Request, tep: str, items: list = POSTED):
        form = dict(items)
        old = ws.version_path(tep, form.get("ban", ""))
        try:
            ws.save(tep, old.read_text(encoding="utf-8"), form.get("_phien_ban", ""))
        except SaveConflict:
            return notice(request, 409, "loi", "Tệp vừa thay đổi trên đĩa; tải lại trang lịch sử rồi khôi phục lại.")
        return notice(
            request, 200, "ok", f"Đã khôi phục phiên bản {form.get('ban')}; bản trước đó được giữ trong lịch sử."
        )

    # --- login (only when served beyond this computer) ------------------------------------------

    @app.get(LOGIN, response_class=HTMLResponse)
    def login_page(request: Request):
        return page(request, "dang_nhap.html", failed=False)

    @app.post(LOGIN, response_class=HTMLResponse)
    async def login(request: Request):
        form = await request.form(max_files=0, max_fields=5)
        if not guard.password_ok(str(form.get("mat_khau", ""))):
            await asyncio.sleep(0.5)  # slows guessing
            return page(request, "dang_nhap.html", 401, failed=True)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(AUTH_COOKIE, guard.session, httponly=True, samesite="strict")
        return response

    return app


# --- helpers ----------------------------------------------------------------------------------------


async def posted_upload(request: Request):
    return await request.form(max_files=1, max_fields=10)


async def form_items(request: Request) -> list[tuple[str, str]]:
    """The text fields of a posted form; an urlencoded body (what htmx sends) is read with the
    standard library, twice as fast as the general multipart parser for a whole plan."""
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = await request.body()
        try:
            return parse_qsl(
                body.decode("ascii"),
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=forms.MAX_ITEMS * 20,
            )
        except (UnicodeDecodeError, ValueError):
            raise Bad("Dữ liệu gửi lên không đọc được (không phải biểu mẫu UTF-8)") from None
    form = await request.form(max_files=2, max_fields=forms.MAX_ITEMS * 20, max_part_size=MAX_UPLOAD)
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


#: The posted form, read on the event loop; the action then runs in a worker thread (a preview or a
#: build never holds up the figures of another tab).
POSTED, UPLOAD = Depends(form_items), Depends(posted_upload)


class uploaded:
    """An uploaded .docx (at most MAX_UPLOAD bytes) in a private temporary file, removed afterwards."""

    def __init__(self, upload: object):
        if upload is None or isinstance(upload, str) or not getattr(upload, "filename", None):
            raise Bad("Hãy chọn một tệp Word (.docx)")
        if not upload.filename.lower().endswith(".docx"):
            raise Bad(f"Chỉ nhận tệp Word .docx; tệp đã chọn: {Path(upload.filename).name[:80]}")
        self.upload = upload
        self.folder: Path | None = None

    def __enter__(self) -> Path:
        self.folder = Path(tempfile.mkdtemp(prefix="vanban-tai-len-"))
        target = self.folder / "tai-len.docx"
        size = 0
        source = self.upload.file
        source.seek(0)
        with target.open("wb") as out:
            while chunk := source.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise Bad(f"Tệp quá lớn: tối đa {MAX_UPLOAD // (1024 * 1024)} MB")
                out.write(chunk)
        _check_zip(target)
        return target

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


MAX_UNZIPPED, MAX_ENTRIES = 200 * 1024 * 1024, 5000


def _check_zip(path: Path) -> None:
    """A .docx is a zip: refuse what is not one, or what would unpack to more than MAX_UNZIPPED
    (Python's zipfile never reads past an entry's declared size, so the declared sizes bound it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Bad("Tệp không phải tệp Word .docx (không mở được như một tệp nén .docx)") from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNZIPPED:
        raise Bad(
            f"Tệp Word giải nén ra quá lớn (tối đa {MAX_UNZIPPED // (1024 * 1024)} MB): có thể là tệp độc hại, không đọc"
        )


def _items_of(data: object, prefix: str = forms.PREFIX.rstrip(".")) -> list[tuple[str, str]]:
    """The form fields that show `data` (what the browser would send for it)."""
    out: list[tuple[str, str]] = []

    def walk(view: dict) -> None:
        kind = view["t"]
        if kind == "field":
            if view["present"] or view["value"]:
                out.append((view["name"], view["value"]))
        elif kind == "group":
            if view["present"]:
                for child in view["children"]:
                    walk(child)
        elif kind in ("lines", "pairs"):
            out.append((view["name"] + (f".{forms.LINES}" if kind == "lines" else f".{forms.PAIRS}"), view["value"]))
        elif kind == "block":
            out.extend([(f"{view['name']}.{forms.KIND}", view["kind"]), (f"{view['name']}.{forms.TEXT}", view["text"])])
        elif kind in ("blocks", "cards"):
            for item in view["entries"]:
                out.append((f"{item['name']}.{forms.ORIGIN}", _origin_text(item.get("origin"))))
                walk(item)
        elif kind == "grid":
            for row in view["rows"]:
                out.append(
                    (
                        forms.PREFIX + ".".join(map(str, row["path"])) + f".{forms.ORIGIN}",
                        _origin_text(row.get("origin")),
                    )
                )
                for cell in row["cells"]:
                    walk(cell)

    for section in forms.form_view(data):
        walk(section)
    return out


def compute_located(loaded):
    """generator.build.compute_loaded, imported when first needed (it brings the renderer with it)."""
    from generator.build import compute_loaded

    return compute_loaded(loaded)


def _errors(problems) -> list[dict]:
    return [
        {"id": forms.dom_id(p.path), "message": p.message, "full": str(p)} for p in list(problems)[:MAX_ERRORS_SHOWN]
    ]


def _origin_text(origin: object) -> str:
    return "" if origin is None else str(origin)


def _path(text: str) -> DataPath:
    steps = [int(s) if s.isdigit() else s for s in (text or "").split(".") if s]
    if not steps or any(isinstance(s, str) and not re.fullmatch(r"[a-z][a-z0-9_]*", s) for s in steps):
        raise forms.FormError("đường dẫn không hợp lệ")
    return tuple(steps)


def _yaml_of(data: dict) -> str:
    from ruamel.yaml import YAML

    out = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.dump(forms.plain(data), out)
    return out.getvalue()


def _ascii(text: str) -> str:
    from generator.units.unitsfile import slug

    return slug(text) or "van-ban"
