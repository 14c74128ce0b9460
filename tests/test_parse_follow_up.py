"""A follow-up in a thread, read against the question before it (estimator.parse_follow_up)."""

from dataclasses import replace

import pytest

from estimator import QueryError, parse
from estimator.parse import parse_follow_up
from estimator.query_text import query_to_text

FIRST = "llama-3.1-70b fp16 ctx=8k users=4 on 2x h100"


def changed_fields(before, after) -> dict:
    names = [n for n in before.__dataclass_fields__ if n not in ("text", "ignored_words")]
    return {n: getattr(after, n) for n in names if getattr(after, n) != getattr(before, n)}


@pytest.mark.parametrize(
    ("follow_up", "field", "expected"),
    [
        ("same with int4", "precision", "int4"),
        ("and with awq?", "precision", "awq"),
        ("what about 8 users", "workload.sequences", 8),
        ("and for eight users?", "workload.sequences", 8),
        ("and at 32k?", "workload.context_tokens", 32_768),
        ("with 128k context", "workload.context_tokens", 131_072),
        ("kv=fp8", "workload.kv_format", "fp8"),
        ("on h200 instead", "gpus", [("H200-141GB", None)]),
        ("on 4x l40s", "gpus", [("L40S-48GB", 4)]),
        ("what about with sglang", "engine", "sglang"),
        ("how many nodes", "wants_nodes", True),
        ("and max users?", "solve_for", "users"),
    ],
)
def test_a_follow_up_changes_the_one_field_it_names(follow_up, field, expected):
    previous = parse(FIRST)
    if field is None:
        with pytest.raises(QueryError):
            parse_follow_up(follow_up, previous)
        return
    query = parse_follow_up(follow_up, previous)
    changed = changed_fields(previous, query)
    top = field.split(".")[0]
    assert set(changed) == {top}, changed
    value = query
    for part in field.split("."):
        value = getattr(value, part)
    if field == "gpus":
        value = [(r.gpu.name, r.count) for r in value]
    elif hasattr(value, "name"):
        value = value.name
    assert value == expected
    if top == "precision":  # precision_given was True already; the rest untouched
        assert query.precision_given


def test_a_new_model_keeps_the_workload_and_the_format_given():
    previous = parse(FIRST)
    query = parse_follow_up("what about qwen3-32b?", previous)
    assert query.model.key == "qwen3-32b"
    assert query.precision.name == "fp16"  # given before, so kept
    assert replace(query, model=None, params=0) == replace(
        previous, model=None, params=0, text=query.text
    )


def test_a_new_model_takes_its_native_format_when_none_was_given():
    previous = parse("llama-3.1-70b ctx=8k")
    query = parse_follow_up("and deepseek-v3?", previous)
    assert (query.model.key, query.precision.name) == ("deepseek-v3", "fp8-block")
    assert query.workload.context_tokens == 8_192


def test_a_size_in_a_follow_up_replaces_the_model():
    query = parse_follow_up("and 13B?", parse(FIRST))
    assert (query.model, query.params) == (None, 13 * 10**9)


def test_64k_in_a_follow_up_is_a_context():
    assert parse_follow_up("64k?", parse(FIRST)).workload.context_tokens == 65_536


def test_a_follow_up_that_changes_nothing_says_so():
    with pytest.raises(QueryError) as caught:
        parse_follow_up("thanks!", parse(FIRST))
    assert "change" in caught.value.message
    parse_follow_up(caught.value.example, parse(FIRST))


def test_the_readme_example():
    first = parse("can we run qwen3-32b on two h100s at 32k for 8 users? thanks")
    assert query_to_text(first) == "qwen3-32b ctx=32768 users=8 on 2x H100-80GB"
    assert (
        query_to_text(parse_follow_up("same with int4", first))
        == "qwen3-32b int4 ctx=32768 users=8 on 2x H100-80GB"
    )
    assert (
        query_to_text(parse_follow_up("on h200 instead", first))
        == "qwen3-32b ctx=32768 users=8 on H200-141GB"
    )
