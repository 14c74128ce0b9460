"""A Query written back as text that parses to the same Query ('llama-3.1-70b int4 ctx=32768
users=20 on 2x H100-80GB'): for buttons, follow-ups and logs that must say a question again.

The same Query means every field but how it was first written: `text`, `ignored_words` and
`name_note` (the text names the model by its catalog key, so it needs no note).
tests/test_query_text.py proves the round trip over generated Queries.
"""

from decimal import Decimal

from estimator.precisions import Precision, find_precision
from estimator.query import GpuRequest, Query
from estimator.training_options import TrainingOptions


def _size(params: int) -> str:
    for scale, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M")):
        if params % scale == 0:
            return f"{params // scale}{suffix}"
    return f"{params} params"  # a plain parameter count


def _bits(query: Query) -> list[str]:
    precisions = query.compare_precisions or ((query.precision,) if query.precision_given else ())
    names = [_precision(p) for p in precisions]
    return [" vs ".join(names)] if names else []


def _precision(precision: Precision) -> str:
    if find_precision(precision.name) == precision:
        return precision.name
    return f"{float(precision.bits)!r} bits"  # a width typed as a number: '6 bits'


def _gpu(request: GpuRequest) -> str:
    if request.capacity_only:
        name = format((Decimal(request.gpu.memory_bytes) / 10**9).normalize(), "f") + " GB"
    else:
        name = request.gpu.name
    if request.count is None:  # 'a 24 GB card' is one card; how many is asked in words
        return f"how many {name}" if request.capacity_only else f"on {name}"
    return f"on {request.count}x {name}"


_METHOD_WORDS = {"full": "fine-tune"}


def _training(options: TrainingOptions) -> list[str]:
    words = [_METHOD_WORDS.get(options.method, options.method)]
    if options.adapter:
        words.append(options.adapter)
    if options.micro_batch is not None:
        words.append(f"batch={options.micro_batch}")
    if options.gradient_checkpointing is not None:
        words.append("gc" if options.gradient_checkpointing else "no gc")
    if options.sharding is not None:
        words.append("ddp" if options.sharding == "none" else options.sharding)
    if options.optimizer is not None:
        words.append(f"optim={options.optimizer.name}")
    if options.rank is not None:
        words.append(f"rank={options.rank}")
    if options.targets is not None:
        words.append(f"targets={options.targets}")
    return words


def query_to_text(query: Query) -> str:
    """The question as text: `parse(query_to_text(q))` equals `q` but for how it was written."""
    words = []
    if query.model is not None:
        words.append(query.model.key)
    elif query.hub_repo is not None:
        revision = f"@{query.hub_revision}" if query.hub_revision else ""
        words.append(query.hub_repo + revision)
        if query.params:
            words.append(_size(query.params))
    else:
        words.append(_size(query.params))
    words += _bits(query)
    if query.training is not None:
        words += _training(query.training)  # its seq_len is the context, written below
    workload = query.workload
    if workload.context_tokens is not None:
        words.append(f"ctx={workload.context_tokens}")
    if workload.sequences_given:
        words.append(f"users={workload.sequences}")
    if workload.kv_format is not None:
        words.append(f"kv={workload.kv_format.name}")
    if query.solve_for:
        words.append("max ctx" if query.solve_for == "context" else "max users")
    words += [_gpu(request) for request in query.gpus]
    if query.compare_all:
        words.append("compare")
    if query.wants_nodes:
        words.append("how many nodes")
    if query.engine is not None:
        words.append(f"engine={query.engine}")
    return " ".join(words)
