"""Ollama: llama.cpp's rules (it runs llama-server with -c num_ctx x num_parallel), with its
own defaults: num_ctx from the total VRAM when unset (4k / 32k / 256k, capped at the model's
trained context), OLLAMA_NUM_PARALLEL = 1, an f16 KV cache unless OLLAMA_KV_CACHE_TYPE says
q8_0 or q4_0 (with OLLAMA_FLASH_ATTENTION=1), and the GPU layers chosen for you."""

from dataclasses import dataclass

from estimator.engines.llamacpp import LlamaCpp
from estimator.engines.llamacpp import load as load_llamacpp
from estimator.tables import load_table


@dataclass(frozen=True)
class Ollama(LlamaCpp):
    context_tiers: tuple[tuple[int, int], ...] = ()
    num_parallel: int = 1
    default_format: str | None = None

    def default_context(self, model, gpus) -> int | None:
        vram = sum(self.device_bytes(gpu) for gpu in gpus)
        chosen = next(tokens for floor, tokens in self.context_tiers if vram >= floor)
        return min(chosen, model.native_context)

    def serve_command(self, query, footprint, layout, gpu, gpu_layers=None) -> str:
        env = []
        if footprint.max_model_len:
            env.append(f"OLLAMA_CONTEXT_LENGTH={footprint.max_model_len}")
        if footprint.sequences > 1:
            env.append(f"OLLAMA_NUM_PARALLEL={footprint.sequences}")
        kv_format = query.workload.kv_format
        if kv_format is not None and kv_format.name in ("q8_0", "q4_0"):
            env.append(f"OLLAMA_KV_CACHE_TYPE={kv_format.name} OLLAMA_FLASH_ATTENTION=1")
        model = query.model
        tag = f"<{model.key} {query.precision.name}>" if model else "<your-model>"
        line = " ".join([*env, "ollama serve"]) + f"   # then: ollama run {tag}"
        if gpu_layers is not None:
            line += f"; Modelfile: PARAMETER num_gpu {gpu_layers}"
        return line

    def assumption(self, footprint, gpu) -> str:
        words = (
            super()
            .assumption(footprint, gpu)
            .replace(
                f"Recommended: {self.name} ({self.version}):",
                f"Recommended: {self.name} {self.version}, which runs llama-server:",
            )
        )
        return words + (
            " Its defaults: num_ctx 4k/32k/256k by total VRAM (under 23 GiB / under 47 GiB / "
            "more), OLLAMA_NUM_PARALLEL=1, f16 KV cache (OLLAMA_KV_CACHE_TYPE=q8_0 halves it); "
            "set them as environment variables of `ollama serve` or `PARAMETER num_ctx` in a "
            "Modelfile."
        )


def load() -> Ollama:
    row = load_table("engines.toml")["ollama"]
    base = load_llamacpp()
    fields = {field: getattr(base, field) for field in base.__dataclass_fields__}
    fields.update(key="ollama", name=row["name"], version=row["version"])
    fields.update(aliases=tuple(row["aliases"]), num_parallel=row["num_parallel"])
    fields["context_tiers"] = tuple(tuple(tier) for tier in row["default_context_tiers"])
    fields["default_format"] = row["default_format"]
    return Ollama(**fields)
