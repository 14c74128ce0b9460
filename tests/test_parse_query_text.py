"""A Query written back as text parses to the same Query (estimator.query_text)."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estimator import parse
from estimator.gpus import ALL_GPUS
from estimator.models import ALL_MODELS
from estimator.parse import capacity_gpu
from estimator.precisions import DEFAULT_PRECISION, KV_FORMATS, PRECISIONS, find_precision
from estimator.query import GpuRequest, Query, Workload
from estimator.query_text import query_to_text
from estimator.training_data import OPTIMIZERS as OPTIMIZERS_BY_ALIAS
from estimator.training_options import METHODS, SHARDINGS, TARGETS, TrainingOptions

ENGINES = ("vllm", "sglang", "llama.cpp", "ollama", "tgi", "tensorrt-llm", "lmdeploy")
REPOS = ["someorg/Foo-7B-Instruct", "acme/bar-model", "Example-Lab/Model.v2"]  # not the catalog's
SIZES = st.one_of(
    st.integers(1, 2000).map(lambda n: n * 10**9),
    st.integers(1, 999).map(lambda n: n * 10**6),
    st.integers(10**6, 10**14),
)
PRECISION = st.sampled_from(sorted(set(PRECISIONS.values()), key=lambda p: p.name))
BITS = st.sampled_from(["3", "5", "6", "4.5", "2.5", "12"]).map(
    lambda bits: parse(f"70B {bits} bits").precision
)
GPU = st.one_of(
    st.builds(GpuRequest, st.sampled_from(ALL_GPUS), st.none() | st.integers(1, 64)),
    st.builds(
        lambda n, count: GpuRequest(capacity_gpu(n * 10**8), count, capacity_only=True),
        st.integers(1, 20_000),
        st.none() | st.integers(1, 16),
    ),
)
OPTIMIZERS = sorted({o.name: o for o in OPTIMIZERS_BY_ALIAS.values()}.items())


@st.composite
def training(draw, seq_len: int | None) -> TrainingOptions:
    method = draw(st.sampled_from(METHODS))
    adapter = draw(st.sampled_from([None, "lora", "qlora"])) if method == "dpo" else None
    adapters = method in ("lora", "qlora") or adapter is not None
    return TrainingOptions(
        method=method,
        adapter=adapter,
        optimizer=draw(st.none() | st.sampled_from([o for _, o in OPTIMIZERS])),
        micro_batch=draw(st.none() | st.integers(1, 4096)),
        seq_len=seq_len,
        gradient_checkpointing=draw(st.sampled_from([None, True, False])),
        sharding=draw(st.none() | st.sampled_from(SHARDINGS)),
        rank=draw(st.none() | st.integers(1, 65536)) if adapters else None,
        targets=draw(st.none() | st.sampled_from(sorted(TARGETS))) if adapters else None,
    )


@st.composite
def queries(draw) -> Query:
    model = draw(st.none() | st.sampled_from(ALL_MODELS))
    repo = None if model else draw(st.none() | st.sampled_from(REPOS))
    revision = draw(st.none() | st.sampled_from(["v1.0", "abc123", "refs-pr-5"])) if repo else None
    params = model.params if model else draw(SIZES | st.just(0)) if repo else draw(SIZES)
    compared = draw(st.lists(PRECISION | BITS, min_size=2, max_size=3, unique=True))
    precision = draw(st.none() | PRECISION | BITS)
    compare = draw(st.booleans())
    if compare:
        precision = compared[0]
    given_precision = precision is not None
    if precision is None:
        precision = find_precision(model.native_precision) if model else DEFAULT_PRECISION
    serving = draw(st.booleans())
    sequences = draw(st.none() | st.integers(1, 10_000)) if serving else None
    context = draw(st.none() | st.integers(1, 2**22))
    options = None if serving else draw(training(context))
    workload = Workload(
        context_tokens=context,
        sequences=sequences or 1,
        kv_format=draw(st.none() | st.sampled_from(sorted(set(KV_FORMATS.values()), key=str))),
        sequences_given=sequences is not None,
    )
    return Query(
        text="",
        params=params,
        precision=precision,
        precision_given=given_precision,
        model=model,
        workload=workload,
        gpus=tuple(draw(st.lists(GPU, max_size=3))),
        compare_all=draw(st.booleans()),
        solve_for=draw(st.none() | st.sampled_from(["context", "users"])),
        task=options.method if options else "serve",
        training=options,
        engine=draw(st.none() | st.sampled_from(ENGINES)),
        wants_nodes=draw(st.booleans()),
        hub_repo=repo,
        hub_revision=revision,
        compare_precisions=tuple(compared) if compare else (),
    )


def as_written_aside(query: Query) -> Query:
    return replace(query, text="", ignored_words=(), name_note=None)


@settings(max_examples=300, deadline=None)
@given(queries())
def test_a_query_written_as_text_parses_to_the_same_query(query):
    text = query_to_text(query)
    assert as_written_aside(parse(text)) == query, text


@pytest.mark.parametrize(
    "text",
    [
        "70B fp16",
        "llama-3.1-70b int4 ctx=32k users=20 on 2x h100",
        "does qwen3-32b fit on a 24GB card?",
        "部署 Llama 3.1 70B 需要几张 H100",
        "llama 70b fp8 vs fp16 how many nodes",
        "mixtrall 8x7b with llama.cpp max users at 8k on 1x l40s",
        "llama-3.1-8b qlora rank=16 batch=4 seq=2048 gc zero3 optim=adamw",
        "someorg/Foo-7B@main",
    ],
)
def test_what_people_write_survives_the_round_trip(text):
    query = parse(text)
    assert as_written_aside(parse(query_to_text(query))) == as_written_aside(query)


def test_the_text_is_the_canonical_question():
    query = parse("can we run qwen3-32b on two h100s at 32k for 8 users? thanks")
    assert query_to_text(query) == "qwen3-32b ctx=32768 users=8 on 2x H100-80GB"
