"""The README's Hub answers are what tools/hub_demo.py prints today (against the stand-in)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
QUESTIONS = (
    "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ ctx=32k users=4 on h100",
    "acme/Llama-3.1-8B-Instruct-GGUF q8_0 ctx=8k",
)


def test_the_readme_hub_answers_are_current():
    for question in QUESTIONS:
        printed = subprocess.run(
            [sys.executable, "tools/hub_demo.py", question],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        assert printed.startswith(f"$ .venv/bin/python -m estimator {question}\n")
        assert printed.rstrip("\n") in README, question
