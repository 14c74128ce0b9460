"""Names as people write them (issue 8 §2): a family and a size, an unknown name with a
size, an unknown name alone, over whatever the catalog holds (NameIndex takes a catalog)."""

import pytest

from estimator import QueryError, estimate, parse
from estimator.model_names import CATALOG, NameIndex, NameParts, name_parts
from estimator.models import ALL_MODELS, MODELS_BY_KEY

B = 10**9


@pytest.mark.parametrize(
    ("key", "family", "version", "size"),
    [
        ("llama-3.1-70b", "llama", (3, 1), 70 * B),
        ("qwen2.5-coder-32b", "qwen-coder", (2, 5), 32 * B),
        ("qwen3-30b-a3b", "qwen", (3,), 30 * B),
        ("mixtral-8x7b", "mixtral", (), None),
        ("deepseek-v3", "deepseek", (3,), None),
        ("gpt-oss-120b", "gpt-oss", (), 120 * B),
        ("gemma-3-270m", "gemma", (3,), 270_000_000),
        ("deepseek-r1-distill-qwen-32b", "deepseek-r1-distill-qwen", (), 32 * B),
    ],
)
def test_family_version_and_size_are_read_from_the_key(key, family, version, size):
    assert name_parts(key) == NameParts(family, version, size)


def newest(family_key: str, size: int) -> str:
    """The newest catalog model of a family at a size, by the version in its key."""
    fits = [
        m
        for m in ALL_MODELS
        if name_parts(m.key).family == family_key
        and abs((name_parts(m.key).size or m.params) - size) <= 0.05 * size
    ]
    return max(fits, key=lambda m: name_parts(m.key).version).key


@pytest.mark.parametrize(
    ("text", "family", "size", "also"),
    [
        ("llama 70B fp16", "llama", 70 * B, "llama-3.1-70b"),
        ("qwen 32b", "qwen", 32 * B, "qwen2.5-32b"),
        ("gemma 27b int4", "gemma", 27 * B, "gemma-2-27b"),
        ("llama 8b on a 4090", "llama", 8 * B, "llama-3-8b"),
    ],
)
def test_a_family_and_a_size_pick_the_newest_and_name_the_others(text, family, size, also):
    query = parse(text)
    assert query.model.key == newest(family, size)
    assert query.name_note.kind == "family"
    assert also in query.name_note.alternatives
    assert any(MODELS_BY_KEY[also].display_name in note for note in estimate(text).assumptions)


def test_llama_70b_is_the_article_s_figure_whichever_70b_llama_3_it_picks():
    # Llama 3.3 70B is the newest; it has Llama 3.1 70B's architecture and count exactly.
    picked = parse("llama 70B fp16").model
    assert picked.params == MODELS_BY_KEY["llama-3.1-70b"].params
    assert estimate("llama 70B fp16").total_bytes == estimate("llama-3.1-70b fp16").total_bytes


def test_an_unknown_name_with_a_size_answers_for_the_size_and_says_so():
    query = parse("codestral-9000 22b")
    assert (query.model, query.params) == (None, 22 * B)
    assert (query.name_note.kind, query.name_note.written) == ("unknown", "codestral-9000")
    assert "codestral-22b" in query.name_note.alternatives
    assert any(
        "'codestral-9000' is not a model" in n for n in estimate("codestral-9000 22b").assumptions
    )


@pytest.mark.parametrize(("text", "size"), [("deepseek-r2:32b", 32 * B), ("qwen9-14b", 14 * B)])
def test_an_unknown_name_alone_gets_suggestions_of_the_size_asked(text, size):
    with pytest.raises(QueryError) as caught:
        parse(text)
    suggestions = caught.value.suggestions
    assert suggestions and "Did you mean" in caught.value.message
    assert all(0.5 <= MODELS_BY_KEY[key].params / size <= 2 for key in suggestions)


def test_the_ollama_tag_of_the_distill_is_the_distill():
    assert parse("deepseek-r1:32b").model.key == "deepseek-r1-distill-qwen-32b"
    with pytest.raises(QueryError) as caught:
        parse("deepseek-r2:32b")
    assert caught.value.suggestions[0] == "deepseek-r1-distill-qwen-32b"


def test_a_family_alone_asks_which():
    with pytest.raises(QueryError) as caught:
        parse("mixtral fp16")
    assert set(caught.value.suggestions) == {"mixtral-8x7b", "mixtral-8x22b"}


def test_the_matcher_works_over_the_catalog_it_is_given():
    only_qwen25 = NameIndex([MODELS_BY_KEY["qwen2.5-32b"], MODELS_BY_KEY["qwen2.5-7b"]])
    assert parse("qwen 32b", names=only_qwen25).model.key == "qwen2.5-32b"
    assert parse("qwen 32b", names=CATALOG).model.key == newest("qwen", 32 * B)
    with pytest.raises(QueryError):
        parse("qwen3-32b", names=only_qwen25)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.key)
def test_every_catalog_model_by_key_hub_id_url_and_gguf_file(model):
    repo = model.hf_id.rsplit("/", 1)[-1]
    for text in (model.key, model.hf_id, f"https://huggingface.co/{model.hf_id}", *model.aliases):
        assert parse(text).model is model, text
    gguf = parse(f"{repo}-Q4_K_M.gguf")
    assert (gguf.model, gguf.precision.name) == (model, "q4_k_m")
