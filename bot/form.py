"""The "Size a model" form: its fields, and from what was filled in to a question.

Each field adds words to the question (`question_words`), so that the form asks exactly
what someone could type. A field the estimator refuses gets the estimator's own message,
shown under that field (`field_errors`): the question is checked one field at a time, in
the form's order, so the first field that breaks it is the one named.
"""

import dataclasses
import functools
from dataclasses import dataclass

from estimator import QueryError, estimate, parse
from estimator.gpus import ALL_GPUS
from estimator.models import ALL_MODELS
from estimator.query import Query

MODEL, FORMAT, CONTEXT, USERS, CARD, COUNT, ENGINE, TASK = (
    "model", "format", "context", "users", "card", "count", "engine", "task",
)  # fmt: skip

FORMATS = (
    "fp16", "bf16", "fp8", "int8", "int4", "awq", "gptq", "nf4", "mxfp4", "nvfp4",
    "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k",
)  # fmt: skip
CONTEXTS = (2, 4, 8, 16, 32, 64, 128, 256)  # × 1,024 tokens
MAX_OPTIONS = 100  # Slack's limit for a select's options
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
# Words for engines and tasks the estimator may understand; the form offers those it does.
ENGINE_WORDS = ("sglang", "llama.cpp", "tgi", "trt-llm", "ollama")
TASK_WORDS = ("lora", "qlora", "full fine-tune", "fine-tune", "training")


@dataclass(frozen=True)
class Choice:
    label: str  # what the form shows
    value: str  # what it adds to the question


def format_choices() -> list[Choice]:
    return [Choice(name, name) for name in FORMATS]


def context_choices() -> list[Choice]:
    return [Choice(f"{k}k tokens ({k * 1024:,})", f"ctx={k}k") for k in CONTEXTS]


def card_choices() -> list[Choice]:
    return [Choice(gpu.name, gpu.name) for gpu in ALL_GPUS][:MAX_OPTIONS]


@functools.cache
def engine_choices() -> tuple[Choice, ...]:
    """vLLM (the default) and each engine the parser sets on the Query, if it has engines."""
    return _understood("engine", ENGINE_WORDS, default=Choice("vLLM", ""))


@functools.cache
def task_choices() -> tuple[Choice, ...]:
    return _understood("task", TASK_WORDS, default=Choice("serve (inference)", ""))


def _understood(field: str, words: tuple[str, ...], default: Choice) -> tuple[Choice, ...]:
    if field not in {f.name for f in dataclasses.fields(Query)}:
        return (default,)
    plain = getattr(parse("70B"), field)
    found = [default]
    for word in words:
        try:
            if getattr(parse(f"70B {word}"), field) != plain:
                found.append(Choice(word, word))
        except QueryError:
            continue
    return tuple(found)


def model_choices(typed: str) -> list[Choice]:
    """What the model menu offers for `typed`: the text itself first (a size like 70B, a
    Hugging Face id, any name the estimator reads), then catalog models that match."""
    typed = " ".join(typed.split())[:OPTION_VALUE_MAX]
    needle = typed.casefold()
    found = [Choice(typed[:OPTION_TEXT_MAX], typed)] if typed else []
    for model in ALL_MODELS:
        names = (model.key, model.display_name, model.hf_id)
        matches = not needle or any(needle in name.casefold() for name in names)
        if matches and model.key.casefold() != needle:
            found.append(Choice(f"{model.display_name} ({model.key})"[:OPTION_TEXT_MAX], model.key))
        if len(found) >= MAX_OPTIONS:
            break
    return found


def question_words(values: dict[str, str | None]) -> list[tuple[str, str]]:
    """(field, words) in the form's order, for the fields that were filled in."""
    words: list[tuple[str, str]] = []
    for field in (MODEL, FORMAT, CONTEXT, USERS, ENGINE, TASK):
        value = (values.get(field) or "").strip()
        if value:
            words.append((field, f"users={value}" if field == USERS else value))
    card, count = values.get(CARD), (values.get(COUNT) or "").strip()
    if card:
        words.append((CARD, f"on {count}x {card}" if count else f"on {card}"))
    return words


def field_errors(values: dict[str, str | None]) -> dict[str, str]:
    """{field: message} for the form's fields, empty when the question can be answered."""
    if not (values.get(MODEL) or "").strip():
        return {MODEL: "Pick a model, or type a size (70B) or a Hugging Face id."}
    if (values.get(COUNT) or "").strip() and not values.get(CARD):
        return {CARD: "Pick the card for that count."}
    asked: list[str] = []
    for field, words in question_words(values):
        asked.append(words)
        try:
            parse(" ".join(asked))
        except QueryError as error:
            return {COUNT if field == CARD and values.get(COUNT) else field: error.message}
    try:
        estimate(" ".join(asked))
    except QueryError as error:
        return {MODEL: error.message}
    return {}


def question_text(values: dict[str, str | None]) -> str:
    return " ".join(words for _, words in question_words(values))
