"""For every test: no request may leave 127.0.0.1 (the developers' guide). A question naming
a Hugging Face repository (hub/) would ask huggingface.co, and a deferred Slack answer goes
to the command's response_url: here name resolution refuses any host but the loopback, the
Hub is a closed port on 127.0.0.1 unless a test starts the stand-in (tests/hub), and the
lookup cache lives in the test's own HF_HOME."""

import ipaddress
import socket

import pytest

from hub import lookup
from tests.hub.standin import HubStandIn

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


@pytest.fixture
def hub_env(monkeypatch, tmp_path):
    """The real huggingface_hub client with no token file and telemetry off (the autouse
    fixture above already cleared the tokens, the cache and HF_HOME)."""
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr("huggingface_hub.constants.HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", False)
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_DISABLE_TELEMETRY", True)
    yield monkeypatch
    lookup.CACHE.clear_memory()


@pytest.fixture
def hub(hub_env):
    """A Hub stand-in on 127.0.0.1 (tests/hub/standin.py) that the client is pointed at."""
    stand_in = HubStandIn().start()
    hub_env.setenv("HF_ENDPOINT", stand_in.url)
    yield stand_in
    stand_in.stop()
