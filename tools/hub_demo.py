"""Runs `python -m estimator` against the tests' Hub stand-in on 127.0.0.1 (tests/hub), for
the README's Hub examples: `.venv/bin/python tools/hub_demo.py "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ ctx=32k"`.

The stand-in holds the repositories the tests make (real config.json fields, safetensors
headers listing every tensor, a GGUF header; the weights themselves virtual), so the figures
are those of a checkpoint laid out as the real one is, not read from huggingface.co.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hub import repos  # noqa: E402
from tests.hub.standin import HubStandIn  # noqa: E402


def stand_in() -> HubStandIn:
    hub = HubStandIn().start()
    awq = {**repos.QWEN2_5_32B, "quantization_config": repos.AWQ}
    tensors = repos.decoder_tensors(awq, "awq", qkv_bias=True)
    hub.add(repos.safetensors_repo("Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", awq, tensors, 5))
    files = {
        "Llama-3.1-8B-Instruct-Q4_K_M.gguf": 4_920_734_016,
        "Llama-3.1-8B-Instruct-Q8_0.gguf": 8_540_770_560,
    }
    gguf = repos.gguf_repo(
        "acme/Llama-3.1-8B-Instruct-GGUF", files, repos.LLAMA_GGUF_METADATA, 8_030_261_248
    )
    hub.add(gguf)
    return hub


def main(questions: list[str]) -> None:
    hub = stand_in()
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HOME": home}
            env.pop("HF_TOKEN", None)
            for question in questions:
                print(f"$ .venv/bin/python -m estimator {question}")
                done = subprocess.run(
                    [sys.executable, "-m", "estimator", *question.split()],
                    cwd=REPO,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                print(done.stdout + done.stderr, end="")
    finally:
        hub.stop()


if __name__ == "__main__":
    main(sys.argv[1:] or ["Qwen/Qwen2.5-Coder-32B-Instruct-AWQ ctx=32k users=4 on h100"])
