"""Adversarial questions: what people (or scripts) may type, up to Slack's 4,000 characters.

The same corpus is timed here (`python -m bench`) and proven harmless in
tests/hardening/test_input.py: an answer or a friendly error, never a traceback.
"""

import contextlib
import random
import time

from bench.in_process import signed_request
from bench.load import percentile
from bench.slack_requests import BOT_TOKEN, SIGNING_SECRET
from bot.app import build_app
from estimator import QueryError, estimate

SLACK_MAX_CHARS = 4000

ADVERSARIAL: dict[str, str] = {
    "empty": "",
    "1e308B": "1e308B",
    "1e309B": "1e309B fp16",
    "-5B": "-5B",
    "0B": "0B fp16",
    "NaN": "NaN",
    "NaN B": "NaNB fp16",
    "inf": "inf",
    "inf B": "infB int4 ctx=infk users=inf",
    "-inf": "-inf B",
    "9**9**9": "9**9**9 B",
    "10^999": "10^999 B fp16",
    "superscript tower": "9⁹⁹⁹⁹⁹⁹⁹ B",
    "nested units": "70 GB/GB*GiB per param per bit per byte",
    "parentheses": "(" * 1000 + "70B" + ")" * 1000,
    "units squared": "70 B² fp16³ ctx=8k²",
    "control characters": "".join(chr(c) for c in range(32)) * 50 + "70B\x00fp16\x7f",
    "bidi and zero-width": "\u202e70B\u200b fp16\u2066 ctx=8k\u200d",
    "emoji 4000": "😀" * SLACK_MAX_CHARS,
    "emoji family": "👩‍👩‍👧‍👦 70B 🚀 fp16 " * 10,
    "unicode 4000": ("７０Ｂ 七十亿 ٧٠ १० ₇₀ ⅦB Ω ß ﬁ " * 200)[:SLACK_MAX_CHARS],
    "digits 4000": "1" * (SLACK_MAX_CHARS - 1) + "B",
    "digit groups": "1," * (SLACK_MAX_CHARS // 2),
    "decimal points": "1." * (SLACK_MAX_CHARS // 2),
    "exponents": "1e" * (SLACK_MAX_CHARS // 2),
    "one long word": "a" * SLACK_MAX_CHARS,
    "one long unit": "G" * (SLACK_MAX_CHARS - 1) + "B",
    "model-ish names": "llama-" * (SLACK_MAX_CHARS // 6),
    "repeated question": "70B fp16 " * (SLACK_MAX_CHARS // 9),
    "repeated workload": "ctx=8k users=4 " * (SLACK_MAX_CHARS // 15),
    "many cards": "on 2x h100 " * (SLACK_MAX_CHARS // 11),
    "mentions": "<@U0123456>" * (SLACK_MAX_CHARS // 11),
    "entities": "&lt;&gt;&amp;" * (SLACK_MAX_CHARS // 13),
    "broken links": "<https://x|" * (SLACK_MAX_CHARS // 11),
    "spaces": " " * SLACK_MAX_CHARS,
    "newlines": "70B fp16\n" * (SLACK_MAX_CHARS // 9),
    "a million digits": "9" * 1_000_000,  # beyond Slack's limit: HTTP mode refuses it (413)
}


def random_questions(count: int, seed: int = 20240601) -> list[str]:
    """Seeded noise: words that mean something to the parser, mixed with every kind of junk."""
    rng = random.Random(seed)
    words = [
        "70B", "7.5b", "1.5T", "fp16", "int4", "q4_k_m", "ctx=32k", "users=20", "on", "2x",
        "h100", "llama-3.1-70b", "max", "ctx", "-5B", "0B", "1e400B", "NaN", "inf", "**", "^",
        "(", ")", ",", "😀", "\x00", "\u202e", "亿", "７０", "<@U1>", "&lt;", "\n", "private",
    ]  # fmt: skip
    alphabet = [chr(c) for c in range(0x20, 0x7F)] + ["é", "ß", "Ω", "中", "😀", "\u200b", "\t"]
    questions = []
    for _ in range(count):
        length = rng.choice([5, 20, 100, 500, 501, 2000, SLACK_MAX_CHARS])
        parts: list[str] = []
        while sum(map(len, parts)) < length:
            if rng.random() < 0.5:
                parts.append(rng.choice(words))
            else:
                parts.append("".join(rng.choices(alphabet, k=rng.randint(1, 12))))
        questions.append(" ".join(parts)[:length])
    return questions


def corpus(random_count: int) -> dict[str, str]:
    noise = {f"random #{i}": text for i, text in enumerate(random_questions(random_count))}
    return {**ADVERSARIAL, **noise}


def _estimate_s(text: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(QueryError):
        estimate(text)
    return time.perf_counter() - started


def run(api_url: str, random_count: int) -> dict:
    """Time `estimate` alone and a full /vram dispatch for every input; report the worst."""
    app = build_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=api_url)
    parse_s: dict[str, float] = {}
    dispatch_s: dict[str, float] = {}
    for name, text in corpus(random_count).items():
        parse_s[name] = _estimate_s(text)
        request = signed_request(text)
        started = time.perf_counter()
        response = app.dispatch(request)
        dispatch_s[name] = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{name}: dispatch answered {response.status}")

    def worst(times: dict[str, float]) -> dict:
        slowest = max(times, key=times.__getitem__)
        return {
            "n": len(times),
            "max_ms": round(times[slowest] * 1e3, 2),
            "p99_ms": round(percentile(list(times.values()), 99) * 1e3, 2),
            "slowest": slowest,
        }

    return {"estimate": worst(parse_s), "dispatch": worst(dispatch_s)}
