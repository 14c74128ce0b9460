"""What the figures were measured on, and memory read from /proc (no psutil)."""

import os
import platform
import statistics
import time
from pathlib import Path


def machine_facts() -> dict:
    cpu_model = "unknown"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    mem_kib = _status_kib(Path("/proc/meminfo"), "MemTotal")
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(mem_kib / 2**20, 1) if mem_kib else None,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def memory_kib(pid: int) -> dict[str, int]:
    """One process, in KiB: VmRSS (now), VmHWM (peak RSS) and Pss (now; pages shared with
    gunicorn's master after the fork count once in all, not once per process). Empty once
    the process has exited."""
    try:
        status = Path(f"/proc/{pid}/status")
        return {
            "rss": _status_kib(status, "VmRSS"),
            "peak": _status_kib(status, "VmHWM"),
            "pss": _status_kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss"),
        }
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return {}


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 once it has exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def children(pid: int) -> list[int]:
    """Direct children of `pid` (gunicorn's workers), from /proc/*/stat."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            found.append(int(stat.parent.name))
    return sorted(found)


def _status_kib(path: Path, key: str) -> int:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def cpu_check_ms() -> float:
    """A fixed pure-Python loop, median of 5: on a shared VM the same work takes longer when a
    neighbour is busy, and every other figure of the run moves with it."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(200_000))
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1e3, 2)
