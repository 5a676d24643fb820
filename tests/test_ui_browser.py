"""The workbench in a real browser: Debian's Chromium driven by Playwright, the real server on a free port.

CI installs ``chromium`` (scripts/install-system-deps.sh --test) and the ``playwright`` package (test extra);
Playwright's own browser download is not used.  These tests do not skip: a missing Chromium fails them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from skilldoc.ui.server import BackgroundServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = os.environ.get("SKILLDOC_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is required: run scripts/install-system-deps.sh --test"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(sample_dir: Path, tmp_path: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(sample_dir, token=TOKEN, config_dir=tmp_path / "config") as srv:
        yield srv


@pytest.fixture
def page(browser, server: BackgroundServer) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _open(page, server: BackgroundServer, path: str = "/") -> None:
    page.goto(f"{server.base}{path}{'&' if '?' in path else '?'}token={TOKEN}")


def test_new_applicant_from_the_start_page(browser, tmp_path: Path) -> None:
    with BackgroundServer(None, token=TOKEN, config_dir=tmp_path / "config") as srv:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{srv.base}/?token={TOKEN}")
        assert page.url.endswith("/start")
        target = tmp_path / "我的申报"
        page.fill("#new-folder", str(target))
        page.fill("#new-year", "2024")
        page.click("#new-form button[type=submit]")
        page.wait_for_url("**/overview")
        page.wait_for_selector("#summary")
        assert "检查结果" in page.inner_text("#summary")
        assert (target / "申报数据.xlsx").is_file()
        assert len(list((target / "sections").glob("*.md"))) == 8
        page.goto(f"{srv.base}/start")
        assert str(target.resolve()) in page.inner_text(".recent")  # remembered for next time
        context.close()


def test_sample_counts_equal_check_json(page, server: BackgroundServer, sample_dir: Path, runner) -> None:
    from skilldoc.cli import cli

    expected = {s["number"]: s["words"] for s in
                json.loads(runner.invoke(cli, ["check", str(sample_dir), "--format", "json"]).output)["sections"]}
    _open(page, server)
    page.wait_for_selector("#word-chart")
    rows = page.query_selector_all("#word-chart .bar-row")
    shown = {int(r.get_attribute("data-number")): r.inner_text() for r in rows}
    assert len(shown) == 8
    for number, words in expected.items():
        assert f"{words:,} / 3,000 字" in shown[number]


def test_workbook_saved_on_disk_updates_overview_without_reload(page, server: BackgroundServer,
                                                                sample_dir: Path) -> None:
    import openpyxl

    _open(page, server)
    page.wait_for_selector("#thresholds")
    assert "2350 人次（2021年）" in page.inner_text("#thresholds")
    page.evaluate("window.__notReloaded = true")
    wb = openpyxl.load_workbook(sample_dir / "申报数据.xlsx")
    ws = wb["培训总量"]
    next(c for row in ws.iter_rows() for c in row if c.value == "2,350").value = 1500
    wb.save(sample_dir / "申报数据.xlsx")
    saved = time.monotonic()
    page.wait_for_function("document.querySelector('#thresholds').innerText.includes('1500 人次')", timeout=20_000)
    elapsed = time.monotonic() - saved
    assert page.evaluate("window.__notReloaded") is True
    assert "未达标" in page.inner_text("#thresholds")
    print(f"总览 updated {elapsed:.2f} s after the workbook was saved")


def test_typing_changes_count_and_saving_keeps_previous_version(page, server: BackgroundServer,
                                                                sample_dir: Path) -> None:
    path = sample_dir / "sections" / "6-技能竞赛.md"
    original = path.read_text(encoding="utf-8")
    _open(page, server, "/section/6")
    before = int(page.inner_text("#count-words"))
    page.click("#text")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n新增一段话，共十个字。")
    page.wait_for_function(f"document.querySelector('#count-words').innerText !== '{before}'")
    after = int(page.inner_text("#count-words"))
    assert after == before + 11  # 10 汉字 + 1 中文标点 … counted by the server with check's rule
    assert "新增一段话" in page.inner_text("#preview")
    page.click("#save")
    page.wait_for_function("document.querySelector('#save-state').innerText.startsWith('已保存')")
    assert path.read_text(encoding="utf-8") == original + "\n\n新增一段话，共十个字。"
    history = list((sample_dir / "sections" / "历史版本").glob("6-技能竞赛 *.md"))
    assert [h.read_text(encoding="utf-8") for h in history] == [original]


def test_conflict_on_disk_lets_the_user_choose(page, server: BackgroundServer, sample_dir: Path) -> None:
    path = sample_dir / "sections" / "7-合作交流.md"
    _open(page, server, "/section/7")
    page.click("#text")
    page.keyboard.type("我的修改")
    path.write_text("别处改过的内容", encoding="utf-8")
    page.click("#save")
    page.wait_for_selector("#conflict:not([hidden])")
    assert path.read_text(encoding="utf-8") == "别处改过的内容"
    page.click("#conflict-theirs")
    assert page.input_value("#text") == "别处改过的内容"


def test_citation_from_the_panel_shows_page_range_in_preview(page, server: BackgroundServer) -> None:
    _open(page, server, "/section/2")
    page.fill("#text", "实训场所布局合理。")
    page.click("#text")
    page.keyboard.press("Control+End")
    page.fill("#insert-filter", "E06")
    page.click("#insert-evidence button:visible")
    assert page.input_value("#text") == '实训场所布局合理。{{ 证明("E06") }}'
    page.wait_for_function("document.querySelector('#preview').innerText.includes('见证明材料第9页')")


def test_template_error_shown_at_its_line_while_typing(page, server: BackgroundServer) -> None:
    _open(page, server, "/section/1")
    page.fill("#text", "第一行\n第二行\n{{ 单位名 }}")
    page.wait_for_selector("#problems .error")
    assert "第 3 行" in page.inner_text("#problems")
    assert "单位名称" in page.inner_text("#problems")  # suggests the name meant
    page.click("#problems .goto")
    assert page.evaluate("document.querySelector('#text').selectionStart") == len("第一行\n第二行\n")


def test_build_from_the_button_and_download_docx(page, server: BackgroundServer, tmp_path: Path) -> None:
    from docx import Document

    _open(page, server, "/build")
    page.click("#build-button")
    page.wait_for_selector("#job[data-running=no]", timeout=120_000)
    assert "生成完成" in page.inner_text("#job")
    with page.expect_download() as info:
        page.click("#outputs tr:has-text('申报书.docx') a.download")
    target = tmp_path / "下载的申报书.docx"
    info.value.save_as(target)
    body = Document(str(target)).element.body
    text = "".join(node.text or "" for node in body.iter() if node.tag.endswith("}t"))
    assert "浙江省示范市高级技工学校" in text and "师资队伍" in text
    pdf = page.query_selector("#outputs tr:has-text('证明材料.pdf') a[target=_blank]")
    response = page.request.get(server.base + pdf.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf" and response.body()[:5] == b"%PDF-"


def test_no_token_is_403(browser, server: BackgroundServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{server.base}/overview")
    assert response.status == 403 and "令牌" in page.inner_text("body")
    context.close()


def test_dotdot_and_symlink_paths_are_403(page, server: BackgroundServer, sample_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    (sample_dir / "证明材料" / "out.txt").symlink_to(secret)
    _open(page, server, "/start")
    for path in ("/files/..%2F..%2Fsecret.txt", "/files/..%5C..%5Csecret.txt", "/files/证明材料/out.txt"):
        response = page.goto(server.base + path)
        assert response.status == 403, path
        assert "机密" not in page.content()


def test_hostile_upload_name_lands_safely(page, server: BackgroundServer, sample_dir: Path) -> None:
    _open(page, server, "/evidence")
    page.set_input_files("#file-input", files=[
        {"name": "..\\..\\CON.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 hostile"},
    ])
    page.wait_for_selector("#upload-log li.ok")
    saved_as = re.search(r"→ (\S+)", page.inner_text("#upload-log li.ok")).group(1)
    landed = sample_dir / saved_as
    assert landed.parent == sample_dir / "证明材料" and landed.read_bytes() == b"%PDF-1.4 hostile"
    assert landed.name == "_CON.pdf"
    assert not any(p.name.endswith("CON.pdf") for p in sample_dir.parent.iterdir())
    page.wait_for_function("document.querySelector('#live').innerText.includes('_CON.pdf')", timeout=20_000)
    shutil.rmtree(sample_dir / "output", ignore_errors=True)
