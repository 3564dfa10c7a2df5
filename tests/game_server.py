"""Helpers for the game tests: a game server in a thread or in its own process (waitress,
as ``crmsim game serve`` runs it), and form posts as a browser sends them (with the
session cookie and the CSRF token of the page)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

#: the instructor key of every test server
KEY = "test-instructor-key-0123"


@contextlib.contextmanager
def server_thread(db: str, key: str = KEY):
    """The web app on ``db`` served by Werkzeug's threaded server in a thread; yields its
    base URL."""
    from werkzeug.serving import make_server

    from crmsim.game.web import create_app

    server = make_server("127.0.0.1", 0, create_app(db, instructor_key=key), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server_process(db: str, port: int, *args: str, key: str = KEY) -> subprocess.Popen:
    """``crmsim game serve`` (waitress) in its own process; returns once it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "crmsim.cli", "game", "serve", "--db", db,
                             "--port", str(port), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", "CRMSIM_GAME_KEY": key})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the game server did not start within 60 s")


def kill(proc: subprocess.Popen) -> None:
    """Stop a server process the hard way (SIGKILL: no clean-up runs)."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stderr.close()


class Browser:
    """What a browser keeps between requests: its cookies (the session holds the CSRF
    token)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, url, data: bytes | None = None, headers=None,
                timeout: float = 120) -> tuple[int, str]:
        req = urllib.request.Request(url, data=data, headers=headers or {},
                                     method="GET" if data is None else "POST")
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def get(self, url, timeout: float = 120) -> tuple[int, str]:
        return self.request(url, timeout=timeout)

    def csrf(self, url: str) -> str:
        """The CSRF token of the page at ``url`` (its first form's)."""
        status, body = self.get(url)
        found = re.search(r'name="csrf_token" value="([^"]+)"', body)
        assert found, f"no CSRF token on {url} ({status})"
        return found.group(1)

    def post(self, url, data: dict, timeout: float = 120) -> tuple[int, str]:
        return self.request(url, urllib.parse.urlencode(data).encode(), timeout=timeout)


def origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def post(url: str, data: dict, timeout: float = 120) -> tuple[int, str]:
    """POST a form as a browser does after loading the start page (session cookie and
    its CSRF token); returns (status, body)."""
    browser = Browser()
    token = browser.csrf(origin(url) + "/")
    return browser.post(url, {"csrf_token": token, **data}, timeout=timeout)


def forged_post(url: str, data: dict, timeout: float = 120) -> tuple[int, str]:
    """POST a form as another site would make a browser send it: no CSRF token."""
    return Browser().post(url, data, timeout=timeout)


def post_json(url: str, body, timeout: float = 120) -> tuple[int, dict | str]:
    """POST a JSON body (``body``: an object, or bytes sent as they are)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, text = Browser().request(url, raw, {"Content-Type": "application/json"},
                                     timeout=timeout)
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text
