"""Training memory per GPU: weights, gradients, optimizer states, activations, logits, reserve.

Formulas (../shared/reference/FACTS.md "Training / fine-tuning", data/training.toml):
- mixed precision: bf16 weights and gradients, fp32 master copy + optimizer states of every
  trained parameter (ZeRO's 16 bytes per parameter for AdamW);
- activations: Korthikanti et al. (arXiv 2205.05198), 34·s·b·h per layer with FlashAttention,
  2·s·b·h per layer plus one recomputed layer with full recompute (gradient checkpointing);
- logits: fp32, 4·b·s·V;
- ZeRO-1/2/3 and FSDP divide the optimizer states / +gradients / +weights by the GPU count.
All sizes are exact integers of bytes, rounded up once where a fraction appears.
"""

import functools
import math
from dataclasses import dataclass, replace
from fractions import Fraction

from estimator.memory import weights_bytes
from estimator.models import LinearLayer, Model
from estimator.precisions import Precision
from estimator.training_data import (
    ATTENTION_AND_NORM_COEFFICIENT,
    CHECKPOINTED_COEFFICIENT,
    GATHERED_LAYERS,
    GRADIENT_BYTES,
    LOGIT_BYTES,
    MASTER_BYTES,
    MLP_COEFFICIENT,
    PER_LAYER_COEFFICIENT,
    QLORA_BITS,
    RESERVE_BYTES,
    WEIGHT_BYTES,
    Optimizer,
)
from estimator.training_options import Method, Sharding, target_names

# QLoRA's base: NF4 with double quantisation on the linear layers; embeddings and lm_head 16-bit.
QLORA_PRECISION = Precision(
    name="NF4 + double quant",
    bits=QLORA_BITS,
    scope="linear",
    kv_bits=Fraction(16),
    source="QLoRA (arXiv 2305.14314) §3",
)
FP32_BYTES = 4


def targeted_layers(model: Model, targets: str) -> tuple[LinearLayer, ...]:
    """The linear layers that get LoRA adapters. 'all': every linear layer but lm_head (PEFT's
    "all-linear"), routed experts included; otherwise those whose module name ends as listed."""
    names = target_names(targets)
    layers = [layer for layer in model.linear_layers() if layer.name != "lm_head"]
    if names is None:
        return tuple(layers)
    return tuple(layer for layer in layers if layer.name.rsplit(".", 1)[-1] in names)


def lora_params(model: Model, rank: int, targets: str) -> int:
    """LoRA trains A (r x d_in) and B (d_out x r) beside each targeted matrix: r·(d_in + d_out)
    (Hu et al., arXiv 2106.09685)."""
    return sum(
        rank * (layer.in_features + layer.out_features) * layer.count
        for layer in targeted_layers(model, targets)
    )


def factored_state_bytes(matrices: list[tuple[int, int, int]], vector_params: int) -> int:
    """Adafactor's second moment: row and column sums (fp32) of each (rows, cols, count) matrix,
    a full fp32 copy for vectors (Shazeer & Stern, arXiv 1804.04235)."""
    return FP32_BYTES * (
        sum((rows + cols) * count for rows, cols, count in matrices) + vector_params
    )


def layer_activation_coefficient(model: Model, moe_layer: bool) -> int:
    """Korthikanti's 34 (attention 11, norms 4, MLP 19) per s·b·h; in an MoE layer each token's
    hidden state goes through its top-k routed experts and the shared ones: MLP 19 each."""
    if not moe_layer:
        return PER_LAYER_COEFFICIENT
    return ATTENTION_AND_NORM_COEFFICIENT + MLP_COEFFICIENT * (
        model.experts_per_token + model.shared_experts
    )


def activation_bytes(model: Model, tokens_per_step: int, checkpointing: bool) -> int:
    """Activations kept for the backward pass of one micro-batch (tokens = b·s) on one GPU."""
    moe_layers = model.layers - model.dense_layers if model.is_moe else 0
    coefficients = [layer_activation_coefficient(model, True)] * moe_layers
    coefficients += [layer_activation_coefficient(model, False)] * (model.layers - moe_layers)
    per_token = model.hidden_size * tokens_per_step
    if checkpointing:  # layer inputs only, plus the one layer being recomputed
        return per_token * (CHECKPOINTED_COEFFICIENT * model.layers + max(coefficients))
    return per_token * sum(coefficients)


def logits_bytes(model: Model, tokens_per_step: int) -> int:
    return LOGIT_BYTES * tokens_per_step * model.vocab_size


def base_weights_bytes(params: int, precision: Precision, model: Model) -> int:
    """The frozen base at its format. For a bare size, `model` is a stand-in of another size:
    its share of embeddings (kept at 16 bits by bitsandbytes, GPTQ, AWQ) is applied to `params`."""
    if model.params == params or precision.scope == "all" or precision.bits >= 16:
        return weights_bytes(params, precision, model)
    groups = model.param_groups()
    kept = params * groups.embedding // groups.total
    return math.ceil(((params - kept) * precision.bits + kept * 16) / 8)


@dataclass(frozen=True)
class TrainingSetup:
    """A training run, every choice made: what is trained, how, on what micro-batch.

    `model` is the architecture (the one named, or a stand-in for a bare size); `params` the
    published parameter count; `base_precision` the format of the frozen base (LoRA, QLoRA,
    DPO with adapters) — full training holds bf16 weights."""

    method: Method
    model: Model
    params: int
    optimizer: Optimizer
    micro_batch: int
    seq_len: int
    gradient_checkpointing: bool
    base_precision: Precision | None = None
    adapter: str | None = None  # "lora" / "qlora" when adapters are trained
    rank: int | None = None
    targets: str | None = None

    @property
    def sequences_per_step(self) -> int:
        """DPO runs each prompt's chosen and rejected answers together (TRL's concatenated_forward)."""
        return self.micro_batch * (2 if self.method == "dpo" else 1)

    @property
    def tokens_per_step(self) -> int:
        return self.sequences_per_step * self.seq_len

    @property
    def trainable_params(self) -> int:
        if self.adapter:
            return lora_params(self.model, self.rank, self.targets)
        return self.params

    def _frozen_weights_bytes(self) -> int:
        if self.adapter:  # the base, at its format; for DPO it is also the reference model
            return base_weights_bytes(self.params, self.base_precision, self.model)
        if self.method == "dpo":  # a frozen bf16 reference copy of the policy
            return WEIGHT_BYTES * self.params
        return 0

    def _optimizer_state_bytes(self) -> int:
        if not self.optimizer.factored:
            return self.optimizer.state_bytes * self.trainable_params
        if self.adapter:
            matrices = [
                shape
                for layer in targeted_layers(self.model, self.targets)
                for shape in ((self.rank, layer.in_features, layer.count),
                              (layer.out_features, self.rank, layer.count))
            ]  # fmt: skip
            return factored_state_bytes(matrices, 0)
        linears = self.model.linear_layers()
        matrices = [(layer.out_features, layer.in_features, layer.count) for layer in linears]
        matrices.append((self.model.vocab_size, self.model.hidden_size, 1))  # input embedding
        in_matrices = (
            sum(layer.weights for layer in linears) + self.model.vocab_size * self.model.hidden_size
        )
        return factored_state_bytes(matrices, max(0, self.params - in_matrices))

    def replica(self) -> "TrainingParts":
        """What one GPU holds with no sharding."""
        trainable = self.trainable_params
        tokens = self.tokens_per_step
        return TrainingParts(
            weights=self._frozen_weights_bytes() + WEIGHT_BYTES * trainable,
            gradients=GRADIENT_BYTES * trainable,
            optimizer=MASTER_BYTES * trainable + self._optimizer_state_bytes(),
            activations=activation_bytes(self.model, tokens, self.gradient_checkpointing),
            logits=logits_bytes(self.model, tokens),
            reserve=RESERVE_BYTES,
        )

    def per_gpu(self, sharding: Sharding, gpu_count: int) -> "TrainingParts":
        return shard(_replica(self), sharding, gpu_count, self.model.layers)


# A plan asks for the same replica at every count it tries (a bisection per card).
@functools.lru_cache(maxsize=256)
def _replica(setup: TrainingSetup) -> "TrainingParts":
    return setup.replica()


@dataclass(frozen=True)
class TrainingParts:
    """Bytes on one GPU, by part. `gathered` (within weights): the full layers ZeRO-3/FSDP
    assemble to compute them."""

    weights: int
    gradients: int
    optimizer: int
    activations: int
    logits: int
    reserve: int
    gathered: int = 0

    @property
    def model_states(self) -> int:
        """Weights, gradients and optimizer states: what ZeRO partitions (its Figure 1)."""
        return self.weights - self.gathered + self.gradients + self.optimizer

    @property
    def total(self) -> int:
        return (
            self.weights + self.gradients + self.optimizer
            + self.activations + self.logits + self.reserve
        )  # fmt: skip


def shard(replica: TrainingParts, sharding: Sharding, gpu_count: int, layers: int) -> TrainingParts:
    """ZeRO stage 1 divides the optimizer states (with the fp32 master copy) by the data-parallel
    size, stage 2 also the gradients, stage 3 and FSDP also the weights, which they then gather
    one layer at a time, prefetching the next (ZeRO, arXiv 1910.02054 §5)."""
    if gpu_count < 1:
        raise ValueError(f"gpu_count must be at least 1, not {gpu_count}")
    if sharding == "none" or gpu_count == 1:
        return replica
    parts = replace(replica, optimizer=math.ceil(replica.optimizer / gpu_count))
    if sharding == "zero1":
        return parts
    parts = replace(parts, gradients=math.ceil(replica.gradients / gpu_count))
    if sharding == "zero2":
        return parts
    layer_weights = math.ceil(replica.weights / layers)
    gathered = min(replica.weights, GATHERED_LAYERS * layer_weights)
    return replace(
        parts, weights=math.ceil(replica.weights / gpu_count) + gathered, gathered=gathered
    )
