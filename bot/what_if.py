"""What-if variants of a question: the same Query with one thing changed, as question text.

A what-if button carries the text of its variant (stateless: any worker can answer the
click), so a variant must be text that parses to the changed Query. `query_as_text`
writes a Query back that way (estimator.query_text).
"""

from dataclasses import dataclass, replace

from estimator.gpus import find_gpu
from estimator.precisions import find_precision
from estimator.query import GpuRequest, Query, Workload
from estimator.query_text import query_to_text

# The choices people weigh in a deployment thread: the usual formats, the context lengths
# of chat / RAG / long-document serving, a few concurrency levels, the common cards.
FORMATS = ("fp16", "fp8", "int4")
CONTEXTS = (8 * 1024, 32 * 1024, 128 * 1024)
USERS = (1, 8, 32)
CARDS = ("A100-80GB", "H100-80GB", "H200-141GB", "L40S-48GB", "MI300X-192GB")


@dataclass(frozen=True)
class Variant:
    dimension: str  # "format", "context", "users", "card"
    label: str  # what the button says: "int4", "32k context", "8 users", "on H200-141GB"
    text: str  # the question that asks for it


# For a training question: the other methods, checkpointing, micro-batches, sequence lengths.
METHODS = ("full", "lora", "qlora")
MICRO_BATCHES = (4, 8)
SEQ_LENS = (4096, 8192)
TRAINING_CARDS = ("H100-80GB", "A100-80GB", "L40S-48GB", "RTX-4090-24GB")


def training_variants(query: Query) -> list[Variant]:
    options = query.training
    found: list[Variant] = []
    for method in METHODS:
        if method != options.method:
            adapter = method != "full"
            changed = replace(
                options,
                method=method,
                adapter=None,
                rank=options.rank if adapter else None,
                targets=options.targets if adapter else None,
            )
            labelled = {"full": "full fine-tune", "lora": "LoRA", "qlora": "QLoRA"}[method]
            # a format given for one method may contradict another (QLoRA is 4-bit)
            asked = replace(query, training=changed, precision_given=False)
            found.append(Variant("method", labelled, query_as_text(asked)))
    if options.gradient_checkpointing is None and not options.uses_adapters:  # else on already
        changed = replace(options, gradient_checkpointing=True)
        found.append(
            Variant("gc", "gradient checkpointing", query_as_text(replace(query, training=changed)))
        )
    for batch in MICRO_BATCHES:
        if batch != options.micro_batch:
            changed = replace(options, micro_batch=batch)
            found.append(
                Variant("batch", f"batch={batch}", query_as_text(replace(query, training=changed)))
            )
    for tokens in SEQ_LENS:
        if tokens != options.seq_len:
            changed = replace(options, seq_len=tokens)
            workload = replace(query.workload, context_tokens=tokens)
            asked = replace(query, training=changed, workload=workload)
            found.append(Variant("seq", f"seq={tokens:,}", query_as_text(asked)))
    count = query.gpus[0].count if len(query.gpus) == 1 else None
    for name in TRAINING_CARDS:
        if {name} != {request.gpu.name for request in query.gpus}:
            changed = replace(query, gpus=(GpuRequest(find_gpu(name), count),), compare_all=False)
            where = f"{count} × {name}" if count else name
            found.append(Variant("card", f"on {where}", query_as_text(changed)))
    return found


def variants(query: Query) -> list[Variant]:
    """One variant per choice that differs from what was asked."""
    if query.training is not None:
        return training_variants(query)
    found: list[Variant] = []
    for name in FORMATS:
        precision = find_precision(name)
        if precision != query.precision:
            changed = replace(
                query, precision=precision, precision_given=True, compare_precisions=()
            )
            found.append(Variant("format", name, query_as_text(changed)))
    if query.solve_for != "context":
        for tokens in CONTEXTS:
            if tokens != query.workload.context_tokens:
                workload = replace(query.workload, context_tokens=tokens)
                label = f"{_tokens_label(tokens)} context"
                found.append(Variant("context", label, query_as_text(_with(query, workload))))
    if query.solve_for != "users":
        for users in USERS:
            if not (query.workload.sequences_given and users == query.workload.sequences):
                workload = replace(query.workload, sequences=users, sequences_given=True)
                label = f"{users} user{'s' * (users != 1)}"
                found.append(Variant("users", label, query_as_text(_with(query, workload))))
    asked_cards = {request.gpu.name for request in query.gpus}
    count = query.gpus[0].count if len(query.gpus) == 1 else None
    for name in CARDS:
        if {name} != asked_cards:
            gpus = (GpuRequest(find_gpu(name), count),)
            changed = replace(query, gpus=gpus, compare_all=False)
            where = f"{count} × {name}" if count else name
            found.append(Variant("card", f"on {where}", query_as_text(changed)))
    return found


def _with(query: Query, workload: Workload) -> Query:
    return replace(query, workload=workload)


def _tokens_label(tokens: int) -> str:
    return f"{tokens // 1024}k" if tokens % 1024 == 0 else f"{tokens:,}"


def query_as_text(query: Query) -> str:
    """The question text that parses to `query` (its `text` aside): estimator.query_text's,
    with a repository looked up on the Hub named as asked (hub/answer.py looks it up again)."""
    if query.hub:
        query = replace(
            query,
            model=None,
            hub=None,
            params=0,
            hub_repo=query.hub.repo_id,
            hub_revision=query.hub.revision,
        )
    return query_to_text(query)
