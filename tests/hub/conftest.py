"""A Hub stand-in per test, with the real huggingface_hub client pointed at it
(HF_ENDPOINT), a cache in a temporary HF_HOME, and no token unless a test sets one."""

import pytest

from hub import lookup
from tests.hub.standin import HubStandIn


@pytest.fixture
def hub_env(monkeypatch, tmp_path):
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "VRAM_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr("huggingface_hub.constants.HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", False)
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_DISABLE_TELEMETRY", True)
    lookup.CACHE.clear_memory()
    yield monkeypatch
    lookup.CACHE.clear_memory()


@pytest.fixture
def hub(hub_env):
    stand_in = HubStandIn().start()
    hub_env.setenv("HF_ENDPOINT", stand_in.url)
    yield stand_in
    stand_in.stop()
