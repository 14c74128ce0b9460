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
