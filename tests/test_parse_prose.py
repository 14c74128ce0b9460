"""Questions as people write them in chat, English and Chinese (issue 9): each example with
the model, format, cards and figures the parser determines."""

import pytest

from estimator import QueryError, estimate, parse

B = 10**9
H100, A100 = "H100-80GB", "A100-80GB"


def cards(query) -> list[tuple[str, int | None]]:
    return [(request.gpu.name, request.count) for request in query.gpus]


def read(text: str) -> tuple:
    query = parse(text)
    name = query.model.key if query.model else query.params
    return name, query.precision.name, query.precision_given, cards(query)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # prose around the question: filler skipped
        ("and what about 13B in int8?", (13 * B, "int8", True, [])),
        ("can we run qwen3-32b on two h100s?", ("qwen3-32b", "bf16", False, [(H100, 2)])),
        ("is a single A100 enough for mistral 7b", ("mistral-7b", "bf16", False, [(A100, 1)])),
        ("how much vram do I need for 13B", (13 * B, "fp16", False, [])),
        ("70B fp16 please", (70 * B, "fp16", True, [])),
        ("thanks! 70B fp16?", (70 * B, "fp16", True, [])),
        # Chinese
        ("70B 的模型用 fp16 需要多少显存", (70 * B, "fp16", True, [])),
        ("部署 Llama 3.1 70B 需要几张 H100", ("llama-3.1-70b", "bf16", False, [(H100, None)])),
        ("单卡 4090 能跑 32B int4 吗", (32 * B, "int4", True, [("RTX-4090-24GB", 1)])),
        ("推理 700亿 参数的模型 两张 A100", (70 * B, "fp16", False, [(A100, 2)])),
        ("一张 H100 能跑 7000万 参数吗", (70_000_000, "fp16", False, [(H100, 1)])),
        ("四张 L40S 部署 qwen3-32b", ("qwen3-32b", "bf16", False, [("L40S-48GB", 4)])),
        ("单张 L4 推理 llama-3.1-8b", ("llama-3.1-8b", "bf16", False, [("L4-24GB", 1)])),
        # numbers as words, 1x, x2, 2×
        ("70B on one h100", (70 * B, "fp16", False, [(H100, 1)])),
        ("70B on a pair of a100s", (70 * B, "fp16", False, [(A100, 2)])),
        ("70B on eight h100", (70 * B, "fp16", False, [(H100, 8)])),
        ("70B on 1x h100", (70 * B, "fp16", False, [(H100, 1)])),
        ("70B on h100 x2", (70 * B, "fp16", False, [(H100, 2)])),
        ("70B on 2× h100", (70 * B, "fp16", False, [(H100, 2)])),
        # cards as people name them
        ("13B on a 4090", (13 * B, "fp16", False, [("RTX-4090-24GB", 1)])),
        ("13B on two 3090s", (13 * B, "fp16", False, [("RTX-3090-24GB", 2)])),
        ("32B int4 on a 5090", (32 * B, "int4", True, [("RTX-5090-32GB", 1)])),
        ("70B int4 on an A6000", (70 * B, "int4", True, [("RTX-A6000-48GB", 1)])),
        ("70B on L40s", (70 * B, "fp16", False, [("L40S-48GB", None)])),
        ("70B on 4 H100s", (70 * B, "fp16", False, [(H100, 4)])),
        ("deepseek-v3 on MI300", ("deepseek-v3", "fp8-block", False, [("MI300X-192GB", None)])),
        ("deepseek-v3 on 8 B200s", ("deepseek-v3", "fp8-block", False, [("B200-180GB", 8)])),
        # comparisons: cards side by side
        ("A100 vs H100 for 70B", (70 * B, "fp16", False, [(A100, None), (H100, None)])),
        (
            "L40S or A100 40GB? 70b",
            (70 * B, "fp16", False, [("L40S-48GB", None), ("A100-40GB", None)]),
        ),
    ],
)
def test_what_people_write(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "memory_bytes", "count"),
    [
        ("13B on a 24GB card", 24 * B, 1),
        ("does 70B int4 fit in 48 GB", 48 * B, 1),
        ("can I run 13B on 16 gigs of vram", 16 * B, 1),
        ("13B on two 24GB cards", 24 * B, 2),
        ("how many 24GB cards for 70B", 24 * B, None),
        ("70B on 80 GiB", 80 * 2**30, 1),
        ("32B int4 用 24G 显存", 24 * B, 1),
    ],
)
def test_a_capacity_with_no_card_named_is_a_card_of_its_own(text, memory_bytes, count):
    (request,) = parse(text).gpus
    assert (request.gpu.memory_bytes, request.count, request.capacity_only) == (
        memory_bytes,
        count,
        True,
    )


def test_the_fit_is_checked_against_the_capacity_asked():
    (plan,) = estimate("can I run 13B on 16 gigs of vram").gpus
    assert plan.gpu.memory_bytes == 16 * B
    assert plan.fits_requested is False  # 13B fp16 = 31.2 GB with the allowance
    (plan,) = estimate("7B int4 on a 24GB card").gpus
    assert plan.fits_requested is True


@pytest.mark.parametrize(
    ("text", "context", "users"),
    [
        ("llama-3.1-8b int4 64k", 65_536, 1),
        ("llama-3.1-8b fp8 32k ctx", 32_768, 1),
        ("llama-3.1-8b 128k context", 131_072, 1),
        ("llama-4-scout 1M context", 2**20, 1),
        ("llama-3.1-8b for 50 concurrent users", None, 50),
        ("llama-3.1-8b 30 users", None, 30),
        ("llama-3.1-8b batch of 8", None, 8),
        ("llama-3.1-8b for eight users at 16k", 16_384, 8),
        ("70B 上下文 32k 并发 20", 32_768, 20),
        ("70B 20个用户", None, 20),
    ],
)
def test_contexts_and_users_wherever_they_stand(text, context, users):
    workload = parse(text).workload
    assert (workload.context_tokens, workload.sequences) == (context, users)


def test_inverse_in_chinese():
    assert parse("llama-3.1-8b 最大上下文 一张 L4").solve_for == "context"
    assert parse("llama-3.1-8b 8k 最大并发 一张 L4").solve_for == "users"


def test_64k_alone_is_still_too_small_for_a_model():
    with pytest.raises(QueryError, match="ctx=32k"):
        parse("64k")


@pytest.mark.parametrize(
    ("text", "model", "written"),
    [
        ("mixtrall 8x7b", "mixtral-8x7b", "mixtrall 8x7b"),
        ("qwen2,5 14b", "qwen2.5-14b", "qwen2,5 14b"),
        ("lamma 3 70b fp16", "llama-3-70b", "lamma 3 70b"),
    ],
)
def test_a_typo_one_edit_away_from_one_name_answers_for_it_and_says_so(text, model, written):
    query = parse(text)
    assert query.model.key == model
    assert (query.name_note.kind, query.name_note.written) == ("typo", written)


def test_an_ambiguous_typo_asks_which():
    with pytest.raises(QueryError) as caught:
        parse("lamma 3")
    assert set(caught.value.suggestions) == {"llama-3-8b", "llama-3-70b"}
    assert "llama-3-8b" in caught.value.message


def test_a_digit_is_never_a_typo():
    with pytest.raises(QueryError, match="don't know the model"):
        parse("llama-5-70b")


def test_prose_left_over_does_not_block_the_answer_and_is_named():
    query = parse("hey team, does 70B int4 fit on 2 h100 for our chatbot?")
    assert (query.params, query.precision.name, cards(query)) == (70 * B, "int4", [(H100, 2)])
    assert query.ignored_words == ("team", "chatbot")
    assert any("'team', 'chatbot'" in note for note in estimate(query.text).assumptions)


@pytest.mark.parametrize("text", ["any idea if it fits", "please", "thanks?", "可以吗"])
def test_nothing_understood_is_refused_with_an_example(text):
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert "model size" in caught.value.message
    parse(caught.value.example)


def test_how_many_nodes():
    assert parse("deepseek-v3 how many nodes of h100").wants_nodes
    assert not parse("deepseek-v3 on h100").wants_nodes


def test_which_card_compares_them_all():
    assert parse("which card for 13B").compare_all
    assert parse("13B 用什么卡").compare_all


@pytest.mark.parametrize(
    ("text", "formats"),
    [
        ("70B fp8 vs fp16", ["fp8", "fp16"]),
        ("qwen3-32b awq or gptq", ["awq", "gptq"]),
        ("70B int4 versus int8 versus fp16", ["int4", "int8", "fp16"]),
        ("70B fp8 还是 fp16", ["fp8", "fp16"]),
    ],
)
def test_formats_to_compare(text, formats):
    query = parse(text)
    assert [p.name for p in query.compare_precisions] == formats
    assert query.precision.name == formats[0]


def test_two_formats_without_vs_are_still_a_contradiction():
    with pytest.raises(QueryError, match="two precisions"):
        parse("70B fp16 int4")


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("fine-tune llama-3.1-8b", "full"),
        ("llama-3.1-8b lora", "lora"),
        ("qlora 70B on one a6000", "qlora"),
        ("sft qwen3-8b", "full"),
        ("pretrain 7B", "pretrain"),
        ("dpo llama-3.1-8b", "dpo"),
        ("llama-3.1-8b 微调", "full"),
        ("qwen3-32b 全参数微调 需要几张 H100", "full"),
    ],
)
def test_training_words(text, method):
    query = parse(text)
    assert (query.task, query.training.method) == (method, method)
    assert estimate(text).training is not None  # answered by estimator.training_answer


def test_training_options():
    query = parse("llama-3.1-8b lora rank=16 targets=qv batch=4 seq=2048 gc zero3 optim=adamw8bit")
    options = query.training
    assert (options.rank, options.targets, options.micro_batch, options.seq_len) == (
        16,
        "qv",
        4,
        2048,
    )
    assert (options.gradient_checkpointing, options.sharding, options.optimizer.name) == (
        True,
        "zero3",
        "adamw8bit",
    )
    assert parse("llama-3.1-8b dpo lora").training.adapter == "lora"
    assert parse("70B fsdp on 8x h100").training.sharding == "fsdp"
    assert parse("70B full no gc").training.gradient_checkpointing is False


@pytest.mark.parametrize(
    ("text", "engine"),
    [
        ("llama-3.1-8b engine=sglang", "sglang"),
        ("llama-3.1-8b on sglang", "sglang"),
        ("llama-3.1-8b q4_k_m with llama.cpp", "llama.cpp"),
        ("llama-3.1-8b in ollama", "ollama"),
        ("llama-3.1-8b llama-server", "llama.cpp"),
        ("llama-3.1-8b", None),
    ],
)
def test_engines(text, engine):
    assert parse(text).engine == engine


@pytest.mark.parametrize(
    ("text", "repo", "revision"),
    [
        ("someorg/Foo-7B-Instruct 7B", "someorg/Foo-7B-Instruct", None),
        ("someorg/Foo-7B@v1.0 int4", "someorg/Foo-7B", "v1.0"),
        ("https://huggingface.co/someorg/Foo-7B/tree/abc123 fp16", "someorg/Foo-7B", "abc123"),
        ("hf.co/someorg/Foo-7B", "someorg/Foo-7B", None),
    ],
)
def test_a_hub_repo_not_in_the_catalog_is_recognised(text, repo, revision):
    query = parse(text)
    assert (query.model, query.hub_repo, query.hub_revision) == (None, repo, revision)


def test_a_catalog_repo_is_the_catalog_model():
    query = parse("meta-llama/Llama-3.1-70B-Instruct fp16")
    assert (query.model.key, query.hub_repo) == ("llama-3.1-70b", None)


@pytest.mark.parametrize(
    ("text", "memory_bytes", "unused"),
    [
        ("is 80GB enough for a 70b model in 8 bit", 80 * B, ()),
        ("run phi-4 on a 2070 8gb", 8 * B, ("2070",)),
        ("phi-4 on rtx 3050 with 8GB", 8 * B, ("rtx", "3050")),
    ],
)
def test_a_card_not_in_the_catalog_with_its_memory_is_that_memory(text, memory_bytes, unused):
    query = parse(text)
    assert [r.gpu.memory_bytes for r in query.gpus] == [memory_bytes]
    assert query.ignored_words == unused


@pytest.mark.parametrize("text", ["phi-4 on an rtx 3050", "13b on a 1080"])
def test_a_card_not_in_the_catalog_without_its_memory_asks_for_it(text):
    with pytest.raises(QueryError, match="Say its memory instead") as caught:
        parse(text)
    parse(caught.value.example)


@pytest.mark.parametrize(
    ("text", "solve"),
    [
        ("how many users can 2 h100 serve llama-3.1-70b at 8k", "users"),
        ("how much context fits llama-3.1-8b on one l4", "context"),
        ("how long a context for llama-3.1-8b on one l4", "context"),
    ],
)
def test_inverse_questions_as_people_ask_them(text, solve):
    assert parse(text).solve_for == solve


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("Qwen2.5-7B LoRA 微调 需要多大显存", "lora"),
        ("fine-tune llama-3.1-8b with qlora", "qlora"),
        ("sft llama-3.1-8b with lora rank=8", "lora"),
        ("7B 微调", "full"),
    ],
)
def test_training_said_in_general_yields_to_the_method_named(text, method):
    assert parse(text).task == method


def test_at_a_number_of_bits_is_not_a_context():
    workload = parse("a 70B model at 4 bits with 128k context for 4 users on h100s").workload
    assert (workload.context_tokens, workload.sequences) == (131_072, 4)
    assert parse("llama-3.1-70b at 8192 on 2 h100").workload.context_tokens == 8_192


def test_two_models_are_refused_by_name():
    with pytest.raises(QueryError, match="two models") as caught:
        parse("llama 3 70b vs qwen 2.5 72b")
    assert "Llama 3 70B" in caught.value.message and "Qwen2.5 72B" in caught.value.message
    parse(caught.value.example)


def test_chinese_left_over_is_one_word_and_how_many_machines_is_nodes():
    assert parse("DeepSeek-R1 满血版 需要多少显存").ignored_words == ()
    assert parse("qwen3-32b 什么鬼").ignored_words == ("什么鬼",)  # one word, not three
    query = parse("llama 3.1 405b 需要几台8卡H100")
    assert query.wants_nodes and [(r.gpu.name, r.count) for r in query.gpus] == [("H100-80GB", 8)]
