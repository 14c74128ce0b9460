"""The GPU catalog, from data/gpus.toml."""

from dataclasses import dataclass
from fractions import Fraction

from estimator.tables import load_table, name_key


@dataclass(frozen=True)
class Gpu:
    name: str
    memory_bytes: int
    spec: str
    source: str
    verified: bool
    # Apple silicon: CPU and GPU share this memory; macOS lets the GPU wire only a share of it.
    unified_memory: bool = False
    # What nvidia-smi prints as memory.total, in MiB (None: not known; the CUDA-visible MiB).
    nvidia_smi_mib: int | None = None

    @property
    def smi_mib(self) -> Fraction:
        """The card's total as nvidia-smi reports it, in MiB (SGLang's gpu_mem)."""
        if self.nvidia_smi_mib is not None:
            return Fraction(self.nvidia_smi_mib)
        return Fraction(self.memory_bytes, 2**20)


def _load() -> tuple[dict[str, Gpu], tuple[Gpu, ...], tuple[Gpu, ...]]:
    index: dict[str, Gpu] = {}
    ordered, defaults = [], []
    for row in load_table("gpus.toml")["gpu"]:
        gpu = Gpu(
            name=row["name"],
            memory_bytes=row["memory_bytes"],
            spec=row["spec"],
            source=row["source"],
            verified=row["verified"],
            unified_memory=row.get("unified_memory", False),
            nvidia_smi_mib=row.get("nvidia_smi_mib"),
        )
        ordered.append(gpu)
        if row.get("default"):
            defaults.append(gpu)
        for alias in (row["name"], *row["aliases"]):
            index[name_key(alias)] = gpu
    return index, tuple(ordered), tuple(defaults)


_BY_NAME, ALL_GPUS, DEFAULT_GPUS = _load()


def find_gpu(name: str) -> Gpu | None:
    return _BY_NAME.get(name_key(name))
