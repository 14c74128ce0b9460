"""The README's example answers are what the program prints today (they were copied from real runs)."""

import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "estimator", "70B", "fp16"],
        ["-m", "estimator", "llama-3.1-70b", "q4_k_m", "ctx=8k", "on", "1x", "rtx", "4090"],
        [
            "-m",
            "bot",
            "--local",
            "/vram does llama-3.1-70b int4 with 32k context for 20 users fit on 2 H100?",
        ],
        ["-m", "estimator", "bge-m3 fp16 on t4"],
        ["-m", "estimator", "gemma 3n e4b ctx=32k users=8 on l4"],
        ["-m", "estimator", "lora", "mistral", "7b", "on", "one", "L4"],
        ["-m", "estimator", "gemma-3-27b ctx=32k on 1x h100"],
    ],
    ids=[
        "cli",
        "cli-llama-cpp-offload",
        "slack-local",
        "embedding",
        "kv-shared",
        "fine-tuning",
        "vllm-profile",
    ],
)
def test_example_answer_is_current(command):
    printed = subprocess.run(
        [sys.executable, *command], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert printed.rstrip("\n") in README
