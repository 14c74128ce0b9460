"""Lookups kept by commit: a commit never changes, so what the Hub said about a repository at
a sha is kept for good (in memory, and as JSON files so that the next CLI run or dyno restart
costs nothing too); a branch name -> sha is kept for an hour (a new push shows after that).

Directory: VRAM_HUB_CACHE, else $HF_HOME/vram-lookups ($HF_HOME defaults to
~/.cache/huggingface, as for huggingface_hub). Entries are keyed by endpoint, repository and
whether a token was used (a gated repository says more with one).
"""

import dataclasses
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from estimator.hub_model import HubFacts, RepoFile

REF_TTL_S = 3600
MEMORY_ENTRIES = 512


def cache_dir() -> Path:
    if os.environ.get("VRAM_HUB_CACHE"):
        return Path(os.environ["VRAM_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache", "huggingface"
    )
    return Path(home) / "vram-lookups"


def _name(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _to_json(facts: HubFacts) -> str:
    return json.dumps(dataclasses.asdict(facts))


def _from_json(text: str) -> HubFacts:
    data = json.loads(text)
    data["files"] = tuple(RepoFile(**f) for f in data["files"])
    return HubFacts(**data)


class LookupCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, tuple[float, object]] = OrderedDict()

    def _read(self, name: str) -> tuple[float, str] | None:
        with self._lock:
            if name in self._memory:
                self._memory.move_to_end(name)
                return self._memory[name]
        try:
            path = cache_dir() / f"{name}.json"
            entry = (path.stat().st_mtime, path.read_text(encoding="utf-8"))
        except OSError:
            return None
        self._keep(name, entry)
        return entry

    def _keep(self, name: str, entry: tuple[float, str]) -> None:
        with self._lock:
            self._memory[name] = entry
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)

    def _write(self, name: str, text: str) -> None:
        self._keep(name, (time.time(), text))
        try:  # a read-only or full disk only costs the next process a lookup
            directory = cache_dir()
            directory.mkdir(parents=True, exist_ok=True)
            temporary = directory / f".{name}.{os.getpid()}.{threading.get_ident()}"
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(directory / f"{name}.json")
        except OSError:
            pass

    def facts(self, endpoint: str, repo_id: str, sha: str, authed: bool) -> HubFacts | None:
        entry = self._read(_name("facts", endpoint, repo_id.casefold(), sha, str(authed)))
        try:
            return _from_json(entry[1]) if entry else None
        except (ValueError, TypeError, KeyError):
            return None  # an entry from another version: looked up again

    def sha(
        self, endpoint: str, repo_id: str, revision: str, authed: bool, *, any_age: bool
    ) -> str | None:
        entry = self._read(_name("ref", endpoint, repo_id.casefold(), revision, str(authed)))
        if entry is None or (not any_age and time.time() - entry[0] > REF_TTL_S):
            return None
        return entry[1]

    def keep(
        self, endpoint: str, repo_id: str, revision: str, authed: bool, facts: HubFacts
    ) -> None:
        self._write(
            _name("facts", endpoint, repo_id.casefold(), facts.sha, str(authed)), _to_json(facts)
        )
        self._write(_name("ref", endpoint, repo_id.casefold(), revision, str(authed)), facts.sha)

    def clear_memory(self) -> None:
        with self._lock:
            self._memory.clear()
