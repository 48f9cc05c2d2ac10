"""`make lab` starts JupyterLab for a self-learner (as root too), and nbgrader's menus find the course."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from course import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode()


def test_make_lab_starts_and_the_assignment_list_finds_the_course():
    port = _free_port()
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token=t --ServerApp.open_browser=False"
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        status = None
        for _ in range(120):  # up to a minute for the server to start
            try:
                status, _ = _get(f"http://127.0.0.1:{port}/api/status?token=t")
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert status == 200, f"JupyterLab did not start: {proc.stdout.read() if proc.poll() is not None else ''}"
        status, body = _get(f"http://127.0.0.1:{port}/courses?token=t")  # what the Assignment List asks first
        reply = json.loads(body)
        assert reply.get("success") is True, f"the nbgrader course list fails: {reply}"
        assert isinstance(reply.get("value"), list), reply  # empty until an instructor releases to the exchange
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
