"""Headless Chromium (Debian's ``/usr/bin/chromium``) driven by Playwright, for browser tests.

Use the ``page`` fixture from :func:`chromium_page`; tests are skipped (with the reason) when
Chromium or Playwright is missing, which ``.ci/run`` prevents by installing both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def chromium_page(viewport=(1280, 900), locale="en-US", env=None):
    """Yield a Playwright page in a fresh headless Chromium profile; closes everything after.

    ``env`` adds environment variables for the browser (``FONTCONFIG_FILE``, say)."""
    exe = chromium_path()
    if exe is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with tempfile.TemporaryDirectory(prefix="crmsim-chromium-") as profile, \
            sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            profile, executable_path=exe, args=CHROMIUM_FLAGS, headless=True,
            viewport={"width": viewport[0], "height": viewport[1]}, locale=locale,
            env={**os.environ, **env} if env else None)
        try:
            yield browser.new_page()
        finally:
            browser.close()


# Every font of this machine except those that cover Chinese: a reader with no Chinese font.
NO_CHINESE_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><pattern>
    <patelt name="lang"><string>zh-cn</string></patelt>
  </pattern></rejectfont></selectfont>
</fontconfig>
"""
# the characters the site's web font serves (its unicode-range in site/_static/crmsim.css)
CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def cjk_count(text: str) -> int:
    return sum(any(lo <= ord(c) <= hi for lo, hi in CJK_RANGES) for c in text)


def text_elements(node: dict):
    """(nodeId, own text) of every element of a CDP DOM tree with text directly inside."""
    own = "".join(c.get("nodeValue", "") for c in node.get("children", ())
                  if c["nodeType"] == 3)
    if node["nodeType"] == 1 and own.strip():
        yield node["nodeId"], own
    for child in node.get("children", ()):
        if child.get("nodeName") not in ("SCRIPT", "STYLE", "TEMPLATE"):
            yield from text_elements(child)


def chinese_not_in_web_font(page) -> tuple[int, list[str]]:
    """(elements with Chinese checked, those whose Chinese characters are not all drawn with
    a web font) on the current page: with :data:`NO_CHINESE_FONTS`, a character no web font
    draws is a box."""
    page.evaluate("document.fonts.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": False})["root"]
    checked, missing = 0, []
    for node_id, text in text_elements(root):
        need = cjk_count(text)
        if not need:
            continue
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
        if not fonts:  # not rendered (a collapsed menu, say)
            continue
        checked += 1
        drawn = sum(f["glyphCount"] for f in fonts if f["isCustomFont"])
        if drawn < need:
            missing.append(f"{text.strip()[:30]!r} drawn with {[f['familyName'] for f in fonts]}")
    cdp.detach()
    return checked, missing
