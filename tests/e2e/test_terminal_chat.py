"""The terminal chat with what people really type and press (issue 9): bad bytes, odd button
numbers, Ctrl-C; and what it prints carries no direction marks."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_console import RETROWALK, run


def run_bytes(
    args: list[str], cwd: Path, stdin: bytes, **env: str
) -> subprocess.CompletedProcess[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    return subprocess.run(RETROWALK + args, input=stdin, capture_output=True, cwd=cwd,
                          env={**clean, **env}, timeout=60)


def test_a_line_that_is_not_utf8_is_read_with_its_bad_bytes_replaced(tmp_path: Path) -> None:
    result = run_bytes(["chat"], tmp_path, b"/log 10 min caf\xe9\n/log 5 min\n")
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "Traceback" not in out + result.stderr.decode()
    assert out.count("Recorded: ") == 2
    assert "caf\ufffd" in out


def test_terminal_output_carries_no_direction_marks(tmp_path: Path) -> None:
    result = run(["chat"], tmp_path, "/log 10 min park felt steady\n")
    assert "Note: felt steady" in result.stdout
    assert not re.search("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", result.stdout)


@pytest.mark.parametrize("line", ["#²", "#٣", "#0", "#99"])
def test_an_odd_button_number_is_not_a_crash(tmp_path: Path, line: str) -> None:
    result = run(["chat"], tmp_path, f"/log 10 min\n{line}\n")
    assert result.returncode == 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.count("coach> ") == 2
    assert "Sorry, something went wrong" not in result.stdout


def _as_at_a_terminal() -> None:
    """Ctrl-C interrupts, as at a terminal, even when this test run was started in the
    background of a shell without job control (whose commands ignore SIGINT, and Python keeps
    a signal ignored that it was started with)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_leaves_at_once_with_a_goodbye(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    process = subprocess.Popen([*RETROWALK, "chat"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                               env=clean, text=True, preexec_fn=_as_at_a_terminal)
    assert process.stdin and process.stdout
    process.stdin.write("/log 5 min\n")
    process.stdin.flush()
    assert process.stdout.readline().startswith("coach> Recorded: 5 min")
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Bye" in out
    assert "Traceback" not in err


def _read_until(fd: int, token: bytes, timeout: float = 20) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while token not in seen and time.monotonic() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the terminal closed: the chat has left
                break
    return seen


def _finish(pid: int, timeout: float = 5) -> int | None:
    """The child's exit status; None (and killed) if it has not left within `timeout`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal")
def test_ctrl_c_at_a_real_terminal_leaves_without_waiting_for_enter(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the chat, on the pseudo-terminal as its controlling terminal
        os.chdir(tmp_path)
        _as_at_a_terminal()
        os.execve(sys.executable, [sys.executable, "-m", "bot", "chat"], clean)
    try:
        assert b"you> " in _read_until(terminal, b"you> ")
        os.write(terminal, b"/log 5 min\n")
        assert b"Recorded: 5 min" in _read_until(terminal, b"you> ")
        os.write(terminal, b"\x03")  # Ctrl-C, with nothing typed after it
        rest = _read_until(terminal, b"never printed", timeout=10)
    finally:
        status = _finish(pid)
    assert status == 0, "the chat was still waiting after Ctrl-C"
    assert b"Bye for now" in rest
    assert b"Traceback" not in rest


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal")
def test_ctrl_d_at_a_real_terminal_says_goodbye_on_its_own_line(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    pid, terminal = pty.fork()
    if pid == 0:
        os.chdir(tmp_path)
        os.execve(sys.executable, [sys.executable, "-m", "bot", "chat"], clean)
    try:
        assert b"you> " in _read_until(terminal, b"you> ")
        os.write(terminal, b"\x04")  # Ctrl-D on an empty line: end of input
        rest = _read_until(terminal, b"never printed", timeout=10)
    finally:
        status = _finish(pid)
    assert status == 0
    assert b"\r\ncoach> Bye for now" in rest
