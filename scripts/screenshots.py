"""Render the workbench's 总览, an editor and 生成 of the sample applicant at 1366×768 → docs/images/*.png.

    .venv/bin/python scripts/screenshots.py            # needs Debian's chromium (/usr/bin/chromium)

Runs the real server on a copy of data_samples/demo and drives the same headless
Chromium the browser tests use (Playwright with ``executable_path``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("SKILLDOC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    from skilldoc.ui.server import BackgroundServer

    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "示范技工学校申报"
        shutil.copytree(ROOT / "data_samples" / "demo", folder)
        with BackgroundServer(folder, token="screenshots", config_dir=Path(tmp) / "config") as srv, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page.goto(f"{srv.base}/?token={srv.token}")
            page.wait_for_selector("#word-chart")
            page.screenshot(path=str(out / "ui-overview.png"))
            page.goto(f"{srv.base}/section/3")
            page.wait_for_selector("#preview p")
            page.screenshot(path=str(out / "ui-editor.png"))
            page.goto(f"{srv.base}/build")
            page.click("#build-button")
            page.wait_for_selector("#job[data-running=no]", timeout=120_000)
            page.screenshot(path=str(out / "ui-build.png"))
            page.goto(f"{srv.base}/evidence")
            page.screenshot(path=str(out / "ui-evidence.png"))
            page.goto(f"{srv.base}/start")
            page.screenshot(path=str(out / "ui-start.png"))
            browser.close()
    from PIL import Image

    for name in sorted(out.glob("ui-*.png")):
        with Image.open(name) as im:  # 256 colours: a third of the size, text stays crisp
            small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(name, optimize=True)
        print(f"{name.relative_to(ROOT)}  {name.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
