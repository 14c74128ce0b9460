"""What-if variants of a question: the same Query with one thing changed, as question text.

A what-if button carries the text of its variant (stateless: any worker can answer the
click), so a variant must be text that parses to the changed Query. `query_as_text`
writes a Query back that way.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from estimator.gpus import find_gpu
from estimator.precisions import find_precision
from estimator.query import GpuRequest, Query, Workload

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


def variants(query: Query) -> list[Variant]:
    """One variant per choice that differs from what was asked."""
    found: list[Variant] = []
    for name in FORMATS:
        precision = find_precision(name)
        if precision != query.precision:
            changed = replace(query, precision=precision, precision_given=True)
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
    """The question text that parses to `query` (its `text` aside)."""
    if query.hub:  # a repository looked up on the Hub (hub/answer.py)
        words = [query.hub.repo_id + (f"@{query.hub.revision}" if query.hub.revision else "")]
    else:
        words = [query.model.key if query.model else _params_text(query.params)]
    if query.precision_given:
        words.append(query.precision.name)
    workload = query.workload
    if workload.context_tokens:
        tokens = workload.context_tokens
        words.append(f"ctx={tokens // 1024}k" if tokens % 1024 == 0 else f"ctx={tokens}")
    if workload.sequences_given:
        words.append(f"users={workload.sequences}")
    if workload.kv_format:
        words.append(f"kv={workload.kv_format.name}")
    for request in query.gpus:
        words.append(
            f"on {request.count}x {request.gpu.name}" if request.count else f"on {request.gpu.name}"
        )
    if query.compare_all:
        words.append("compare")
    if query.solve_for:
        words.insert(0, "max ctx" if query.solve_for == "context" else "max users")
    return " ".join(words)


def _params_text(params: int) -> str:
    """70000000000 -> '70B', 7500000000 -> '7.5B', 350000000 -> '350M'."""
    for unit, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6)):
        if params >= scale:
            number = Decimal(params) / scale
            if number == number.quantize(Decimal("0.001")):
                return f"{number.normalize():f}{unit}"
    return f"{params} params"
