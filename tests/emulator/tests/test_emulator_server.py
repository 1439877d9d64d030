# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server process: ready line, loopback default, concurrency, and clean exit on SIGTERM and SIGINT."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.emulator.harness import ROOT
from tests.emulator.harness import SERVER_COMMAND
from tests.emulator.harness import Emulator

READY = re.compile(r"^emulator ready http://127\.0\.0\.1:(\d+)$")


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_ready_line_then_clean_exit_on_signal_from_any_cwd(tmp_path, stop_signal):
    process = subprocess.Popen(
        [sys.executable, *SERVER_COMMAND, "--port", "0"],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline().rstrip("\n")
        ready = READY.match(line)
        assert ready, line
        assert get_json(f"http://127.0.0.1:{ready.group(1)}/_emulator/calls") == []
        process.send_signal(stop_signal)
        assert process.wait(timeout=30) == 0
        assert process.stdout.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_harness_start_and_stop_on_a_chosen_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    emulator = Emulator.start(port=port)
    try:
        assert (emulator.port, emulator.url) == (port, f"http://127.0.0.1:{port}")
        assert emulator.client("sts").get_caller_identity()["Account"] == "123456789012"
    finally:
        assert emulator.stop() == 0


def test_listens_on_loopback_only(emulator):
    assert emulator.url.startswith("http://127.0.0.1:")


def test_a_stalled_request_does_not_block_others(emulator):
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=30) as stalled:
        stalled.sendall(b"GET /_emulator/calls HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        assert isinstance(get_json(emulator.url + "/_emulator/faults"), list)


def test_env_points_subprocesses_at_the_emulator(emulator):
    env = emulator.env(base={"AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "t", "PATH": os.environ.get("PATH", "")})
    assert env["AWS_ENDPOINT_URL"] == env["AWS_URL"] == emulator.url
    assert env["AWS_ACCESS_KEY_ID"] == "AKIAEMULATOR00000000"
    assert env["AWS_SECRET_ACCESS_KEY"] == "emulator-secret-key-not-real"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    script = "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])"
    output = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "123456789012"


def test_unknown_control_endpoint_is_404(emulator):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(emulator.url + "/_emulator/nothing", timeout=30)
    assert caught.value.code == 404
