"""The production server as the Procfile runs it, on 127.0.0.1, for one app or the other."""

import http.client
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.machine import children, cpu_s, memory_kib
from bench.slack_requests import BOT_TOKEN, FORM, QUERY, SIGNING_SECRET, command_body, signed
from tests.bot.test_startup import free_port, web_command

REPO = Path(__file__).resolve().parents[1]
OURS = "bot.http:create_flask_app()"
BARE = "bench.bare_app:create_flask_app()"
START_LIMIT_S = 30


class Gunicorn:
    """`gunicorn … 'bot.http:create_flask_app()'` exactly as in the Procfile, $PORT on 127.0.0.1;
    for the bare app only the app is swapped. Output goes to a temporary file, never a pipe
    nobody reads (a full pipe would stall the server)."""

    def __init__(self, app_spec: str, api_url: str, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.command = [app_spec if part == OURS else part for part in web_command(self.port)]
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            **(extra_env or {}),
        }
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  closed in stop()
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        """Start it; return the seconds from process start to its first answered /vram."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, cwd=REPO, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        body = command_body(QUERY)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
            if time.perf_counter() - started > START_LIMIT_S:
                raise RuntimeError(
                    f"gunicorn did not answer in {START_LIMIT_S} s:\n{self.output()}"
                )
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("POST", "/slack/events", body, signed(body, FORM))
                status = connection.getresponse().status
                connection.close()
            except OSError:
                time.sleep(0.005)
                continue
            if status != 200:
                raise RuntimeError(f"first /vram answered HTTP {status}:\n{self.output()}")
            return time.perf_counter() - started

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)] if self.process else []

    def memory_kib(self) -> dict[str, int]:
        """RSS now, peak RSS and PSS, each summed over the master and its workers (KiB)."""
        readings = [memory_kib(pid) for pid in self.pids()]
        return {
            "rss": sum(r.get("rss", 0) for r in readings),
            "peak": sum(r.get("peak", 0) for r in readings),
            "pss": sum(r.get("pss", 0) for r in readings),
            "processes": len([r for r in readings if r]),
        }

    def cpu_s(self) -> float:
        """CPU seconds used so far by the master and its workers."""
        return sum(cpu_s(pid) for pid in self.pids())

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-4000:]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()

    def __enter__(self) -> "Gunicorn":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
