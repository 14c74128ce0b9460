"""The serving engine of a question: the one named, else llama.cpp for a GGUF format or an
Apple silicon machine, else vLLM. Each engine's rules live in its profile (estimator/engines/),
its figures in data/engines.toml."""

from fractions import Fraction

from estimator.engines import llamacpp, ollama, sglang, vllm
from estimator.engines.base import Engine, Layout
from estimator.gguf import is_gguf_format
from estimator.tables import load_table, name_key

VLLM = vllm.load()
SGLANG = sglang.load()
LLAMA_CPP = llamacpp.load()
OLLAMA = ollama.load()
ENGINES: tuple[Engine, ...] = (VLLM, SGLANG, LLAMA_CPP, OLLAMA)
_BY_NAME = {
    name_key(alias): engine for engine in ENGINES for alias in (engine.key, *engine.aliases)
}
RULE_OF_THUMB_OVERHEAD = Fraction(load_table("engines.toml")["rule_of_thumb"]["overhead"])


def find_engine(name: str) -> Engine | None:
    return _BY_NAME.get(name_key(name))


def engine_for(query) -> Engine:
    """The engine named in the question; unnamed, llama.cpp for GGUF files and Macs, else vLLM."""
    named = getattr(query, "engine", None)
    if named:
        engine = find_engine(named)
        if engine is not None:
            return engine
    if is_gguf_format(query.precision.name) or any(r.gpu.unified_memory for r in query.gpus):
        return LLAMA_CPP
    return VLLM


__all__ = ["ENGINES", "LLAMA_CPP", "OLLAMA", "SGLANG", "VLLM", "Engine", "Layout", "engine_for"]
