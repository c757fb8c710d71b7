"""Child processes of a supervisor: each in its own process group, with its own log file.

`Child.start()` runs a command in a new session (so a Ctrl-C at the terminal reaches only the
supervisor, which then stops the children in order) and asks Linux to send the child SIGTERM if
the supervisor dies without stopping it, so no child outlives a killed supervisor.
`Child.stop()` sends SIGTERM to the child's whole process group, waits, then SIGKILLs it.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1
STOP_TIMEOUT = 15.0  # seconds a child gets to exit after SIGTERM before SIGKILL


class ProcessError(Exception):
    """A child process could not start or did not become ready."""


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent (the supervisor) dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """One supervised process: `name`, its command, extra environment and log file."""

    name: str
    argv: list[str]
    log: Path
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            out.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} start {' '.join(self.argv)}\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def get_exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM the process group, wait up to `timeout`, then SIGKILL it; the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait()
        self._signal_group(signal.SIGKILL)  # anything the child left behind in its group
        return self.process.returncode

    def _signal_group(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(self.process.pid, signum)

    def get_log_tail(self, chars: int = 3_000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""


def wait_until(is_ready: Callable[[], bool], child: Child, timeout: float, what: str) -> None:
    """Poll `is_ready` until true; raise if the child exits or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.is_running():
            raise ProcessError(
                f"{child.name} exited with code {child.get_exit_code()} before {what}; "
                f"its log {child.log} ends with:\n{child.get_log_tail()}"
            )
        try:
            if is_ready():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise ProcessError(
        f"{child.name} did not reach '{what}' within {timeout:.0f} s; "
        f"its log {child.log} ends with:\n{child.get_log_tail()}"
    )
