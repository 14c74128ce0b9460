"""What a training question asked for: the method and its options, as the parser found them.

Every field left as None takes its default (data/training.toml), and the answer says so. The
`read_*` functions turn one option's text into its value, or a QueryError that says what is
wrong and shows an option that works; the parser calls them, one per kind of token.
"""

import re
from dataclasses import dataclass
from typing import Literal

from estimator.errors import QueryError
from estimator.training_data import Optimizer, find_optimizer, optimizer_names

Method = Literal["full", "lora", "qlora", "pretrain", "dpo"]
Adapter = Literal["lora", "qlora"]
Sharding = Literal["none", "zero1", "zero2", "zero3", "fsdp"]

METHODS: tuple[str, ...] = ("full", "lora", "qlora", "pretrain", "dpo")
SHARDINGS: tuple[str, ...] = ("none", "zero1", "zero2", "zero3", "fsdp")
# Which linear layers get adapters: PEFT module names (the last part of the name).
TARGETS: dict[str, tuple[str, ...] | None] = {
    "all": None,  # every linear layer but lm_head (PEFT's "all-linear")
    "qv": ("q_proj", "v_proj"),
    "qkvo": ("q_proj", "k_proj", "v_proj", "o_proj"),
    "attn": ("q_proj", "k_proj", "v_proj", "o_proj"),
    "mlp": ("gate_proj", "up_proj", "down_proj", "fc1", "fc2"),
}
MAX_MICRO_BATCH = 4096
MAX_RANK = 65536
MAX_SEQ_LEN = 100 * 2**20


@dataclass(frozen=True)
class TrainingOptions:
    """`method`: full, lora, qlora, pretrain or dpo. `adapter`: for dpo, LoRA/QLoRA adapters on
    the policy (the reference is then the base with the adapters off) instead of a full copy."""

    method: Method
    adapter: Adapter | None = None
    optimizer: Optimizer | None = None
    micro_batch: int | None = None
    seq_len: int | None = None
    gradient_checkpointing: bool | None = None
    sharding: Sharding | None = None
    rank: int | None = None
    targets: str | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        if self.adapter is not None and self.method != "dpo":
            raise ValueError("adapter is for dpo; lora and qlora are methods of their own")
        if self.sharding is not None and self.sharding not in SHARDINGS:
            raise ValueError(f"sharding must be one of {SHARDINGS}, not {self.sharding!r}")
        if self.targets is not None and not (
            self.targets in TARGETS or re.fullmatch(r"[a-z0-9_]+(?:,[a-z0-9_]+)*", self.targets)
        ):
            raise ValueError(
                f"targets must be one of {tuple(TARGETS)} or module names, not {self.targets!r}"
            )
        if (self.rank is not None or self.targets is not None) and not self.uses_adapters:
            raise QueryError(
                "rank= and targets= are LoRA options; add lora or qlora to the question.",
                example="llama-3.1-8b lora rank=16",
            )

    @property
    def adapter_kind(self) -> Adapter | None:
        """lora or qlora when adapters are trained (also for DPO with adapters), else None."""
        if self.method in ("lora", "qlora"):
            return self.method
        return self.adapter

    @property
    def uses_adapters(self) -> bool:
        return self.adapter_kind is not None


def _whole(raw: str, what: str, example: str, maximum: int) -> int:
    text = raw.strip().replace(",", "")
    if not re.fullmatch(r"[+-]?\d+", text) or int(text) < 1:
        raise QueryError(f"{what} must be a whole number of at least 1, not '{raw}'.", example)
    value = int(text)
    if value > maximum:
        raise QueryError(
            f"{what} {value:,} is more than I can plan for (at most {maximum:,}).", example
        )
    return value


def read_micro_batch(raw: str) -> int:
    """'batch=8' -> 8 sequences per GPU per step; 'batch=0', 'batch=-1' are refused."""
    return _whole(
        raw, "The micro-batch (sequences per GPU per step)", "13B full batch=4", MAX_MICRO_BATCH
    )


def read_rank(raw: str) -> int:
    """'rank=16' -> 16; rank 0 would train nothing."""
    return _whole(raw, "The LoRA rank", "llama-3.1-8b lora rank=16", MAX_RANK)


def read_seq_len(tokens: int) -> int:
    if not 1 <= tokens <= MAX_SEQ_LEN:
        raise QueryError(
            f"A training sequence of {tokens:,} tokens is out of range (1 to 100M).",
            "llama-3.1-8b lora seq=4096",
        )
    return tokens


def read_sharding(raw: str) -> Sharding:
    """'zero3', 'zero-2', 'ZeRO 1', 'fsdp' -> the stage; 'zero7' is refused (stages 1-3)."""
    text = re.sub(r"[\s_\-]+", "", raw.casefold())
    if text == "fsdp":
        return "fsdp"
    if text in ("ddp", "none", "zero0", "nosharding"):
        return "none"
    match = re.fullmatch(r"(?:deepspeed)?zero(?:stage)?(\d+)", text)
    if match and match.group(1) in ("1", "2", "3"):
        return f"zero{match.group(1)}"  # type: ignore[return-value]
    raise QueryError(
        f"'{raw}' is not a ZeRO stage: DeepSpeed ZeRO has stages 1, 2 and 3 (or say fsdp).",
        "70B full on 8x h100 zero3",
    )


def read_optimizer(raw: str) -> Optimizer:
    optimizer = find_optimizer(raw)
    if optimizer is None:
        raise QueryError(
            f"I don't know the optimizer '{raw}'. I know {', '.join(optimizer_names())}.",
            "llama-3.1-8b full optim=adamw8bit",
        )
    return optimizer


def target_names(targets: str) -> tuple[str, ...] | None:
    """The module names a `targets` value stands for; None: every linear layer but lm_head."""
    return TARGETS[targets] if targets in TARGETS else tuple(targets.split(","))


def read_targets(raw: str) -> str:
    """'qv', 'all-linear', 'q,v' -> a name of TARGETS; 'q_proj,k_proj' -> those modules."""
    text = re.sub(r"[\s_\-,]+", "", raw.casefold())
    aliases = {"alllinear": "all", "attention": "attn", "qvproj": "qv"}
    text = aliases.get(text, text)
    if text in TARGETS:
        return text
    modules = [name for name in re.split(r"[\s,]+", raw.casefold().strip()) if name]
    if modules and all(re.fullmatch(r"[a-z0-9]+_proj|fc[12]", name) for name in modules):
        named = {key: names for key, names in TARGETS.items() if names}
        same = [key for key, names in named.items() if set(names) == set(modules)]
        return same[0] if same else ",".join(modules)
    raise QueryError(
        f"targets='{raw}' is not a set of layers I know: {', '.join(TARGETS)}, or module "
        "names such as q_proj,v_proj.",
        "llama-3.1-8b lora targets=qv",
    )
