"""Helpers for the game tests: a game server in a thread or in its own process, form posts."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


@contextlib.contextmanager
def server_thread(db: str):
    """The web app on ``db`` served by Werkzeug's threaded server in a thread; yields its
    base URL."""
    from werkzeug.serving import make_server

    from crmsim.game.web import create_app

    server = make_server("127.0.0.1", 0, create_app(db), threaded=True)
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


def start_server_process(db: str, port: int) -> subprocess.Popen:
    """``crmsim game serve`` in its own process; returns once it answers."""
    proc = subprocess.Popen([sys.executable, "-m", "crmsim.cli", "game", "serve", "--db", db,
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
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


def post(url: str, data: dict, timeout: float = 120) -> tuple[int, str]:
    """POST a form; returns (status, body)."""
    body = urllib.parse.urlencode(data).encode()
    req = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
