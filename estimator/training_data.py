"""The training tables of data/training.toml: optimizers and the constants of the formulas."""

from dataclasses import dataclass
from fractions import Fraction

from estimator.tables import load_table, name_key


@dataclass(frozen=True)
class Optimizer:
    """Bytes of state per trained parameter, besides the fp32 master copy. `factored` (Adafactor)
    keeps row and column sums of each matrix instead: see training.optimizer_state_bytes."""

    name: str
    label: str
    state_bytes: int
    trainer_name: str
    source: str
    paged: bool = False
    factored: bool = False


_TABLE = load_table("training.toml")

OPTIMIZERS: dict[str, Optimizer] = {}
for _row in _TABLE["optimizer"]:
    _optimizer = Optimizer(
        name=_row["name"],
        label=_row["label"],
        state_bytes=_row["state_bytes"],
        trainer_name=_row["trainer_name"],
        source=_row["source"],
        paged=_row.get("paged", False),
        factored=_row.get("factored", False),
    )
    for _alias in (_row["name"], *_row["aliases"]):
        OPTIMIZERS[name_key(_alias)] = _optimizer

MIXED = _TABLE["mixed_precision"]
WEIGHT_BYTES: int = MIXED["weight_bytes"]
GRADIENT_BYTES: int = MIXED["gradient_bytes"]
MASTER_BYTES: int = MIXED["master_bytes"]

ACTIVATIONS = _TABLE["activations"]
PER_LAYER_COEFFICIENT: int = ACTIVATIONS["per_layer_coefficient"]
ATTENTION_AND_NORM_COEFFICIENT: int = ACTIVATIONS["attention_and_norm_coefficient"]
MLP_COEFFICIENT: int = ACTIVATIONS["mlp_coefficient"]
CHECKPOINTED_COEFFICIENT: int = ACTIVATIONS["checkpointed_coefficient"]
LOGIT_BYTES: int = _TABLE["logits"]["bytes_per_element"]
QLORA_BITS = Fraction(_TABLE["qlora"]["bits_per_weight"])
DEFAULT_RANK: int = _TABLE["lora"]["default_rank"]
DEFAULT_TARGETS: str = _TABLE["lora"]["default_targets"]
RESERVE_BYTES: int = _TABLE["reserve"]["bytes"]
DEFAULTS = _TABLE["defaults"]
MAX_GPUS: int = _TABLE["sharding"]["max_gpus"]
GATHERED_LAYERS: int = _TABLE["sharding"]["gathered_layers"]
DEFAULT_OPTIMIZER = OPTIMIZERS[DEFAULTS["optimizer"]]


def find_optimizer(name: str) -> Optimizer | None:
    return OPTIMIZERS.get(name_key(name))


def optimizer_names() -> list[str]:
    return sorted({optimizer.name for optimizer in OPTIMIZERS.values()})


DEFAULT_CARDS: tuple[str, ...] = tuple(_TABLE["cards"]["default"])
GLOBAL_BATCH_SEQUENCES: int = DEFAULTS["global_batch_sequences"]
