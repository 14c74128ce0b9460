"""What vLLM's start-up profile keeps back on each GPU besides weights and KV cache.

vLLM sizes its KV cache as `total × gpu_memory_utilization − (weights + the torch peak
increase of a dummy run + the non-torch increase)`, and since 0.21 also less its estimate of
the CUDA graphs (vllm/v1/worker/gpu_worker.py determine_available_memory, utils/mem_utils.py
memory_profiling). The dummy run (gpu_model_runner.profile_run) is one forward over
`max_num_batched_tokens` tokens split into min(max_num_seqs, tokens) requests, then the
sampler over one row of logits per request and the whole vocabulary.

The torch peak is therefore the larger of the forward's widest layer and the sampler's
working set; a MoE layer's fused-kernel buffers stay allocated, so they add to it. The
figures per element come from the v0.19.0 logs carried in tests/data/engine_cases.json; the
defaults and the terms they multiply, from vLLM's code (data/engines.toml names both).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from estimator.gpus import Gpu

if TYPE_CHECKING:
    from estimator.models import Model

ACTIVATION_BYTES = 2  # bf16 / fp16 activations, whatever the weights' format


@dataclass(frozen=True)
class ProfileRules:
    """The [vllm.profile] table of data/engines.toml."""

    @classmethod
    def from_table(cls, row: dict) -> "ProfileRules":
        return cls(
            large_card_bytes=row["large_card_bytes"],
            small_card_names=tuple(row["small_card_names"]),
            batched_tokens=tuple(row["batched_tokens"]),
            max_num_seqs=tuple(row["max_num_seqs"]),
            sampler_bytes_per_logit=row["sampler_bytes_per_logit"],
            residual_streams=row["residual_streams"],
            non_torch_bytes=tuple(row["non_torch_bytes"]),
            cuda_graph_bytes=row["cuda_graph_bytes"],
        )

    large_card_bytes: int
    small_card_names: tuple[str, ...]
    batched_tokens: tuple[int, int]  # (large cards, others), `vllm serve`
    max_num_seqs: tuple[int, int]
    sampler_bytes_per_logit: int  # beside the logits themselves, in the activations' dtype
    residual_streams: int  # hidden-size tensors alive beside a layer's MLP
    non_torch_bytes: tuple[int, int]  # (one GPU, tensor parallel)
    cuda_graph_bytes: int


@dataclass(frozen=True)
class ProfileRun:
    """One GPU's share of the start-up profile, in bytes."""

    batched_tokens: int
    requests: int
    vocab_size: int
    forward_bytes: int
    sampler_bytes: int
    moe_buffer_bytes: int
    non_torch_bytes: int
    cuda_graph_bytes: int

    @property
    def activation_bytes(self) -> int:
        """The torch peak increase vLLM logs as 'peak activation'."""
        return max(self.forward_bytes, self.sampler_bytes) + self.moe_buffer_bytes

    @property
    def total_bytes(self) -> int:
        return self.activation_bytes + self.non_torch_bytes + self.cuda_graph_bytes


def batch_defaults(rules: ProfileRules, gpu: Gpu) -> tuple[int, int]:
    """(max_num_batched_tokens, max_num_seqs) that `vllm serve` picks for the card: larger
    on cards of 70 GiB and more, except the A100 (arg_utils.py _set_default_args)."""
    small = gpu.memory_bytes < rules.large_card_bytes or any(
        name in gpu.name.lower() for name in rules.small_card_names
    )
    index = 1 if small else 0
    return rules.batched_tokens[index], rules.max_num_seqs[index]


# A plan asks for the same profile for every layout it tries: computed runs, by the identity
# of their inputs (rules and model are kept beside the run, so an id is never reused).
_RUNS: dict[tuple, tuple[ProfileRules, "Model", ProfileRun]] = {}


def profile_run(
    rules: ProfileRules, model: "Model", gpu: Gpu, tensor_parallel: int, max_num_seqs: int | None
) -> ProfileRun:
    """The profile on one GPU of a `tensor_parallel` group; `max_num_seqs` as the launch line
    sets it (None: vLLM's default for the card)."""
    key = (id(rules), id(model), gpu, tensor_parallel, max_num_seqs)
    kept = _RUNS.get(key)
    if kept is not None and kept[0] is rules and kept[1] is model:
        return kept[2]
    run = _profile_run(rules, model, gpu, tensor_parallel, max_num_seqs)
    if len(_RUNS) >= 4096:
        _RUNS.clear()
    _RUNS[key] = (rules, model, run)
    return run


def _profile_run(
    rules: ProfileRules, model: "Model", gpu: Gpu, tensor_parallel: int, max_num_seqs: int | None
) -> ProfileRun:
    tokens, default_seqs = batch_defaults(rules, gpu)
    requests = min(max_num_seqs or default_seqs, tokens)
    hidden = tokens * model.hidden_size * ACTIVATION_BYTES
    widest = _widest_dense_mlp(model)
    width_factor = 2 if model.mlp == "plain" else 3  # up (+ gate) output, then the activation
    forward = (
        tokens
        * ACTIVATION_BYTES
        * (width_factor * widest // tensor_parallel + rules.residual_streams * model.hidden_size)
    )
    # The logits are gathered whole on every rank: the vocabulary is not divided by TP. A
    # pooling (embedding) model runs its pooler instead of the sampler.
    logits = 0 if model.is_embedding else requests * model.vocab_size
    sampler = logits * (ACTIVATION_BYTES + rules.sampler_bytes_per_logit) + hidden
    moe = 0
    if model.is_moe:
        expert = model.moe_intermediate_size // tensor_parallel
        moe = (
            tokens
            * model.experts_per_token
            * (width_factor * expert + model.hidden_size)
            * ACTIVATION_BYTES
        )
    return ProfileRun(
        batched_tokens=tokens,
        requests=requests,
        vocab_size=0 if model.is_embedding else model.vocab_size,
        forward_bytes=forward if widest else hidden,
        sampler_bytes=sampler,
        moe_buffer_bytes=moe,
        non_torch_bytes=rules.non_torch_bytes[0 if tensor_parallel == 1 else 1],
        cuda_graph_bytes=rules.cuda_graph_bytes,
    )


def _widest_dense_mlp(model: "Model") -> int:
    if model.mlp_widths:
        return max(model.mlp_widths)
    if model.is_moe and not model.dense_layers:
        return 0
    return model.intermediate_size
