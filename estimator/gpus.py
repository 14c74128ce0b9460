"""The GPU catalog, from data/gpus.toml."""

from dataclasses import dataclass

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
