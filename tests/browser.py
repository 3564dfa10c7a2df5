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
