"""The GPU catalog against the public logs it was read from (tests/data/gpu_logs.json), the
rules it states for cards without one, the names people type, and the README's table."""

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from estimator import estimate, parse
from estimator.gpus import ALL_GPUS, find_gpu
from estimator.tables import load_table, name_key

MIB = 2**20
ROOT = Path(__file__).parents[1]
LOGS = json.loads((ROOT / "tests/data/gpu_logs.json").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
CUDA_KINDS = ("deviceQuery", "torch")  # what CUDA reports on Linux (or an OS the log does not say)


def _logs_by_card() -> dict[str, list[dict]]:
    logs = defaultdict(list)
    for log in LOGS["logs"]:
        logs[log["card"]].append(log)
    return logs


BY_CARD = _logs_by_card()


def _bytes(log: dict) -> int:
    return log["bytes"] if "bytes" in log else log["mib"] * MIB


def _cuda_logs(card: str) -> list[dict]:
    return [log for log in BY_CARD[card] if log["kind"] in CUDA_KINDS]


def test_every_log_names_a_card_of_the_catalog_and_says_where_it_is():
    for log in LOGS["logs"]:
        assert find_gpu(log["card"]) is not None, log
        assert log["quote"] and log["find"] and log["index"].isdigit(), log
        assert ("bytes" in log) != ("mib" in log), log


@pytest.mark.parametrize("card", sorted(c for c in BY_CARD if _cuda_logs(c)))
def test_a_card_with_a_cuda_log_is_verified_at_the_smallest_logged_figure(card):
    gpu = find_gpu(card)
    smallest = min(_cuda_logs(card), key=_bytes)
    assert gpu.verified
    assert gpu.memory_bytes == _bytes(smallest)
    # the row's source quotes the figure it took, as the log prints it
    quoted = str(smallest["bytes"]) if "bytes" in smallest else f"total_memory={smallest['mib']}MB"
    assert quoted in gpu.source


@pytest.mark.parametrize("card", sorted(BY_CARD))
def test_nvidia_smi_total_is_the_logged_one(card):
    totals = {log["mib"] for log in BY_CARD[card] if log["kind"] == "nvidia-smi"}
    if totals:
        assert totals == {find_gpu(card).nvidia_smi_mib}


def test_a_card_without_a_cuda_log_is_not_verified():
    logged = {card for card in BY_CARD if _cuda_logs(card)}
    derived = {row["card"] for row in LOGS["derived"]}
    for card in derived:
        assert card not in logged and not find_gpu(card).verified, card


@pytest.mark.parametrize("row", LOGS["derived"], ids=lambda row: row["card"])
def test_an_estimated_card_follows_the_rule_its_source_names(row):
    gpu = find_gpu(row["card"])
    if row["rule"] == "logged":  # a log of another kind (an app's print of CUDA's total)
        others = [log for log in BY_CARD[row["card"]] if log["kind"] != "nvidia-smi"]
        assert gpu.memory_bytes == min(_bytes(log) for log in others)
        return
    sibling = find_gpu(row["from"])
    if row["rule"] == "same":
        assert gpu.memory_bytes == sibling.memory_bytes
        return
    # nvidia-smi's total less the driver reserve a verified sibling shows (its total - CUDA's)
    assert sibling.verified and sibling.nvidia_smi_mib is not None
    reserve = round(sibling.nvidia_smi_mib - sibling.memory_bytes / MIB)
    assert gpu.memory_bytes == (gpu.nvidia_smi_mib - reserve) * MIB
    assert f"{reserve} MiB" in gpu.source


def test_no_two_cards_share_a_name():
    seen: dict[str, str] = {}
    for row in load_table("gpus.toml")["gpu"]:
        for alias in (row["name"], *row["aliases"]):
            key = name_key(alias)
            assert seen.setdefault(key, row["name"]) == row["name"], (alias, seen[key])


@pytest.mark.parametrize(
    ("written", "card"),
    [
        ("rtx 3060", "RTX-3060-12GB"),
        ("3060", "RTX-3060-12GB"),
        ("RTX3060 12GB", "RTX-3060-12GB"),
        ("3060 12gb", "RTX-3060-12GB"),
        ("rtx 3060 12 GB", "RTX-3060-12GB"),
        ("geforce rtx 3060", "RTX-3060-12GB"),
        ("3060 ti", "RTX-3060-Ti-8GB"),
        ("rtx3060ti", "RTX-3060-Ti-8GB"),
        ("rtx 3070", "RTX-3070-8GB"),
        ("3070 ti", "RTX-3070-8GB"),
        ("3080", "RTX-3080-10GB"),
        ("rtx 3080 10gb", "RTX-3080-10GB"),
        ("3080 12gb", "RTX-3080-12GB"),
        ("RTX 3080 12 GB", "RTX-3080-12GB"),
        ("3080 ti", "RTX-3080-Ti-12GB"),
        ("rtx3080ti", "RTX-3080-Ti-12GB"),
        ("2080 ti", "RTX-2080-Ti-11GB"),
        ("rtx 2080ti", "RTX-2080-Ti-11GB"),
        ("4060", "RTX-4060-8GB"),
        ("rtx 4060 8gb", "RTX-4060-8GB"),
        ("4060 ti", "RTX-4060-Ti-8GB"),
        ("4060ti 8gb", "RTX-4060-Ti-8GB"),
        ("4060 ti 16gb", "RTX-4060-Ti-16GB"),
        ("RTX 4060 Ti 16 GB", "RTX-4060-Ti-16GB"),
        ("rtx 4070", "RTX-4070-12GB"),
        ("4070 super", "RTX-4070-12GB"),
        ("4070 ti", "RTX-4070-12GB"),
        ("4070 ti super", "RTX-4070-TiS-16GB"),
        ("rtx 4070 ti super 16gb", "RTX-4070-TiS-16GB"),
        ("4080", "RTX-4080-16GB"),
        ("rtx 4080 super", "RTX-4080-16GB"),
        ("5070 ti", "RTX-5070-Ti-16GB"),
        ("rtx5070ti", "RTX-5070-Ti-16GB"),
        ("rtx 5080", "RTX-5080-16GB"),
        ("a4000", "RTX-A4000-16GB"),
        ("rtx a5000", "RTX-A5000-24GB"),
        ("rtx pro 6000", "RTX-PRO-6000-96GB"),
        ("rtx pro 6000 blackwell", "RTX-PRO-6000-96GB"),
        ("l20", "L20-48GB"),
        ("h20", "H20-96GB"),
        ("a800", "A800-80GB"),
        ("h800", "H800-80GB"),
        ("gh200", "GH200-96GB"),
        ("b300", "B300-288GB"),
        ("mi250x", "MI250X-64GB"),
        ("mi210", "MI210-64GB"),
    ],
)
def test_a_card_is_found_as_people_write_it(written, card):
    assert find_gpu(written).name == card
    [request] = parse(f"llama-3.1-8b on 2 {written}").gpus
    assert (request.gpu.name, request.count) == (card, 2)
    [request] = parse(f"llama-3.1-8b on {written}").gpus
    assert request.gpu.name == card


def test_every_card_is_found_by_its_own_name():
    for gpu in ALL_GPUS:
        assert find_gpu(gpu.name) is gpu
        assert [r.gpu for r in parse(f"70b int4 on {gpu.name}").gpus] == [gpu]


def test_an_answer_on_a_consumer_card():
    answer = estimate("llama3.1:8b in ollama on rtx 3060")
    [plan] = answer.gpus
    assert plan.gpu.name == "RTX-3060-12GB"
    assert plan.min_count == 1 and plan.recommended_count == 1
    # a 70B model at 4 bits is more than one 12 GB card holds
    assert estimate("llama-3.1-70b q4_k_m on rtx 3060").gpus[0].min_count > 1


def _readme_gpu_section() -> str:
    return README.split("\n## GPUs\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_table_lists_every_card_as_the_catalog_has_it():
    rows = re.findall(
        r"^\| `([^`]+)` \| ([^|]+) \| ([\d,]+) \| [^|]+ \| (yes|estimated) \|$",
        _readme_gpu_section(),
        re.M,
    )
    listed = {
        name: (spec.strip(), int(size.replace(",", "")), flag) for name, spec, size, flag in rows
    }
    for gpu in ALL_GPUS:
        if gpu.unified_memory:
            continue
        assert listed.pop(gpu.name) == (
            gpu.spec,
            gpu.memory_bytes,
            "yes" if gpu.verified else "estimated",
        ), gpu.name
    assert not listed


def test_the_readme_example_is_what_the_cli_prints():
    section = _readme_gpu_section()
    command = re.search(r"^\$ \.venv/bin/python -m estimator (.+)$", section, re.M).group(1)
    printed = subprocess.run(
        [sys.executable, "-m", "estimator", command.strip('"')],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    ).stdout
    assert printed.rstrip("\n") in section
