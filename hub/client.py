"""The requests to the Hub: one `model_info` (files with sizes, gated, the Hub's parameter
counts), config.json, and for GGUF repositories a ranged read of the first shard's header.
Every request has a timeout (huggingface_hub's own default is none, ../shared/reference/HUB.md
§1e) and none is retried: the deadline is the caller's (hub/lookup.py).
"""

import time

from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import EntryNotFoundError, GatedRepoError, RepositoryNotFoundError
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

from estimator.gguf_header import NeedMoreBytes, NotGguf, read_gguf_header
from estimator.hub_model import HubFacts, RepoFile, choose_gguf, is_gguf_repo

GGUF_FIRST_READ = 64 * 1024  # the architecture keys come before the tokenizer arrays
GGUF_MAX_READ = 16 * 2**20  # gpt-oss-20b's whole header needs 16 MiB (HUB.md §4)


class Deadline:
    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise TimeoutError("the lookup's deadline passed")
        return left


def _get(url: str, token: str | None, deadline: Deadline, headers: dict | None = None):
    response = get_session().get(
        url, headers={**build_hf_headers(token=token), **(headers or {})}, timeout=deadline.left()
    )
    hf_raise_for_status(response)
    return response


def _config(repo_id: str, sha: str, endpoint: str, token, deadline) -> tuple[dict | None, bool]:
    url = hf_hub_url(repo_id, "config.json", revision=sha, endpoint=endpoint)
    try:
        return _get(url, token, deadline).json(), False
    except GatedRepoError:
        return None, True
    except EntryNotFoundError:
        return None, False


def _gguf_metadata(repo_id, sha, path, endpoint, token, deadline) -> dict | None:
    """Ranged reads of the file's start, each asking for as much again, until the
    architecture keys are in (never the whole file)."""
    url = hf_hub_url(repo_id, path, revision=sha, endpoint=endpoint)
    prefix = b""
    size = GGUF_FIRST_READ
    while True:
        end = size - 1
        part = _get(url, token, deadline, {"Range": f"bytes={len(prefix)}-{end}"}).content
        prefix += part
        try:
            return read_gguf_header(prefix).metadata
        except NeedMoreBytes:
            if len(prefix) < size or size >= GGUF_MAX_READ:
                return None  # the file ended, or the header is larger than we read
            size *= 4
        except NotGguf:
            return None


def _base_models(info) -> tuple[str, ...]:
    """The card's `base_model` (a string or a list), then the Hub's `base_model:…:<id>` tags."""
    card = getattr(info, "card_data", None)
    named = card.get("base_model") if card is not None and hasattr(card, "get") else None
    found = [named] if isinstance(named, str) else list(named or [])
    found += [tag.rsplit(":", 1)[-1] for tag in info.tags or () if tag.startswith("base_model:")]
    return tuple(dict.fromkeys(name for name in found if isinstance(name, str) and "/" in name))


def fetch_facts(
    repo_id: str,
    revision: str | None,
    wanted: str | None,
    *,
    endpoint: str,
    token,
    deadline: Deadline,
) -> HubFacts:
    """Everything hub_model needs about a repository, pinned to the commit the Hub answers
    with. Raises huggingface_hub's errors (not found, revision, gated, HTTP, network)."""
    api = HfApi(endpoint=endpoint)
    info = api.model_info(
        repo_id, revision=revision, files_metadata=True, timeout=deadline.left(), token=token
    )
    if not info.sha:
        raise RepositoryNotFoundError(f"{repo_id}: the Hub gave no commit")
    files = tuple(
        RepoFile(s.rfilename, int(s.size if s.size is not None else (s.lfs.size if s.lfs else 0)))
        for s in info.siblings or ()
    )
    repo_id = info.id or repo_id
    parameters = dict(getattr(info.safetensors, "parameters", None) or {})
    gguf = info.gguf if isinstance(info.gguf, dict) else {}
    config, refused, metadata = None, False, None
    if is_gguf_repo(files):
        try:
            _, shards = choose_gguf(files, repo_id, wanted)
        except ValueError:  # the quant asked is not there: any file has the architecture
            _, shards = choose_gguf(files, repo_id, None)
        try:
            metadata = _gguf_metadata(repo_id, info.sha, shards[0].path, endpoint, token, deadline)
        except GatedRepoError:
            refused = True
    else:
        config, refused = _config(repo_id, info.sha, endpoint, token, deadline)
    return HubFacts(
        public_config=info.config if isinstance(info.config, dict) else None,
        base_models=_base_models(info),
        repo_id=repo_id,
        sha=info.sha,
        files=files,
        gated=bool(info.gated),
        config=config,
        config_refused=refused,
        parameters={k: int(v) for k, v in parameters.items()},
        gguf_params=int(gguf["total"]) if isinstance(gguf.get("total"), int) else None,
        gguf_metadata=metadata,
    )
