"""llama.cpp (llama-server): the GGUF file's tensors on the GPU(s) but the input embeddings,
the KV cache in cells (-c is shared by the --parallel slots, padded to 256; sliding-window
layers keep n_swa x slots + n_ubatch cells), a compute buffer per GPU, whole layers split
across GPUs, and on a card that cannot hold it all, the first layers left in system RAM
(-ngl counts the layers that go to the GPU)."""

import math
from dataclasses import dataclass

from estimator.engines.base import Engine, Layout, paged_kv_bytes
from estimator.gpus import Gpu
from estimator.tables import load_table
from estimator.units import format_bytes

F32_BYTES = 4
APPLE_PAGE = 16_384


@dataclass(frozen=True)
class Offload:
    """Partial offload on `gpus` cards: -ngl `gpu_layers` (of layers + 1: the output layer
    counts as the last), and what stays in system RAM."""

    gpu_layers: int
    total_layers: int
    gpu_bytes: int
    system_ram_bytes: int


@dataclass(frozen=True)
class LlamaCpp(Engine):
    key: str
    name: str
    version: str
    aliases: tuple[str, ...]
    ubatch_tokens: int
    cell_padding: int
    fit_margin: int
    max_gpus: int
    wired_share_large: object
    wired_share_small: object
    large_above_bytes: int
    recurrent_state_bits: int
    reserve_note: str = "per GPU: llama.cpp's compute buffer"

    largest_layout_words: str = "up to 8 GPUs"

    def layout_words(self, plan) -> str:
        count = plan.pipeline_parallel or 1
        return "all layers" if count == 1 else f"layers split over {count}"

    def kv_sentence(self, footprint) -> str | None:
        """'32 layers × 131,072 B/cell × 32,768 cells': -c cells shared by the slots; sliding
        layers keep n_swa x slots + n_ubatch cells."""
        model = footprint.kv_model
        cells = self.cells(footprint.context_tokens, footprint.sequences)
        if footprint.longest_sequence_tokens:
            cells = max(cells, self.cells(footprint.longest_sequence_tokens, 1))
        slots = footprint.sequences
        terms = []
        for spec, count in model.attention_layers():
            held = cells
            if hasattr(spec, "window"):
                wanted = spec.window * slots + self.ubatch_tokens
                held = min(cells, -(-wanted // self.cell_padding) * self.cell_padding)
            state = spec.state_bytes(bits=self.recurrent_state_bits)
            if state:  # llama_memory_recurrent: one f32 state per slot
                terms.append(
                    f"{count} {spec.kind} layers × {state:,} B of f32 state × {slots} "
                    f"slot{'s' * (slots != 1)}"
                )
                continue
            per_cell = spec.bytes_per_token(footprint.kv_bits)
            per_cell_text = (
                f"{int(per_cell):,}" if per_cell.denominator == 1 else f"{float(per_cell):,.1f}"
            )
            terms.append(f"{count} {spec.kind} layers × {per_cell_text} B/cell × {held:,} cells")
        product = terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")"
        return f"{product}; -c {cells:,} shared by {slots} slot{'s' * (slots != 1)}"

    def layouts(self, model, sequences: int = 1) -> list[Layout]:
        # --split-mode layer: whole layers per GPU, any count.
        return [Layout(1, count) for count in range(1, self.max_gpus + 1)]

    def device_bytes(self, gpu: Gpu) -> int:
        """What the GPU may hold: all of a card; on Apple silicon the share macOS lets the GPU
        wire (Metal's recommendedMaxWorkingSetSize)."""
        if not gpu.unified_memory:
            return gpu.memory_bytes
        share = (
            self.wired_share_large
            if gpu.memory_bytes > self.large_above_bytes
            else self.wired_share_small
        )
        # in whole 16 KiB pages, the page size of Apple silicon (21845.34 MiB on 32 GB)
        return math.ceil(gpu.memory_bytes * share / APPLE_PAGE) * APPLE_PAGE

    def usable_bytes(self, gpu, layout, model) -> int:
        # --fit (on by default) leaves fit_params_target = 1 GiB free on each device.
        return self.device_bytes(gpu) - self.fit_margin

    def cells(self, tokens: int, sequences: int) -> int:
        """-c: the slots share one cache of tokens x slots cells, padded to 256."""
        return -(-tokens * sequences // self.cell_padding) * self.cell_padding

    def cache_bytes(self, model, tokens, sequences, kv_bits, layout, windowed) -> int:
        cells = self.cells(tokens, sequences)

        def swa_cells(window: int) -> int:  # llama-kv-cache-iswa.cpp: size_swa
            wanted = window * sequences + self.ubatch_tokens
            return -(-wanted // self.cell_padding) * self.cell_padding

        total = paged_kv_bytes(
            model, cells, kv_bits, 1, 1, windowed=windowed, window_tokens=swa_cells,
            state_copies=sequences, state_bits=self.recurrent_state_bits,
        )  # fmt: skip
        return math.ceil(total / layout.pipeline_parallel)

    def compute_bytes(self, footprint) -> int:
        """The compute buffer llama.cpp reserves per GPU for a ubatch of 512 tokens: logits over
        the vocabulary and a hidden state per token, in F32 (Llama 3 8B: 512 x (128,256 +
        4,096) x 4 B = 258.50 MiB, what its log prints at -c 512). With flash attention (the
        CUDA default) the attention scores are never materialised, so it does not grow with
        the context; without it, long contexts add n_ctx x 512 x heads x 4 B."""
        model = footprint.kv_model
        if model is None:
            return 0
        return self.ubatch_tokens * (model.vocab_size + model.hidden_size) * F32_BYTES

    def reserve_bytes(self, footprint, gpu, layout) -> int:
        return self.compute_bytes(footprint)

    def gpu_weights_bytes(self, footprint) -> int:
        if footprint.gguf is None:
            return footprint.weights_bytes
        size = footprint.gguf
        return sum(size.layer_bytes) + size.output_bytes

    def per_gpu_bytes(self, footprint, gpu, layout) -> int:
        if footprint.uses_allowance:
            return math.ceil((footprint.weights_bytes + footprint.allowance_bytes) / layout.gpus)
        weights = math.ceil(self.gpu_weights_bytes(footprint) / layout.gpus)
        return weights + self.kv_bytes(footprint, layout) + self.compute_bytes(footprint)

    def offload(self, footprint, gpu: Gpu, count: int) -> Offload | None:
        """The most layers `count` cards hold (llama.cpp offloads the last ones first, then
        the output layer); None when the architecture is unknown."""
        size, model = footprint.gguf, footprint.kv_model
        if size is None or model is None or footprint.uses_allowance:
            return None
        room = self.usable_bytes(gpu, Layout(1), model) * count
        room -= self.compute_bytes(footprint) * count
        kv_per_layer = self.kv_bytes(footprint, Layout(1)) / model.layers
        used, layers = 0, 0
        for layer_bytes in reversed(size.layer_bytes):
            if used + layer_bytes + kv_per_layer > room:
                break
            used += layer_bytes + kv_per_layer
            layers += 1
        if layers == model.layers and used + size.output_bytes <= room:
            used += size.output_bytes
            layers += 1
        on_gpu = math.ceil(used)
        on_gpu_weights = on_gpu - math.ceil(kv_per_layer * min(layers, model.layers))
        ram = footprint.weights_bytes - on_gpu_weights
        ram += math.ceil(kv_per_layer * (model.layers - min(layers, model.layers)))
        return Offload(layers, model.layers + 1, on_gpu, ram)

    def _flags(self, query, footprint) -> list[str]:
        flags = []
        if footprint.context_tokens:
            cells = self.cells(footprint.context_tokens, footprint.sequences)
            longest = footprint.longest_sequence_tokens or 0
            flags.append(f"-c {max(cells, self.cells(longest, 1))}")
        kv_format = query.workload.kv_format
        if kv_format is not None and kv_format.name in ("q8_0", "q4_0"):
            flags.append(f"-ctk {kv_format.name} -ctv {kv_format.name} -fa on")
        return flags

    def gguf_file(self, query) -> str:
        model, precision = query.model, query.precision
        files = query.hub.weight_files if query.hub else ()
        if files and files[0].endswith(".gguf"):  # looked up on the Hub: the file itself
            return files[0].rsplit("/", 1)[-1]
        if model is None:
            return "<your-model>.gguf"
        return f"<{model.hf_id.rsplit('/', 1)[-1]}-{precision.name.upper()}.gguf>"

    def serve_command(self, query, footprint, layout, gpu, gpu_layers: int | None = None) -> str:
        parts = ["llama-server", f"-m {self.gguf_file(query)}", *self._flags(query, footprint)]
        layers = gpu_layers
        if layers is None:  # every layer and the output; 99 ("all") for an unknown architecture
            layers = footprint.kv_model.layers + 1 if footprint.kv_model else 99
        parts.append(f"-ngl {layers}")
        if footprint.sequences > 1:
            parts.append(f"--parallel {footprint.sequences}")
        return " ".join(parts)

    def assumption(self, footprint, gpu) -> str:
        words = (
            f"Recommended: {self.name} ({self.version}): the GGUF's tensors on the GPU except the "
            "input embeddings (kept in RAM), the KV cache in cells shared by the --parallel "
            f"slots, a {format_bytes(self.compute_bytes(footprint))} compute buffer and 1 GiB "
            "left free per GPU (--fit); whole layers split across GPUs (--split-mode layer)."
        )
        if gpu.unified_memory:
            words += (
                f" {gpu.name}: unified memory, of which macOS lets the GPU wire "
                f"{format_bytes(self.device_bytes(gpu))}; raise it with "
                "`sudo sysctl iogpu.wired_limit_mb=<MiB>`."
            )
        return words


def load(section: str = "llamacpp") -> LlamaCpp:
    from fractions import Fraction

    table = load_table("engines.toml")
    row, apple = table["llamacpp"], table["apple"]
    return LlamaCpp(
        key="llama.cpp",
        name=row["name"],
        version=row["version"],
        aliases=tuple(row["aliases"]),
        ubatch_tokens=row["ubatch_tokens"],
        cell_padding=row["cell_padding"],
        fit_margin=row["fit_margin_bytes"],
        max_gpus=row["max_gpus"],
        wired_share_large=Fraction(apple["wired_share_large"]),
        wired_share_small=Fraction(apple["wired_share_small"]),
        large_above_bytes=apple["large_above_bytes"],
        recurrent_state_bits=row["recurrent_state_bits"],
    )
