"""A stand-in for the Hugging Face Hub on 127.0.0.1, speaking the part of its API that
huggingface_hub 2.4.0 uses here (../shared/reference/HUB.md §1g): model_info with
`blobs=true`, `resolve/` GET/HEAD with X-Repo-Commit, ETag and ranges, and the Hub's errors
(X-Error-Code RepoNotFound / RevisionNotFound / GatedRepo / EntryNotFound). Real HTTP, the
real client pointed at it with HF_ENDPOINT.

Repositories are made by the tests: small real-shaped files (a config.json, safetensors
headers, a GGUF header in its binary layout) and large ones virtual: the listing gives the
file's full size, and only its first bytes (the header) are real; reads past them get zeros.
"""

import hashlib
import json
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

# ---------------------------------------------------------------------------- file makers

_DTYPE_BYTES = {"F32": 4, "F16": 2, "BF16": 2, "I32": 4, "U8": 1, "I8": 1, "F8_E4M3": 1}


def safetensors_header(tensors: dict[str, tuple[str, list[int]]]) -> tuple[bytes, int]:
    """The first bytes of a .safetensors file (u64 header length + JSON header, as the
    safetensors format defines it) and the whole file's size."""
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, (dtype, shape) in tensors.items():
        size = _DTYPE_BYTES[dtype]
        for side in shape:
            size *= side
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw, 8 + len(raw) + offset


def _gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _gguf_value(value) -> tuple[int, bytes]:
    if isinstance(value, bool):
        return 7, struct.pack("<?", value)
    if isinstance(value, int):
        return (
            (4, struct.pack("<I", value)) if 0 <= value < 2**32 else (11, struct.pack("<q", value))
        )
    if isinstance(value, float):
        return 6, struct.pack("<f", value)
    if isinstance(value, str):
        return 8, _gguf_string(value)
    if isinstance(value, list):
        kinds = [_gguf_value(item) for item in value]
        item_kind = kinds[0][0] if kinds else 4
        return 9, struct.pack("<IQ", item_kind, len(value)) + b"".join(raw for _, raw in kinds)
    raise TypeError(value)


def gguf_header(metadata: dict, vocab: int = 1000, tensor_count: int = 3) -> bytes:
    """A GGUF v3 header as ggml's docs/gguf.md lays it out: magic, version, tensor count,
    key/value count, the key/values (general.*, {arch}.*, then the tokenizer arrays)."""
    items = {**metadata, "tokenizer.ggml.model": "gpt2"}
    items["tokenizer.ggml.tokens"] = [f"tok{i}" for i in range(vocab)]
    body = b""
    for key, value in items.items():
        kind, raw = _gguf_value(value)
        body += _gguf_string(key) + struct.pack("<I", kind) + raw
    return b"GGUF" + struct.pack("<IQQ", 3, tensor_count, len(items)) + body


# ---------------------------------------------------------------------------- repositories


@dataclass
class StandInFile:
    prefix: bytes  # the bytes served (the whole file when size is None)
    size: int | None = None  # the file's full size, when larger than `prefix`

    @property
    def length(self) -> int:
        return len(self.prefix) if self.size is None else self.size

    def read(self, start: int, end: int) -> bytes:
        data = self.prefix[start : end + 1]
        return data + b"\0" * (end + 1 - start - len(data))


@dataclass
class StandInRepo:
    repo_id: str
    files: dict[str, StandInFile]
    gated: bool = False
    safetensors_parameters: dict | None = None
    gguf: dict | None = None
    branches: dict[str, str] = field(default_factory=dict)  # extra revision names -> sha
    base_model: str | None = None  # the model card's base_model

    @property
    def sha(self) -> str:
        return hashlib.sha1(self.repo_id.encode()).hexdigest()

    def revision_sha(self, revision: str) -> str | None:
        if revision in ("main", self.sha):
            return self.sha
        return self.branches.get(revision)


def config_file(config: dict) -> StandInFile:
    return StandInFile(json.dumps(config, indent=2).encode())


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict


class HubStandIn:
    """`HubStandIn().start()`; `.url` for HF_ENDPOINT; `.add(repo)`; `.requests` is the log."""

    def __init__(self) -> None:
        self.repos: dict[str, StandInRepo] = {}
        self.requests: list[Request] = []
        self.delay_s = 0.0  # answer every request this late (a slow Hub)
        self.rate_limited = False  # answer 429 as the Hub does past its 5-minute quota
        self.tokens: dict[str, set[str]] = {}  # token -> gated repos it has access to
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, repo: StandInRepo) -> StandInRepo:
        self.repos[repo.repo_id.casefold()] = repo
        return repo

    def start(self) -> "HubStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def wait(self) -> None:
        if self.delay_s:
            self._stopping.wait(self.delay_s)


def _model_info(repo: StandInRepo, sha: str, blobs: bool) -> dict:
    siblings = []
    for path, f in sorted(repo.files.items()):
        sibling = {"rfilename": path}
        if blobs:
            sibling.update(size=f.length, blobId=hashlib.sha1(path.encode()).hexdigest())
            if f.length > 10_000_000:
                sibling["lfs"] = {"size": f.length, "sha256": "0" * 64, "pointerSize": 134}
        siblings.append(sibling)
    info = {
        "_id": sha[:24],
        "id": repo.repo_id,
        "modelId": repo.repo_id,
        "author": repo.repo_id.split("/")[0],
        "sha": sha,
        "private": False,
        "disabled": False,
        "gated": "manual" if repo.gated else False,
        "tags": (["gguf"] if repo.gguf else ["safetensors"])
        + ([f"base_model:finetune:{repo.base_model}"] if repo.base_model else []),
        "lastModified": "2026-11-01T00:00:00.000Z",
        "createdAt": "2026-10-01T00:00:00.000Z",
        "siblings": siblings,
    }
    if repo.base_model:
        info["cardData"] = {"base_model": repo.base_model, "license": "other"}
    if repo.safetensors_parameters:
        parameters = repo.safetensors_parameters
        info["safetensors"] = {"parameters": parameters, "total": sum(parameters.values())}
    if repo.gguf:
        info["gguf"] = repo.gguf
    config = repo.files.get("config.json")
    if config is not None:  # the Hub's subset of config.json
        full = json.loads(config.prefix)
        shown = ("architectures", "model_type", "quantization_config")
        info["config"] = {k: full[k] for k in shown if k in full}
    return info


def _handler(hub: HubStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, code: str, message: str, commit: str | None = None) -> None:
            headers = {
                "X-Error-Code": code,
                "X-Error-Message": message,
                "Content-Type": "application/json",
            }
            if commit:
                headers["X-Repo-Commit"] = commit
            self._reply(status, json.dumps({"error": message}).encode(), headers)

        def _repo(self, repo_id: str) -> StandInRepo | None:
            repo = hub.repos.get(repo_id.casefold())
            if repo is None:  # the real Hub answers 401 for missing (and private) repos
                self._error(401, "RepoNotFound", "Repository not found")
            return repo

        def _handle(self) -> None:
            hub.log(Request(self.command, self.path, dict(self.headers)))
            hub.wait()
            if hub.rate_limited:  # huggingface.co/docs/hub/rate-limits
                headers = {
                    "RateLimit": '"api";r=0;t=120',
                    "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
                }
                return self._reply(429, b'{"error":"rate limited"}', headers)
            url = urlsplit(self.path)
            parts = [unquote(p) for p in url.path.strip("/").split("/")]
            query = parse_qs(url.query)
            if parts[:2] == ["api", "models"] and len(parts) >= 4:
                repo = self._repo(f"{parts[2]}/{parts[3]}")
                if repo is None:
                    return
                revision = (
                    "/".join(parts[5:]) if len(parts) > 5 and parts[4] == "revision" else "main"
                )
                sha = repo.revision_sha(revision)
                if sha is None:
                    return self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
                info = _model_info(repo, sha, query.get("blobs") == ["true"])
                return self._reply(
                    200, json.dumps(info).encode(), {"Content-Type": "application/json"}
                )
            if len(parts) >= 5 and parts[2] == "resolve":
                return self._resolve(f"{parts[0]}/{parts[1]}", parts[3], "/".join(parts[4:]))
            self._error(404, "EntryNotFound", "Not found")

        def _resolve(self, repo_id: str, revision: str, path: str) -> None:
            repo = self._repo(repo_id)
            if repo is None:
                return
            sha = repo.revision_sha(revision)
            if sha is None:
                return self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            if repo.gated:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if not token:
                    return self._error(
                        401,
                        "GatedRepo",
                        "Access to this model is restricted. You must have access to it and be authenticated to access it.",
                    )
                if repo.repo_id not in hub.tokens.get(token, set()):
                    return self._error(
                        403,
                        "GatedRepo",
                        "Access to this model is restricted and you are not in the authorized list.",
                    )
            f = repo.files.get(path)
            if f is None:
                return self._error(404, "EntryNotFound", f"{path} does not exist", commit=sha)
            headers = {
                "X-Repo-Commit": sha,
                "ETag": f'"{hashlib.sha1((sha + path).encode()).hexdigest()}"',
                "Accept-Ranges": "bytes",
                "Content-Type": "application/octet-stream",
            }
            wanted = self.headers.get("Range", "")
            if not wanted.startswith("bytes="):
                return self._reply(200, f.read(0, f.length - 1), headers)
            first, _, last = wanted.removeprefix("bytes=").partition("-")
            start, end = int(first), min(int(last) if last else f.length - 1, f.length - 1)
            if start >= f.length:
                return self._reply(416, b"", {**headers, "Content-Range": f"bytes */{f.length}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{f.length}"
            self._reply(206, f.read(start, end), headers)

        do_GET = do_HEAD = _handle

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (connection refused)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = server.server_address[:2]
    server.server_close()
    time.sleep(0)
    return f"http://{host}:{port}"
