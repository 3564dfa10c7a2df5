"""``crmsim jupyter-font``: JupyterLab shows a Chinese notebook with crmsim's font on a
computer without a Chinese font (checked in Chromium, every Chinese character of the
notebook's text drawn with the font; no boxes)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crmsim.cli import main
from crmsim.course.jupyterfont import BEGIN, END, install
from tests.browser import NO_CHINESE_FONTS, chinese_not_in_web_font, chromium_page

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "crmsim-test-token"


def test_install_keeps_the_rest_of_custom_css_and_runs_twice(tmp_path):
    sheet = tmp_path / "custom" / "custom.css"
    sheet.parent.mkdir()
    sheet.write_text("body { color: navy; }\n", encoding="utf-8")
    assert main(["jupyter-font", "--config-dir", str(tmp_path)]) == 0
    install(tmp_path)
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith("body { color: navy; }") and text.count(BEGIN) == 1
    assert text.count(END) == 1 and "unicode-range" in text
    assert (tmp_path / "custom" / "crmsim-cjk.otf").stat().st_size > 1_000_000
    assert json.loads((tmp_path / "jupyter_lab_config.json").read_text()) == {
        "LabApp": {"custom_css": True}}


def test_install_keeps_other_jupyterlab_settings(tmp_path):
    (tmp_path / "jupyter_lab_config.json").write_text('{"LabApp": {"news_url": ""}, '
                                                      '"ServerApp": {"port": 9999}}')
    install(tmp_path)
    assert json.loads((tmp_path / "jupyter_lab_config.json").read_text()) == {
        "LabApp": {"news_url": "", "custom_css": True}, "ServerApp": {"port": 9999}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab with the font installed in its own configuration folder, serving a copy
    of a Chinese notebook; yields its address."""
    if shutil.which("jupyter", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("JupyterLab is not installed")
    conf, nb = tmp_path / "conf", tmp_path / "nb"
    nb.mkdir()
    shutil.copy(ROOT / "notebooks" / "zh" / "01-lifecycle.ipynb", nb)
    install(conf)
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(conf),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
         f"--port={port}", "--ip=127.0.0.1", f"--ServerApp.token={TOKEN}",
         f"--ServerApp.root_dir={nb}", "--LabApp.news_url=", "--ServerApp.open_browser=False",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("JupyterLab exited at start")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start in 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_jupyterlab_shows_chinese_with_the_font(jupyterlab, tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_CHINESE_FONTS, encoding="utf-8")
    with chromium_page(env={"FONTCONFIG_FILE": str(conf)}) as page:
        page.goto(f"{jupyterlab}/lab/tree/01-lifecycle.ipynb?token={TOKEN}", wait_until="load")
        page.wait_for_selector(".jp-RenderedMarkdown h1", timeout=120_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / "jupyterlab-zh.png"))
        checked, boxes = chinese_not_in_web_font(page)
        sheet = page.evaluate("[...document.styleSheets].some(s => (s.href || '')"
                              ".includes('/custom/custom.css'))")
    assert sheet, "JupyterLab did not load custom.css"
    assert checked > 5 and boxes == [], boxes[:10]
