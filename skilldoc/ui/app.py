"""The workbench's ASGI app (Starlette): each view parses the request, calls the library, renders a page.

Pages: 开始 (/start), 总览 (/overview), 正文 (/section/N), 证明材料 (/evidence), 生成 (/build).
JSON endpoints under /api/ serve the few things the pages' small script does
(poll for changes, live preview, save, upload, build progress).  Every request
passes :class:`~skilldoc.ui.security.TokenGuard` first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import __version__, api, form, limits
from ..errors import Problem, Severity, SkilldocError
from . import html
from .security import LOCAL_HOSTS, OutsideFolder, TokenGuard, free_name, inside, safe_filename
from .state import BuildRunning, RecentFolders, Workbench

HERE = Path(__file__).parent
OUTPUT_FILES = (form.LAYOUT.docx_name, form.LAYOUT.evidence_pdf_name, "申报书.pdf", "申报材料.pdf")
# Shown in the browser; anything else (an .html among the evidence, say) is only downloaded, never run
INLINE_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                ".gif": "image/gif", ".bmp": "image/bmp", ".txt": "text/plain; charset=utf-8"}
_NEW_HERE = "请检查位置是否写对；还没有申报文件夹时，用本页的“新建申报”创建"
# Chinese for the errors Starlette raises with only its English phrase (a mistyped address, a wrong method)
_PLAIN_ERRORS = {404: "没有这个页面：地址可能输错了，请从上方菜单进入", 405: "这个地址不接受这种请求"}
POLL_MS = 1000  # how often pages ask whether a file changed (the 总览 must update within 2 s)


def create_app(folder: Path | None = None, *, token: str, allowed_hosts: set[str] | None = None,
               config_dir: Path | None = None) -> Starlette:
    """The ASGI app for one user; ``folder``: the applicant folder to open first."""
    bench = Workbench(recent=RecentFolders(config_dir))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(sections=form.SECTIONS, version=__version__, poll_ms=POLL_MS,
                                 limit=form.SECTIONS[0].limit)
    templates.env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n

    def page(request: Request, name: str, **context: Any) -> Response:
        context.setdefault("folder", bench.folder)
        context.setdefault("building", bench.building)
        status = context.pop("status_code", 200)
        return templates.TemplateResponse(request, name, context, status_code=status,
                                          headers={"cache-control": "no-store"})

    def need_folder() -> Path:
        if bench.folder is None:
            raise HTTPException(303, headers={"location": "/start"})
        return bench.folder

    # --- 开始 ---------------------------------------------------------------------

    async def home(request: Request) -> Response:
        return RedirectResponse("/overview" if bench.folder else "/start", 303)

    async def start(request: Request, problems: list[Problem] | None = None, form_values: dict[str, str] | None = None,
                    status: int = 200) -> Response:
        recent = [p for p in bench.recent.load() if p.is_dir()]
        return page(request, "start.html", recent=recent, problems=[html.problem_view(p) for p in problems or []],
                    values=form_values or {}, this_year=dt.date.today().year, home=str(Path.home()),
                    status_code=status)

    async def open_folder(request: Request) -> Response:
        values = await _form(request)
        path = values.get("folder", "").strip().strip('"')
        if not path:
            return await start(request, [Problem("请填写申报文件夹的位置", None, "例如 D:\\申报\\2025", code="ui.folder")],
                               values, 400)
        try:
            await run_in_threadpool(bench.open, Path(path).expanduser())
        except SkilldocError as exc:
            # the library's hints name `skilldoc init`: here the clerk uses the page's 新建申报 instead
            problems = [replace(p, hint=_NEW_HERE) if p.hint and "skilldoc init" in p.hint else p
                        for p in exc.problems]
            return await start(request, problems, values, 400)
        return RedirectResponse("/overview", 303)

    async def new_folder(request: Request) -> Response:
        values = await _form(request)
        path = values.get("folder", "").strip().strip('"')
        year_text = values.get("year", "").strip()
        problems = []
        if not path:
            problems.append(Problem("请填写新申报文件夹的位置", None, "例如 D:\\申报\\2025（文件夹不存在时会新建）",
                                    code="ui.folder"))
        try:
            year = int(year_text) if year_text else None
        except ValueError:
            problems.append(Problem(f"填报年份“{year_text}”不是四位数年份", None, "例如 2025", code="ui.year"))
            year = None
        if problems:
            return await start(request, problems, values, 400)
        try:
            result = await run_in_threadpool(api.init, Path(path).expanduser(), year=year)
            await run_in_threadpool(bench.open, result.root)
        except SkilldocError as exc:
            problems = exc.problems
            if any(p.code == "init.exists" for p in problems):  # one message, not one per existing file
                problems = [Problem("这个文件夹里已存在申报材料（如 申报数据.xlsx），未做任何修改", None,
                                    "要继续填写它，请在右边“打开申报文件夹”中打开；要新建，请换一个文件夹名",
                                    code="init.exists")]
            return await start(request, problems, values, 400)
        return RedirectResponse("/overview", 303)

    # --- 总览 ---------------------------------------------------------------------

    def overview_context() -> dict[str, Any]:
        ov = bench.overview()
        report = ov.report
        sections = []
        if report is not None:
            for sc in report.sections:
                sections.append({"number": sc.section.number, "title": sc.section.title,
                                 "words": sc.counts.words, "limit": sc.limit, "status": sc.status,
                                 "over": sc.over, "percent": min(100.0, sc.counts.words * 100 / sc.limit / 1.2)})
        thresholds = []
        if report is not None:
            previous: tuple[str, ...] = ()
            for t in report.thresholds:
                thresholds.append({"article": t.article, "requirement": t.requirement or t.rule,
                                   "actual": t.actual, "passed": t.passed,
                                   "warning_only": t.severity is not Severity.ERROR,
                                   "details": t.details if t.details != previous else ()})
                previous = t.details
        return {"ov": ov, "sections_count": sections, "thresholds": thresholds,
                "groups": html.grouped(ov.findings), "n_errors": len(ov.errors), "n_warnings": len(ov.warnings),
                # the next step names only the places that hold errors (a template typo is not fixed in Excel)
                "only_template_errors": bool(ov.errors) and all(
                    html.section_number_of(p) is not None for p in ov.errors),
                "passed": sum(1 for t in report.thresholds if t.passed) if report else 0,
                "n_thresholds": len(report.thresholds) if report else 0,
                "standards": "；".join(title for _, title in report.standards) if report else "",
                "evidence": ov.evidence, "limit_marker": 100 / 1.2}

    async def overview_page(request: Request) -> Response:
        need_folder()
        ctx = await run_in_threadpool(overview_context)
        return page(request, "overview.html", **ctx)

    async def overview_body(request: Request) -> Response:
        need_folder()
        ctx = await run_in_threadpool(overview_context)
        return page(request, "_overview_body.html", **ctx)

    async def version(request: Request) -> Response:
        if bench.folder is None:
            return JSONResponse({"version": None, "building": False})
        v = await run_in_threadpool(bench.version)
        return JSONResponse({"version": v, "building": bench.building}, headers={"cache-control": "no-store"})

    # --- 正文 ---------------------------------------------------------------------

    async def section_page(request: Request) -> Response:
        root = need_folder()
        number = _section_number(request.path_params["number"])
        word = api_word_section(root, number)
        try:
            current = await run_in_threadpool(api.read_section, root, number)
        except SkilldocError as exc:
            return page(request, "error.html", title="无法打开正文", problems=[html.problem_view(p) for p in exc.problems],
                        status_code=400)
        ov = await run_in_threadpool(bench.overview, fresh=False)
        preview = await run_in_threadpool(api.preview_section, root, number, current.text, basis=ov)
        values = await run_in_threadpool(api.context_values, ov)
        line = request.query_params.get("line", "")
        return page(request, "section.html", number=number, current=current, preview=_preview_json(preview),
                    values=values, word=word,
                    evidence=[{"code": e.code, "title": e.title, "page_range": e.page_range,
                               "insert": f'{{{{ 证明("{e.code}") }}}}'} for e in ov.evidence],
                    rel_path=_relative(root, current.path), line=int(line) if line.isdigit() else 0)

    async def preview(request: Request) -> Response:
        root = need_folder()
        data = await _json(request)
        number = _section_number(str(data.get("number", "")))
        text = data.get("text")
        if not isinstance(text, str):
            raise HTTPException(400, "缺少正文")
        ov = await run_in_threadpool(bench.overview, fresh=False)
        result = await run_in_threadpool(api.preview_section, root, number, text, basis=ov)
        return JSONResponse(_preview_json(result))

    async def save(request: Request) -> Response:
        root = need_folder()
        data = await _json(request)
        number = _section_number(str(data.get("number", "")))
        text, base = data.get("text"), data.get("base_version")
        if not isinstance(text, str) or not (base is None or isinstance(base, str)):
            raise HTTPException(400, "请求格式不对")
        if api_word_section(root, number) is not None and not (root / form.LAYOUT.sections_dir
                                                                / form.SECTIONS[number - 1].filename).exists():
            raise HTTPException(409, "这一部分用 Word 文件编写，请在 Word 中编辑")
        try:
            result = await run_in_threadpool(lambda: api.save_section(root, number, text, base_version=base))
        except SkilldocError as exc:
            return JSONResponse({"saved": False, "error": exc.summary,
                                 "problems": [html.problem_view(p) for p in exc.problems]}, 400)
        return JSONResponse({"saved": result.saved, "version": result.version,
                             "backup": _relative(root, result.backup) if result.backup else None,
                             "disk_text": result.disk_text, "path": _relative(root, result.path)},
                            200 if result.saved else 409)

    # --- 证明材料 ------------------------------------------------------------------

    async def evidence_page(request: Request) -> Response:
        need_folder()
        ov = await run_in_threadpool(bench.overview)
        return page(request, "evidence.html", ov=ov, columns=[c.label for c in form.EVIDENCE_COLUMNS],
                    evidence_dir=form.LAYOUT.evidence_dir, upload_mb=limits.WORKBENCH_UPLOAD_BYTES // limits.MiB)

    async def evidence_body(request: Request) -> Response:
        need_folder()
        ov = await run_in_threadpool(bench.overview)
        return page(request, "_evidence_body.html", ov=ov, columns=[c.label for c in form.EVIDENCE_COLUMNS])

    async def upload(request: Request) -> Response:
        root = need_folder()
        raw_name = unquote(request.headers.get("x-file-name", ""))
        name = safe_filename(raw_name)
        declared = request.headers.get("content-length")
        too_big = f"文件超过 {limits.WORKBENCH_UPLOAD_BYTES // limits.MiB} MB，未上传"
        if declared and declared.isdigit() and int(declared) > limits.WORKBENCH_UPLOAD_BYTES:
            return JSONResponse({"ok": False, "error": too_big, "name": raw_name}, 413)
        target_dir = root / form.LAYOUT.evidence_dir
        target_dir.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=target_dir)
        size = 0
        try:
            with os.fdopen(fd, "wb") as fh:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limits.WORKBENCH_UPLOAD_BYTES:
                        raise _TooBig
                    fh.write(chunk)
            target = free_name(target_dir, name)
            os.replace(tmp, target)
        except _TooBig:
            return JSONResponse({"ok": False, "error": too_big, "name": raw_name}, 413)
        finally:
            Path(tmp).unlink(missing_ok=True)  # gone already when it was moved into place
        return JSONResponse({"ok": True, "name": raw_name, "saved_as": _relative(root, target), "size": size})

    # --- 生成 ---------------------------------------------------------------------

    async def build_page(request: Request) -> Response:
        root = need_folder()
        return page(request, "build.html", job=_job_view(bench, root), outputs=_outputs(root),
                    soffice=await run_in_threadpool(_has_soffice))

    async def build_start(request: Request) -> Response:
        root = need_folder()
        data = await _json(request)
        options = {k: bool(data.get(k)) for k in ("pdf", "duplex", "odd_items", "force")}
        try:
            bench.start_build(options)
        except BuildRunning:
            return JSONResponse({"ok": False, "error": "正在生成，请等这一次完成后再试。"}, 409)
        return JSONResponse({"ok": True, "job": _job_view(bench, root)}, 202)

    async def build_status(request: Request) -> Response:
        root = need_folder()
        job = _job_view(bench, root)
        body = templates.get_template("_build_status.html").render(job=job, outputs=_outputs(root))
        return JSONResponse({"job": job, "html": body}, headers={"cache-control": "no-store"})

    # --- files --------------------------------------------------------------------

    async def files(request: Request) -> Response:
        root = need_folder()
        try:
            path = inside(root, request.path_params["path"])
        except OutsideFolder:
            raise HTTPException(403, "只能打开申报文件夹里的文件") from None
        try:
            kind = limits.file_kind(path)
        except OSError:
            raise HTTPException(404, "文件不存在") from None
        if kind is not None:
            raise HTTPException(403, f"这不是普通文件（{kind}）")
        download = request.query_params.get("download") == "1"
        inline = not download and path.suffix.lower() in INLINE_TYPES
        headers = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
        return FileResponse(path, filename=path.name, headers=headers,
                            media_type=INLINE_TYPES.get(path.suffix.lower(), "application/octet-stream"),
                            content_disposition_type="inline" if inline else "attachment")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code in (301, 302, 303, 307) and exc.headers:
            return Response(status_code=exc.status_code, headers=exc.headers)
        detail = exc.detail
        if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's own English ("Not Found")
            detail = _PLAIN_ERRORS.get(exc.status_code, "请求出错")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"ok": False, "error": detail}, exc.status_code)
        return page(request, "error.html", title=f"{exc.status_code}", message=detail, problems=[],
                    status_code=exc.status_code)

    async def library_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SkilldocError)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"ok": False, "error": exc.summary,
                                 "problems": [html.problem_view(p) for p in exc.problems]}, 400)
        return page(request, "error.html", title=exc.summary, message="",
                    problems=[html.problem_view(p) for p in exc.problems], status_code=400)

    routes = [
        Route("/", home),
        Route("/start", start),
        Route("/open", open_folder, methods=["POST"]),
        Route("/new", new_folder, methods=["POST"]),
        Route("/overview", overview_page),
        Route("/overview/body", overview_body),
        Route("/section/{number}", section_page),
        Route("/evidence", evidence_page),
        Route("/evidence/body", evidence_body),
        Route("/build", build_page),
        Route("/files/{path:path}", files),
        Route("/api/version", version),
        Route("/api/preview", preview, methods=["POST"]),
        Route("/api/save", save, methods=["POST"]),
        Route("/api/upload", upload, methods=["POST"]),
        Route("/api/build", build_status, methods=["GET"]),
        Route("/api/build", build_start, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, SkilldocError: library_error})
    if folder is not None:
        bench.open(folder)
    app.state.workbench = bench
    app.add_middleware(TokenGuard, token=token, allowed_hosts=allowed_hosts or LOCAL_HOSTS)  # type: ignore[arg-type]
    return app


class _TooBig(Exception):
    pass


def api_word_section(root: Path, number: int) -> Path | None:
    from ..workspace import word_section

    return word_section(root, number)


def _section_number(text: str) -> int:
    if not text.isdigit() or not any(s.number == int(text) for s in form.SECTIONS):
        raise HTTPException(404, "没有这一部分（正文共八个部分，1—8）")
    return int(text)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form body (small; no multipart parser needed)."""
    body = await _body(request, 64 * 1024)
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def _json(request: Request) -> dict[str, Any]:
    body = await _body(request, limits.WORKBENCH_JSON_BYTES)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "请求格式不对（不是 JSON）") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "请求格式不对")
    return data


async def _body(request: Request, cap: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise HTTPException(413, "请求太大")
        chunks.append(chunk)
    return b"".join(chunks)


def _preview_json(p: Any) -> dict[str, Any]:
    return {
        "number": p.number, "title": p.title, "status": p.status, "limit": p.limit,
        "words": p.counts.words if p.counts else None,
        "chars": p.counts.chars_no_spaces if p.counts else None,
        "han": p.counts.han if p.counts else None,
        "html": html.blocks_html(p.blocks),
        "problems": [html.problem_view(x) for x in p.problems],
        "cited": list(p.cited),
    }


def _outputs(root: Path) -> list[dict[str, Any]]:
    out_dir = root / form.LAYOUT.output_dir
    result = []
    for name in OUTPUT_FILES:
        path = out_dir / name
        if path.is_file():
            stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            result.append({"name": name, "href": f"/files/{form.LAYOUT.output_dir}/{name}", "size": html.file_size(path),
                           "time": stamp, "pdf": name.endswith(".pdf")})
    return result


def _job_view(bench: Workbench, root: Path) -> dict[str, Any] | None:
    job = bench.job
    if job is None:
        return None
    return {
        "number": job.number, "running": job.running, "ok": job.ok, "summary": job.summary,
        "seconds": round(job.seconds, 1), "options": job.options,
        "steps": [{"label": s.label, "total": s.total, "done": min(s.done, s.total) if s.total else 0,
                   "finished": s.finished} for s in job.steps],
        "details": {k: str(v) for k, v in job.details.items()},
        "groups": html.grouped([p for p in job.problems if p.severity is Severity.ERROR]) if not job.ok else [],
        "warnings": [html.problem_view(p) for p in job.problems if p.severity is not Severity.ERROR],
    }


def _has_soffice() -> bool:
    from ..office import find_soffice

    return find_soffice() is not None


__all__ = ["create_app"]
