"""The browser harness works: Chromium renders a local page and Playwright reads and clicks it."""

import http.server
import threading

from tests.browser import chromium_page


def test_chromium_renders_and_clicks_a_local_page(tmp_path):
    (tmp_path / "index.html").write_text(
        "<html><head><meta charset=\"utf-8\"></head><body><h1>客户关系管理</h1>"
        "<button onclick=\"document.title='clicked'\">go"
        "</button></body></html>", encoding="utf-8")
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with chromium_page() as page:
            page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
            assert page.inner_text("h1") == "客户关系管理"
            page.click("button")
            assert page.title() == "clicked"
    finally:
        server.shutdown()
