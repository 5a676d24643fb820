"""The workbench over HTTP, in-process (Starlette's TestClient): security, pages, editor, uploads, build."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from skilldoc import limits
from skilldoc.cli import cli
from skilldoc.ui.app import create_app
from skilldoc.ui.security import OutsideFolder, cookie_name, inside, safe_filename

TOKEN = "test-token-123"
BASE = "http://127.0.0.1:8765"
ORIGIN = {"Origin": BASE}


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def client(sample_dir: Path, config_dir: Path) -> TestClient:
    app = create_app(sample_dir, token=TOKEN, config_dir=config_dir)
    c = TestClient(app, base_url=BASE)
    c.get(f"/start?token={TOKEN}")  # the first visit sets the cookie
    return c


def anonymous(app_client: TestClient) -> TestClient:
    return TestClient(app_client.app, base_url=BASE)


# --- the token -----------------------------------------------------------------------------


def test_without_token_every_page_is_403(client: TestClient) -> None:
    bare = anonymous(client)
    for url in ("/", "/overview", "/section/1", "/evidence", "/build", "/api/version", "/static/app.js",
                "/files/申报数据.xlsx"):
        r = bare.get(url)
        assert r.status_code == 403, url
        assert "令牌" in r.text
    assert bare.post("/api/preview", json={"number": 1, "text": "x"}).status_code == 403
    assert bare.get("/overview", headers={"Cookie": f"{cookie_name(TOKEN)}=wrong"}).status_code == 403
    assert bare.get("/overview?token=wrong").status_code == 403


def test_token_in_url_becomes_a_strict_httponly_cookie(sample_dir: Path, config_dir: Path) -> None:
    c = TestClient(create_app(sample_dir, token=TOKEN, config_dir=config_dir), base_url=BASE)
    r = c.get(f"/overview?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/overview"  # the token leaves the address bar
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(TOKEN)}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert c.get("/overview").status_code == 200  # the cookie alone is enough now


def test_foreign_host_is_refused(client: TestClient) -> None:
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example
    assert client.get("/overview", headers={"Host": "evil.example:8765"}).status_code == 403


def test_state_changing_request_from_another_origin_is_refused(client: TestClient, sample_dir: Path) -> None:
    before = (sample_dir / "sections/1-申报背景.md").read_bytes()
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "http://127.0.0.1:9999"},
                    {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        r = client.post("/api/save", json={"number": 1, "text": "被篡改", "base_version": None}, headers=headers)
        assert r.status_code == 403, headers
    assert (sample_dir / "sections/1-申报背景.md").read_bytes() == before
    r = client.post("/api/preview", json={"number": 1, "text": "好"}, headers=ORIGIN)
    assert r.status_code == 200


# --- files stay inside the folder ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd", "sections/..%2F..%2Fx",
                                  "%2Fetc%2Fpasswd", "C:%5CWindows%5Cwin.ini", "%5C%5Cserver%5Cshare%5Cx",
                                  "sections%5C..%5C..%5Cx"])
def test_paths_leading_out_are_403(client: TestClient, path: str) -> None:
    assert client.get(f"/files/{path}").status_code == 403


def test_symlink_out_of_the_folder_is_403(client: TestClient, sample_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    (sample_dir / "证明材料" / "link.txt").symlink_to(secret)
    (sample_dir / "证明材料" / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    assert client.get("/files/证明材料/link.txt").status_code == 403
    assert client.get("/files/证明材料/linkdir/secret.txt").status_code == 403
    inner = sample_dir / "证明材料" / "inner.jpg"
    inner.symlink_to(sample_dir / "证明材料" / "E01-办学许可证.jpg")
    assert client.get("/files/证明材料/inner.jpg").status_code == 200  # a link that stays inside is fine


def test_files_inside_are_served_and_only_known_types_inline(client: TestClient, sample_dir: Path) -> None:
    r = client.get("/files/证明材料/E04-制造业发展规划摘录.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline")
    assert r.content == (sample_dir / "证明材料/E04-制造业发展规划摘录.pdf").read_bytes()
    (sample_dir / "证明材料" / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    r = client.get("/files/证明材料/page.html")
    assert r.headers["content-disposition"].startswith("attachment")
    assert "text/html" not in r.headers["content-type"]
    assert client.get("/files/证明材料/nothing.pdf").status_code == 404


def test_inside_and_safe_filename_units(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert inside(tmp_path, "a/b.txt") == tmp_path.resolve() / "a" / "b.txt"
    for bad in ("", "../x", "a/../../x", "/etc/passwd", "C:\\x", "\\\\srv\\share", "a\0b", "a\\..\\..\\x"):
        with pytest.raises(OutsideFolder):
            inside(tmp_path, bad)
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\boot.ini") == "boot.ini"
    assert safe_filename("CON.pdf") == "_CON.pdf"
    assert safe_filename('a<b>:c"|?*.pdf') == "a_b__c____.pdf"
    assert safe_filename(".hidden") == "hidden"
    assert safe_filename("...") == "未命名文件"
    assert safe_filename("营业执照 .pdf. ") == "营业执照 .pdf"
    assert safe_filename("x\u202egpj.exe") == "xgpj.exe"  # no right-to-left override tricks
    long = safe_filename("长" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= 200


# --- uploads ---------------------------------------------------------------------------------


def _upload(client: TestClient, name: str, data: bytes) -> dict:
    from urllib.parse import quote

    r = client.post("/api/upload", content=data, headers={**ORIGIN, "X-File-Name": quote(name)})
    return {"status": r.status_code, **r.json()}


def test_upload_with_hostile_name_lands_safely_in_evidence(client: TestClient, sample_dir: Path) -> None:
    r = _upload(client, "../../../outside.pdf", b"%PDF-1.4 test")
    assert r["status"] == 200 and r["saved_as"] == "证明材料/outside.pdf"
    assert (sample_dir / "证明材料" / "outside.pdf").read_bytes() == b"%PDF-1.4 test"
    assert not (sample_dir.parent / "outside.pdf").exists()
    r = _upload(client, "C:\\Users\\x\\NUL.jpg", b"jpeg")
    assert r["saved_as"] == "证明材料/_NUL.jpg"
    r = _upload(client, "E01-办学许可证.jpg", b"another")  # an existing name: a new one, nothing overwritten
    assert r["saved_as"] == "证明材料/E01-办学许可证 (2).jpg"
    assert (sample_dir / "证明材料" / "E01-办学许可证.jpg").read_bytes() != b"another"
    leftovers = [p.name for p in (sample_dir / "证明材料").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_upload_over_the_limit_is_refused_and_leaves_nothing(client: TestClient, sample_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "WORKBENCH_UPLOAD_BYTES", 1000)
    before = sorted(p.name for p in (sample_dir / "证明材料").iterdir())
    r = _upload(client, "big.pdf", b"x" * 5000)
    assert r["status"] == 413 and "MB" in r["error"]

    def chunks():  # no Content-Length: the stream is counted as it arrives
        for _ in range(10):
            yield b"y" * 500

    r2 = client.post("/api/upload", content=chunks(), headers={**ORIGIN, "X-File-Name": "big2.pdf"})
    assert r2.status_code == 413
    assert sorted(p.name for p in (sample_dir / "证明材料").iterdir()) == before


def test_uploaded_file_appears_as_unlisted_with_the_row_to_add(client: TestClient, sample_dir: Path) -> None:
    _upload(client, "新证书.pdf", b"%PDF-1.4")
    page = client.get("/evidence/body").text
    assert "证明材料/新证书.pdf" in page
    row = re.search(r'data-row="([^"]*新证书[^"]*)"', page)
    assert row is not None
    cells = row.group(1).replace("&#9;", "\t").split("\t")
    assert cells[1:3] == ["新证书", "证明材料/新证书.pdf"]
    assert re.fullmatch(r"E\d\d", cells[0])
    workbook = (sample_dir / "申报数据.xlsx").read_bytes()
    client.get("/evidence")
    assert (sample_dir / "申报数据.xlsx").read_bytes() == workbook  # the workbook is never written


# --- counts, preview, saving ---------------------------------------------------------------------


@pytest.mark.slow
def test_editor_counts_equal_check_json(client: TestClient, sample_dir: Path, runner) -> None:
    result = runner.invoke(cli, ["check", str(sample_dir), "--format", "json"])
    expected = {s["number"]: s["words"] for s in json.loads(result.output)["sections"]}
    assert len(expected) == 8
    for number, words in expected.items():
        page = client.get(f"/section/{number}").text
        assert f'<b id="count-words">{words}</b>' in page
        text = next((sample_dir / "sections").glob(f"{number}-*.md")).read_text(encoding="utf-8")
        r = client.post("/api/preview", json={"number": number, "text": text}, headers=ORIGIN).json()
        assert r["words"] == words
    overview = client.get("/overview/body").text
    shown = {int(n): int(w) for n, w in re.findall(r'data-number="(\d)" data-words="(\d+)"', overview)}
    assert shown == expected


def test_preview_shows_real_page_range_and_template_errors_with_lines(client: TestClient) -> None:
    r = client.post("/api/preview", json={"number": 2, "text": '场地{{ 证明("E06") }}。\n\n一、标题\n\n| a | b |\n|---|---|\n| 1 | 2 |'},
                    headers=ORIGIN).json()
    assert "（见证明材料第9页）" in r["html"]  # E06 is page 9 of the sample's 证明材料.pdf
    assert "<h2" in r["html"] and "<table" in r["html"]
    r = client.post("/api/preview", json={"number": 2, "text": "第一行\n第二行{{ 不存在的名字 }}\n"},
                    headers=ORIGIN).json()
    assert r["words"] is None and r["status"] == "error"
    assert r["problems"][0]["line"] == 2 and "不存在的名字" in r["problems"][0]["message"]
    r = client.post("/api/preview", json={"number": 2, "text": "<script>&{{ '{{' }}"}, headers=ORIGIN).json()
    assert "&lt;script&gt;&amp;{{" in r["html"]  # user text verbatim, escaped


def test_save_keeps_previous_version_and_detects_changes_on_disk(client: TestClient, sample_dir: Path) -> None:
    path = sample_dir / "sections" / "1-申报背景.md"
    original = path.read_bytes()
    page = client.get("/section/1").text
    version = re.search(r'data-version="([0-9a-f]+)"', page).group(1)
    r = client.post("/api/save", json={"number": 1, "text": "新的正文<&>{{ 单位名称 }}", "base_version": version},
                    headers=ORIGIN)
    assert r.status_code == 200 and r.json()["saved"]
    assert path.read_text(encoding="utf-8") == "新的正文<&>{{ 单位名称 }}"
    history = list((sample_dir / "sections" / "历史版本").iterdir())
    assert [h.read_bytes() for h in history] == [original]
    assert r.json()["backup"].startswith("sections/历史版本/1-申报背景 ")
    new_version = r.json()["version"]

    path.write_text("别人用记事本改过", encoding="utf-8")  # changed on disk since the editor loaded it
    r = client.post("/api/save", json={"number": 1, "text": "我的修改", "base_version": new_version}, headers=ORIGIN)
    assert r.status_code == 409 and r.json()["saved"] is False
    assert r.json()["disk_text"] == "别人用记事本改过"
    assert path.read_text(encoding="utf-8") == "别人用记事本改过"  # never overwritten silently
    r = client.post("/api/save", json={"number": 1, "text": "我的修改", "base_version": None}, headers=ORIGIN)
    assert r.status_code == 200 and path.read_text(encoding="utf-8") == "我的修改"  # the user chose to overwrite
    assert len(list((sample_dir / "sections" / "历史版本").iterdir())) == 2  # the refused save kept nothing
    # the history folder is not mistaken for a section by check
    assert not [p for p in sample_dir.glob("sections/*.md") if "历史" in p.name]


def test_save_keeps_crlf_line_endings(client: TestClient, sample_dir: Path) -> None:
    path = sample_dir / "sections" / "4-技能培训.md"
    path.write_bytes("甲\r\n乙\r\n".encode())
    client.post("/api/save", json={"number": 4, "text": "丙\n丁\n", "base_version": None}, headers=ORIGIN)
    assert path.read_bytes() == "丙\r\n丁\r\n".encode()


# --- 总览 -----------------------------------------------------------------------------------------


def test_overview_groups_problems_and_links_template_errors_to_the_editor(client: TestClient, sample_dir: Path) -> None:
    path = sample_dir / "sections" / "5-技能评价.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n{{ 未知名称 }}\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").count("\n")
    body = client.get("/overview/body").text
    assert "未知名称" in body
    assert f'href="/section/5?line={lines}"' in body
    assert "检查结果：" in body


def test_undefined_name_hint_points_at_the_insert_panel_not_the_terminal(client: TestClient, sample_dir: Path) -> None:
    path = sample_dir / "sections" / "2-工作基础.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n{{ 没有这个名字 }}\n", encoding="utf-8")
    body = client.get("/overview/body").text
    assert "没有这个名字" in body and "skilldoc vars" not in body and "“插入”栏" in body
    r = client.post("/api/preview", json={"number": 2, "text": "{{ 没有这个名字 }}"}, headers=ORIGIN)
    hints = [p["hint"] for p in r.json()["problems"]]
    assert hints and all("skilldoc vars" not in h for h in hints)


def test_a_mistyped_address_says_so_in_chinese(client: TestClient) -> None:
    for url in ("/section", "/overveiw", "/static/nope.js"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "Not Found" not in r.text and "没有这个页面" in r.text, url
    r = client.get("/api/save")  # a GET where only POST is served
    assert r.status_code == 405 and "Method Not Allowed" not in r.text


def test_overview_next_step_points_at_the_editor_when_only_a_template_is_wrong(client: TestClient,
                                                                              sample_dir: Path) -> None:
    path = sample_dir / "sections" / "2-工作基础.md"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ 主管部门 }}", "{{ 主管部们 }}", 1), encoding="utf-8")
    body = client.get("/overview/body").text
    summary = body.split('<div class="small">')[0]
    assert "主管部们" in body
    assert "Excel" not in summary  # the workbook is fine: do not send the clerk to it
    assert "在编辑器中打开" in summary


@pytest.mark.slow
def test_overview_version_changes_when_workbook_is_saved(client: TestClient, sample_dir: Path) -> None:
    import openpyxl

    v1 = client.get("/api/version").json()["version"]
    assert client.get("/api/version").json()["version"] == v1
    body = client.get("/overview/body").text
    assert "2350 人次（2021年）" in body
    wb = openpyxl.load_workbook(sample_dir / "申报数据.xlsx")
    ws = wb["培训总量"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "2,350")  # typed as text with a comma
    cell.value = 1500
    time.sleep(0.01)
    wb.save(sample_dir / "申报数据.xlsx")
    assert client.get("/api/version").json()["version"] != v1
    body = client.get("/overview/body").text
    assert "1500 人次（2021年）" in body and "未达标" in body


@pytest.mark.slow
def test_thresholds_table_has_marks_and_year_lines(client: TestClient) -> None:
    body = client.get("/overview/body").text
    table = body[body.index('id="thresholds"'):]
    for head in ("条款", "要求", "本单位", "结果"):
        assert f"<th>{head}</th>" in table
    assert "✓ 达标" in table and "2019年" in table


def test_evidence_table_on_overview(client: TestClient) -> None:
    body = client.get("/overview/body").text
    table = body[body.index('id="evidence-table"'):]
    assert "<td>E06</td>" in table and ">9</td>" in table  # E06: one page, page 9
    assert "2.工作基础" in table


# --- 开始 -----------------------------------------------------------------------------------------


def test_new_applicant_from_the_start_page_and_recent_list(tmp_path: Path, config_dir: Path) -> None:
    c = TestClient(create_app(None, token=TOKEN, config_dir=config_dir), base_url=BASE)
    assert c.get(f"/?token={TOKEN}").url.path == "/start"
    target = tmp_path / "新申报"
    r = c.post("/new", data={"folder": str(target), "year": "2024"}, headers=ORIGIN)
    assert r.status_code == 200 and r.url.path == "/overview"
    assert (target / "申报数据.xlsx").is_file() and len(list((target / "sections").glob("*.md"))) == 8
    assert json.loads((config_dir / "recent.json").read_text(encoding="utf-8")) == [str(target.resolve())]
    start = c.get("/start").text
    assert str(target.resolve()) in start
    r = c.post("/open", data={"folder": str(tmp_path / "没有这个文件夹")}, headers=ORIGIN)
    assert r.status_code == 400 and "不存在" in r.text
    r = c.post("/new", data={"folder": str(target), "year": "2024"}, headers=ORIGIN)
    assert r.status_code == 400 and "已存在" in r.text  # never overwrites an applicant folder


def test_start_page_messages_speak_of_the_page_not_the_terminal(tmp_path: Path, config_dir: Path) -> None:
    c = TestClient(create_app(None, token=TOKEN, config_dir=config_dir), base_url=BASE)
    c.get(f"/?token={TOKEN}")
    r = c.post("/open", data={"folder": str(tmp_path / "没有这个文件夹")}, headers=ORIGIN)
    assert r.status_code == 400 and "不存在" in r.text
    assert "skilldoc init" not in r.text and "新建申报" in r.text
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    r = c.post("/open", data={"folder": str(empty)}, headers=ORIGIN)
    assert r.status_code == 400 and "skilldoc init" not in r.text
    # 新建 on an applicant folder: one message pointing at 打开, not nine with editor links
    target = tmp_path / "已有"
    assert c.post("/new", data={"folder": str(target), "year": "2024"}, headers=ORIGIN).status_code == 200
    r = c.post("/new", data={"folder": str(target), "year": "2024"}, headers=ORIGIN)
    assert r.status_code == 400 and "打开申报文件夹" in r.text
    assert r.text.count('<li class="error">') == 1 and "在编辑器中打开" not in r.text
    assert (target / "申报数据.xlsx").is_file()


def test_pages_need_an_open_folder(tmp_path: Path, config_dir: Path) -> None:
    c = TestClient(create_app(None, token=TOKEN, config_dir=config_dir), base_url=BASE)
    c.get(f"/?token={TOKEN}")
    for url in ("/overview", "/section/1", "/evidence", "/build"):
        assert c.get(url).url.path == "/start"


def test_unknown_section_is_404(client: TestClient) -> None:
    assert client.get("/section/9").status_code == 404
    assert client.post("/api/preview", json={"number": 0, "text": ""}, headers=ORIGIN).status_code == 404


def test_ui_command_help(runner) -> None:
    r = runner.invoke(cli, ["ui", "-h"])
    assert r.exit_code == 0 and "启动网页工作台" in r.output and "--no-browser" in r.output
    r = runner.invoke(cli, ["ui", os.devnull])
    assert r.exit_code != 0


# --- 生成 -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_second_build_is_refused_and_failed_build_keeps_outputs(client: TestClient, sample_dir: Path) -> None:
    r1 = client.post("/api/build", json={}, headers=ORIGIN)
    r2 = client.post("/api/build", json={}, headers=ORIGIN)
    assert r1.status_code == 202
    assert r2.status_code == 409 and "正在生成" in r2.json()["error"]
    deadline = time.monotonic() + 120
    while client.get("/api/build").json()["job"]["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    job = client.get("/api/build").json()["job"]
    assert job["ok"], job
    html_done = client.get("/api/build").json()["html"]
    assert "✓ 合并证明材料" in html_done and "✓ 正在" not in html_done  # a finished step is not 正在…
    docx = sample_dir / "output" / "申报书.docx"
    before = docx.read_bytes()
    (sample_dir / "证明材料" / "E06-实训场所平面图.pdf").unlink()  # the next build must fail
    assert client.post("/api/build", json={}, headers=ORIGIN).status_code == 202
    while client.get("/api/build").json()["job"]["running"]:
        time.sleep(0.2)
    status = client.get("/api/build").json()
    assert not status["job"]["ok"] and "E06" in status["html"]
    assert "原有的生成结果没有改动" in status["html"]
    assert docx.read_bytes() == before


@pytest.mark.slow
def test_ui_command_prints_a_tokened_local_url_and_stops_on_ctrl_c(sample_dir: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    env = {**os.environ, "SKILLDOC_CONFIG_DIR": str(tmp_path / "config"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "skilldoc", "ui", str(sample_dir), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
        assert m, line
        port, token = m.groups()
        assert len(token) >= 24
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/start", timeout=30)
        assert refused.value.code == 403
        refused.value.close()
        import http.cookiejar

        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with browser.open(f"http://127.0.0.1:{port}/start?token={token}", timeout=30) as res:
            assert res.status == 200 and "打开申报文件夹" in res.read().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "工作台已停止" in out


def test_insert_panel_lists_every_vars_name_with_values_and_evidence(client: TestClient) -> None:
    from html import unescape

    from skilldoc.render import describe_context

    page = unescape(client.get("/section/1").text)
    inserts = re.findall(r'data-insert="([^"]*)"', client.get("/section/1").text)
    inserts = [unescape(i) for i in inserts]
    for entry in describe_context():
        if entry.kind == "变量":
            assert any(re.search(rf"(\{{\{{ |in ){re.escape(entry.name)}\b", i) for i in inserts), entry.name
        elif entry.kind == "过滤器":
            assert f" | {entry.name}" in inserts
    assert "{{ 单位名称 }}" in inserts and "浙江省示范市高级技工学校（虚构）" in page
    assert '{{ 证明("E06") }}' in inserts and "第9页" in page



def test_section_written_in_word_is_read_only(client: TestClient, sample_dir: Path) -> None:
    (sample_dir / "sections" / "3-师资队伍.docx").write_bytes(b"PK\x03\x04")  # only its presence matters here
    page = client.get("/section/3").text
    assert "在 Word 中编辑" in page and "3-师资队伍.docx" in page
    assert re.search(r'<textarea id="text"[^>]*readonly', page)
    assert re.search(r'<button id="save"[^>]*disabled', page)
    (sample_dir / "sections" / "3-师资队伍.md").unlink()
    r = client.post("/api/save", json={"number": 3, "text": "x", "base_version": None}, headers=ORIGIN)
    assert r.status_code == 409 and "Word" in r.json()["error"]
    assert not (sample_dir / "sections" / "3-师资队伍.md").exists()


def test_section_only_in_word_opens_read_only_with_its_text(runner, tmp_path: Path, config_dir: Path) -> None:
    # after `skilldoc init --docx` or `skilldoc import` the sections are .docx only: the editor shows
    # the Word file's text (read-only), not "无法识别文件编码"
    folder = tmp_path / "word"
    assert runner.invoke(cli, ["init", str(folder), "--docx"]).exit_code == 0
    c = TestClient(create_app(folder, token=TOKEN, config_dir=config_dir), base_url=BASE)
    c.get(f"/start?token={TOKEN}")
    r = c.get("/section/2")
    assert r.status_code == 200, r.text
    assert "无法识别文件编码" not in r.text and "在 Word 中编辑" in r.text and "2-工作基础.docx" in r.text
    assert re.search(r'<textarea id="text"[^>]*readonly[^>]*>[^<]*\S', r.text)  # the Word text is shown
    assert re.search(r'<button id="save"[^>]*disabled', r.text)


def test_overview_reports_the_same_findings_as_check(sample_dir: Path) -> None:
    """The 总览 is the check report: a GBK section and a control character warn in both, once each."""
    from skilldoc import api

    section = sample_dir / "sections" / "2-工作基础.md"
    text = section.read_text(encoding="utf-8")
    section.write_bytes((text + "\n\n补充说明\x07一段。\n").encode("gb18030"))
    report = api.check(sample_dir)
    overview = api.overview(sample_dir)
    assert overview.report is not None

    def codes(findings: list) -> list[tuple[str, str]]:
        return sorted((p.code, str(p.location)) for p in findings)

    assert codes(overview.findings) == codes(report.findings)
    assert {"section.encoding"} <= {p.code for p in overview.findings}
    assert len(overview.warnings) == len(report.warnings) >= 2
