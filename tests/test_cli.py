"""`python -m estimator`: the text answer, the JSON contract, exit status 2 on bad input."""

import json
import subprocess
import sys

import pytest

from estimator.__main__ import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "estimator", *args], capture_output=True, text=True, timeout=60
    )


def test_text_answer_from_a_real_process():
    result = run("70B", "fp16")
    assert result.returncode == 0
    assert "70 B params · fp16 (16 bits)" in result.stdout
    assert "156.5 GiB  (168.0 GB)" in result.stdout
    assert "A100-80GB" in result.stdout and "H100-80GB" in result.stdout
    assert "Assumptions:" in result.stdout


def test_bad_input_exits_2_with_a_message_not_a_traceback():
    result = run("banana")
    assert result.returncode == 2
    assert "did not understand 'banana'" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Try for example: 70B fp16" in result.stderr


def test_json_contract(capsys):
    assert main(["--json", "70B fp16"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["query"] == "70 B params · fp16 (16 bits)"
    assert answer["model"] == {
        "name": None,
        "params": 70_000_000_000,
        "source": "size",
        "hf_id": None,
        "revision": None,
    }
    assert answer["precision"] == {"name": "fp16", "bits_per_param": 16.0}
    assert answer["workload"]["context_tokens"] is None
    assert answer["workload"]["sequences"] == 1
    assert answer["weights_bytes"] == 140_000_000_000
    assert answer["kv_bytes_per_token"] is None
    assert answer["kv_cache_bytes"] == 0
    assert answer["overhead_bytes"] == 28_000_000_000
    assert answer["total_bytes"] == 168_000_000_000
    assert answer["rule_of_thumb_bytes"] == 168_000_000_000
    gpus = {gpu["name"]: gpu for gpu in answer["gpus"]}
    assert set(gpus) == {"A100-80GB", "H100-80GB"}
    assert gpus["A100-80GB"]["memory_bytes"] == 84_987_740_160
    assert gpus["A100-80GB"]["min_count"] == 2
    assert "recommended_count" in gpus["A100-80GB"]
    assert answer["assumptions"] and all(isinstance(a, str) for a in answer["assumptions"])


def test_json_error(capsys):
    assert main(["--json", "-5B"]) == 2
    assert "negative" in json.loads(capsys.readouterr().out)["error"]


@pytest.mark.parametrize("args", [["--all", "70B"], ["70B", "compare"]])
def test_compare_every_card(args, capsys):
    assert main(["--json", *args]) == 0
    names = [gpu["name"] for gpu in json.loads(capsys.readouterr().out)["gpus"]]
    assert len(names) >= 19 and "MI300X-192GB" in names and "T4-16GB" in names
