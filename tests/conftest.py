"""For every test: no request may leave 127.0.0.1 (the developers' guide). A question naming
a Hugging Face repository (hub/) would ask huggingface.co, and a deferred Slack answer goes
to the command's response_url: here name resolution refuses any host but the loopback, the
Hub is a closed port on 127.0.0.1 unless a test starts the stand-in (tests/hub), and the
lookup cache lives in the test's own HF_HOME."""

import ipaddress
import socket

import pytest

from hub import lookup

CLOSED_PORT = "http://127.0.0.1:9"  # the discard port: nothing listens, connection refused
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "", None})
_resolve = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    try:
        local = name in _LOCAL_NAMES or ipaddress.ip_address(name).is_loopback
    except ValueError:
        local = False
    if not local:
        raise socket.gaierror(socket.EAI_NONAME, f"tests reach 127.0.0.1 only, not {name}")
    return _resolve(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_network_beyond_localhost(monkeypatch, tmp_path_factory):
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only)
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "VRAM_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", CLOSED_PORT)
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))
    lookup.CACHE.clear_memory()
