"""Query -> Estimate: every number of the answer, computed once."""

from dataclasses import replace

from estimator import describe
from estimator.errors import QueryError
from estimator.estimate import Estimate, GpuPlan
from estimator.gpus import ALL_GPUS, DEFAULT_GPUS
from estimator.memory import Footprint, allowance_bytes, closest_model, footprint, weights_bytes
from estimator.plan import gpu_plan, inverse
from estimator.query import GpuRequest, Query
from estimator.training_answer import estimate_training


def _not_looked_up(query: Query) -> None:
    """A Hub repo id the parser found, not sized: the Hub lookup (hub/) sizes it first."""
    if query.model is None and query.params == 0:
        raise QueryError(
            f"'{query.hub_repo}' is not in my catalog; sizing it needs a Hugging Face lookup. "
            f"Give its size ({query.hub_repo} 7B) or name a catalog model.",
            example="llama-3.1-8b fp16",
        )


def _requests(query: Query) -> tuple[GpuRequest, ...]:
    if query.compare_all:
        named = {request.gpu.name: request for request in query.gpus}
        return tuple(named.get(gpu.name, GpuRequest(gpu)) for gpu in ALL_GPUS)
    return query.gpus or tuple(GpuRequest(gpu) for gpu in DEFAULT_GPUS)


def _with_architecture(query: Query, planning: Footprint) -> Footprint:
    """Solving for a context or a user count needs an architecture: a stand-in for a bare size."""
    if planning.kv_model is not None:
        return planning
    stand_in = closest_model(query.params)
    context = query.workload.context_tokens or stand_in.native_context
    return replace(planning, kv_model=stand_in, allowance_bytes=0, context_tokens=context)


def _what_fits(query: Query, planning: Footprint, plan: GpuPlan, request: GpuRequest) -> GpuPlan:
    """'No, it does not fit on 2 × H100' is followed by what 2 × H100 do hold at that context."""
    if plan.fits_requested is not False or planning.kv_model is None:
        return plan
    if planning.kv_model.is_embedding:  # no KV cache: nothing more to hold
        return plan
    if plan.requested_count not in plan.accepted_counts:
        return plan
    held = inverse(replace(query, solve_for="users"), planning, request).value
    return replace(plan, requested_max_sequences=held)


def _in_words(plan: GpuPlan, shown: Footprint, planning: Footprint) -> GpuPlan:
    """The minimum follows from the figures shown; the layout from the planning workload."""
    engine = planning.engine
    plan = replace(plan, min_count=shown.min_count(plan.gpu.memory_bytes))
    return replace(
        plan,
        recommendation=describe.recommendation(
            plan, engine.name, engine.max_nodes, engine.gpus_per_node
        ),
        verdict=describe.verdict(plan, engine.name),
        min_count_reason=describe.min_count_reason(plan, shown),
    )


def estimate_query(query: Query) -> Estimate:
    _not_looked_up(query)
    if query.training is not None:
        return estimate_training(query, query.training)
    shown = footprint(query)
    # Plans are made against a real workload: the one asked for, or one sequence of the
    # model's native context when the architecture is known.
    planning = footprint(query, with_native_context=True) if shown.uses_allowance else shown
    requests = _requests(query)
    # An inverse question asks what fits on the cards named: no yes/no verdict for them.
    plans = tuple(
        _in_words(
            _what_fits(query, planning, gpu_plan(query, planning, request.gpu, request), request)
            if not query.solve_for
            else gpu_plan(query, planning, request.gpu),
            shown,
            planning,
        )
        for request in requests
    )
    solved = None
    if query.solve_for:
        solved = inverse(query, _with_architecture(query, planning), requests[0])
    # A named model, or a stand-in for a bare size with a workload; None for a bare size alone.
    kv_model = shown.kv_model or planning.kv_model
    kv_cache = shown.kv_cache_bytes()
    full_kv = shown.kv_cache_bytes(windowed=False)
    # The article's rule counts every weight at the format's bits, as for a bare size.
    rule_weights = weights_bytes(query.params, query.precision, None)
    rule_of_thumb = rule_weights + allowance_bytes(rule_weights)
    rule_note = describe.rule_of_thumb_note(rule_of_thumb, shown.total_bytes)
    return Estimate(
        query=query,
        understood=describe.understood(query, shown),
        weights_bytes=shown.weights_bytes,
        kv_bytes_per_token=kv_model.kv_bytes_per_token(shown.kv_bits) if kv_model else None,
        kv_cache_bytes=kv_cache,
        overhead_bytes=shown.overhead_bytes,
        total_bytes=shown.total_bytes,
        rule_of_thumb_bytes=rule_of_thumb,
        gpus=plans,
        assumptions=(*describe.assumptions(query, shown, planning), *filter(None, [rule_note])),
        parts=describe.parts(query, shown),
        context_tokens=shown.context_tokens,
        sequences=shown.sequences,
        inverse=solved,
        kv_cache_bytes_full_attention=full_kv if full_kv != kv_cache else None,
        inverse_sentence=describe.inverse_sentence(solved, query),
    )
