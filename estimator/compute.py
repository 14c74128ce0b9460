"""Query -> Estimate in one pass: parse -> model -> engine -> footprint -> plans -> words."""

from dataclasses import replace

from estimator import describe
from estimator.engine import Engine, Layout, engine_for, find_engine
from estimator.errors import QueryError
from estimator.estimate import Estimate, GpuPlan
from estimator.gpus import ALL_GPUS, DEFAULT_GPUS
from estimator.memory import Footprint, footprint
from estimator.plan import gpu_plan, inverse, max_sequences
from estimator.precisions import find_precision
from estimator.query import GpuRequest, Query
from estimator.side_by_side import formats_side_by_side
from estimator.training_answer import estimate_training


def _not_looked_up(query: Query) -> None:
    """A Hub repo id the parser found, not sized: the Hub lookup (hub/) sizes it first."""
    if query.model is None and query.params == 0:
        raise QueryError(
            f"'{query.hub_repo}' is not in my catalog; sizing it needs a Hugging Face lookup. "
            f"Give its size ({query.hub_repo} 7B) or name a catalog model.",
            example="llama-3.1-8b fp16",
        )


def _requests(query: Query, engine: Engine) -> tuple[GpuRequest, ...]:
    if query.compare_all:
        named = {request.gpu.name: request for request in query.gpus}
        cards = [gpu for gpu in ALL_GPUS if engine.refuses(gpu) is None]
        return tuple(named.get(gpu.name, GpuRequest(gpu)) for gpu in cards)
    return query.gpus or tuple(GpuRequest(gpu) for gpu in DEFAULT_GPUS)


def _what_fits(planning: Footprint, plan: GpuPlan, request: GpuRequest, candidates) -> GpuPlan:
    """'No, it does not fit on 2 × H100' is followed by what 2 × H100 do hold at that context."""
    if plan.fits_requested is not False or planning.uses_allowance:
        return plan
    if planning.kv_model.is_embedding:  # no KV cache: nothing more to hold
        return plan
    layout = next((c for c in candidates if c.gpus == plan.requested_count), None)
    if layout is None:
        return plan
    held = max_sequences(planning, layout, request.gpu, planning.context_tokens)
    return replace(plan, requested_max_sequences=held)


def _in_words(plan: GpuPlan, query: Query, shown: Footprint, engine: Engine) -> GpuPlan:
    """The minimum follows from the figures shown; the layout from the planning workload."""
    plan = replace(plan, min_count=shown.min_count(plan.gpu))
    return replace(
        plan,
        recommendation=describe.recommendation(plan, engine, in_nodes=query.wants_nodes),
        verdict=describe.verdict(plan, engine.name),
    )


def estimate_query(query: Query) -> Estimate:
    """One answer; with formats to compare ("fp8 vs fp16"), the first in full and each of them
    in a side-by-side row."""
    if len(query.compare_precisions) > 1:
        return formats_side_by_side(query, _estimate_one)
    return _estimate_one(query)


def _estimate_one(query: Query) -> Estimate:
    _not_looked_up(query)
    if query.training is not None:
        return estimate_training(query, query.training)
    engine = engine_for(query)
    if engine.default_format and not query.precision_given:
        query = replace(query, precision=find_precision(engine.default_format))
    requests = _requests(query, engine)
    # The machine the answer leads with: its first card's reserve is the one shown, and Ollama
    # sizes its default context by its memory.
    machine = (requests[0].gpu,) * (requests[0].count or 1)
    planning = footprint(query, engine, machine)
    shown = planning.shown()
    candidates = engine.layouts(planning.kv_model, planning.sequences)
    # An inverse question asks what fits on the cards named: no yes/no verdict for them.
    plans = []
    for request in requests:
        asked = None if query.solve_for else request
        plan = gpu_plan(query, planning, request.gpu, candidates, asked)
        if not query.solve_for:
            plan = _what_fits(planning, plan, request, candidates)
        plans.append(_in_words(plan, query, shown, engine))
    solved = inverse(query, planning, requests[0], candidates) if query.solve_for else None
    # The reserve shown is the one of the layout recommended on the first card (SGLang keeps
    # more back at TP 8 with DP attention than on one GPU).
    first = plans[0]
    if first.tensor_parallel and not planning.uses_allowance:
        layout = Layout(first.tensor_parallel, first.pipeline_parallel or 1, first.dp_attention)
        planning = planning.with_reserve(first.gpu, layout)
        shown = planning.shown()
    # Against the figures shown: the total, and the reserve row beside a single card's.
    plans = [
        replace(plan, min_count_reason=describe.min_count_reason(plan, shown, planning))
        for plan in plans
    ]
    kv_cache = shown.kv_cache_bytes()
    full_kv = shown.kv_cache_bytes(windowed=False)
    # A named model, or a stand-in for a bare size with a workload; None for a bare size alone.
    kv_model = shown.kv_model or planning.kv_model
    rule_note = describe.rule_of_thumb_note(planning.rule_of_thumb_bytes, shown.total_bytes)
    notes = describe.assumptions(query, shown, planning, requests[0].gpu)
    if query.engine and find_engine(query.engine) is None:
        notes = (
            f"{query.engine}: no profile of its rules here yet; answered with {engine.name}'s.",
            *notes,
        )
    return Estimate(
        query=query,
        understood=describe.understood(query, shown),
        weights_bytes=shown.weights_bytes,
        kv_bytes_per_token=kv_model.kv_bytes_per_token(shown.kv_bits) if kv_model else None,
        kv_cache_bytes=kv_cache,
        overhead_bytes=shown.overhead_bytes,
        total_bytes=shown.total_bytes,
        rule_of_thumb_bytes=planning.rule_of_thumb_bytes,
        gpus=tuple(plans),
        assumptions=(*notes, *filter(None, [rule_note])),
        parts=describe.parts(query, shown),
        context_tokens=shown.context_tokens,
        sequences=shown.sequences,
        inverse=solved,
        kv_cache_bytes_full_attention=full_kv if full_kv != kv_cache else None,
        inverse_sentence=describe.inverse_sentence(solved, query),
        engine=engine,
        recommended_by=engine.name,
    )
