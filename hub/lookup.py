"""A repository looked up under a hard deadline, off the caller's thread, never raising
anything but a HubUnavailable with a message for the user.

huggingface_hub's requests have no timeout by default and some retry with back-off for up
to 23 s (../shared/reference/HUB.md §1e): the requests (hub/client.py) each get the time
left, run in a worker thread, and the caller waits at most DEADLINE_S for them. Two questions
about the same repository at once share one lookup.
"""

import logging
import os
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from estimator.errors import QueryError
from estimator.hub_model import HubFacts
from estimator.hub_ref import RepoRef
from hub.cache import LookupCache

DEADLINE_S = 8.0
DEFAULT_ENDPOINT = "https://huggingface.co"
CATALOG_EXAMPLE = "llama-3.1-8b"  # answers from the catalog, Hub or no Hub
_SHA = re.compile(r"[0-9a-f]{40}")
_TRUE = frozenset({"1", "on", "yes", "true"})

log = logging.getLogger("vram.hub")
CACHE = LookupCache()
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hub-lookup")
_IN_FLIGHT: dict[tuple, Future] = {}
_IN_FLIGHT_LOCK = threading.Lock()


class HubUnavailable(QueryError):
    """The Hub could not answer about a repository: missing, bad revision, down, slow, offline."""

    def __init__(self, message: str, example: str = CATALOG_EXAMPLE):
        super().__init__(message, example=example)


def endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline() -> bool:
    from huggingface_hub import constants

    return (
        os.environ.get("HF_HUB_OFFLINE", "").strip().casefold() in _TRUE
        or constants.is_offline_mode()
    )


def token() -> str | None:
    from huggingface_hub import get_token

    return get_token()


def _key(ref: RepoRef) -> tuple[str, str, str, bool]:
    return endpoint(), ref.repo_id, ref.revision or "main", token() is not None


def cached(ref: RepoRef) -> HubFacts | None:
    """What the cache knows about `ref`, without any request."""
    where, repo_id, revision, authed = _key(ref)
    sha = (
        revision
        if _SHA.fullmatch(revision)
        else CACHE.sha(where, repo_id, revision, authed, any_age=offline())
    )
    return CACHE.facts(where, repo_id, sha, authed) if sha else None


def lookup(ref: RepoRef, wanted: str | None, deadline_s: float | None = None) -> HubFacts:
    """The facts about `ref`: from the cache, else from the Hub within the deadline."""
    found = cached(ref)
    if found is not None:
        return found
    if offline():
        raise HubUnavailable(
            f"HF_HUB_OFFLINE is set and {ref.shown} has not been looked up before, so I cannot size it."
        )
    deadline_s = DEADLINE_S if deadline_s is None else deadline_s
    key = _key(ref)
    with _IN_FLIGHT_LOCK:
        future = _IN_FLIGHT.get(key)
        if future is None:
            future = _POOL.submit(_fetch_and_keep, ref, wanted, key, deadline_s)
            _IN_FLIGHT[key] = future
            future.add_done_callback(lambda done: _forget(key, done))
    try:
        return future.result(timeout=deadline_s + 0.25)
    except FutureTimeout:
        raise HubUnavailable(_slow(deadline_s)) from None


def _forget(key: tuple, future: Future) -> None:
    with _IN_FLIGHT_LOCK:
        if _IN_FLIGHT.get(key) is future:
            del _IN_FLIGHT[key]


def _slow(deadline_s: float) -> str:
    return f"Hugging Face did not answer within {deadline_s:g} s; try again in a moment."


def _fetch_and_keep(ref: RepoRef, wanted: str | None, key: tuple, deadline_s: float) -> HubFacts:
    from hub.client import Deadline, fetch_facts

    where, repo_id, revision, authed = key
    try:
        facts = fetch_facts(
            repo_id,
            ref.revision,
            wanted,
            endpoint=where,
            token=token(),
            deadline=Deadline(deadline_s),
        )
    except Exception as error:
        message = _message(error, ref, deadline_s)
        log.info("hub lookup of %s: %s: %s", ref.shown, type(error).__name__, message)
        raise HubUnavailable(message) from error
    CACHE.keep(where, repo_id, revision, authed, facts)
    return facts


def _message(error: Exception, ref: RepoRef, deadline_s: float) -> str:
    """What went wrong, in words: huggingface_hub's and httpx2's errors by kind."""
    from huggingface_hub import errors

    kind = type(error).__name__
    if isinstance(error, errors.RevisionNotFoundError):
        return f"{ref.repo_id} has no revision '{ref.revision}' on Hugging Face."
    if isinstance(error, errors.GatedRepoError):
        return f"{ref.repo_id} is gated, and HF_TOKEN has no access to it."
    if isinstance(error, errors.RepositoryNotFoundError):
        private = " (or it is private, and HF_TOKEN has no access to it)"
        return f"There is no Hugging Face repository {ref.repo_id}{private}."
    if isinstance(error, errors.OfflineModeIsEnabled):
        return f"HF_HUB_OFFLINE is set and {ref.shown} has not been looked up before, so I cannot size it."
    if isinstance(error, TimeoutError) or "Timeout" in kind:
        return _slow(deadline_s)
    if isinstance(error, errors.HfHubHTTPError):
        status = getattr(error.response, "status_code", "an error")
        return f"Hugging Face answered {status} about {ref.shown}; try again in a moment."
    if "Connect" in kind or isinstance(error, OSError):
        return f"Hugging Face could not be reached ({endpoint()}); catalog models still answer."
    return f"Hugging Face gave an answer about {ref.shown} that I could not read ({kind})."
