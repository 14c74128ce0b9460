"""Text -> Estimate, with the Hub for repositories the catalog does not know.

The catalog answers first, with no request at all: catalog models answer instantly whether
the Hub is up or not. Only a question the catalog cannot answer and that names a repository
(`org/name`, `org/name@rev`, an hf.co link) is looked up: text -> the repository and the rest
of the question -> the Hub's facts (hub.lookup, cached by commit) -> a Query carrying the
model and the exact weight bytes (estimator.hub_model) -> the estimate.
"""

from dataclasses import replace

from estimator import QueryError, estimate
from estimator.compute import estimate_query
from estimator.describe import format_count
from estimator.estimate import Estimate
from estimator.hub_formats import gguf_quant_label
from estimator.hub_model import catalog_model, hub_model, is_gguf_repo
from estimator.hub_ref import RepoRef, find_repo_ref, without_ref
from estimator.parse import parse
from estimator.query import Query

# Stands in for the repository while the rest of the question is parsed, when the parser
# took a catalog name inside the reference for the model (a GGUF file name in a link): a
# catalog model, so that "org/name 70B" is refused as a name and a size, like "llama-3.1-8b 70B".
_PLACEHOLDER = "llama-3.1-8b"


def repo_in_question(text: str) -> RepoRef | None:
    """The repository a question names that the catalog does not know (None: the catalog
    answers it, with no request). `meta-llama/Llama-3.1-70B-Instruct` is the catalog's;
    `Qwen/Qwen2.5-7B-Instruct-AWQ` and `bartowski/…-GGUF` are other files, so the Hub's."""
    ref = find_repo_ref(text)
    if ref is None or catalog_model(ref.repo_id) is not None:
        return None
    return ref


def _rest_of_question(text: str, ref: RepoRef) -> Query:
    """The question read by the parser, the repository unresolved (its `hub_repo` row)."""
    asked = parse(text)
    if asked.hub_repo is not None:
        return asked
    return parse(f"{without_ref(text, ref)} {_PLACEHOLDER}")


def lookup_needed(text: str) -> RepoRef | None:
    """The repository to look up before `text` can be answered: None when the catalog or the
    cache answers it at once, or when the rest of the question is refused anyway."""
    from hub.lookup import cached

    ref = repo_in_question(text)
    if ref is None or cached(ref) is not None:
        return None
    try:
        _rest_of_question(text, ref)
    except QueryError:
        return None  # the refusal needs no lookup
    return ref


def estimate_text(text: str, *, deadline_s: float | None = None) -> Estimate:
    """Like estimator.estimate, and a repository id nobody listed is sized from the Hub.
    Raises QueryError (hub.lookup.HubUnavailable when the Hub could not answer)."""
    ref = repo_in_question(text)
    if ref is None:
        return estimate(text)
    return estimate_query(hub_query(text, ref, deadline_s))


def hub_query(text: str, ref: RepoRef, deadline_s: float | None = None) -> Query:
    from hub.lookup import lookup

    asked = _rest_of_question(text, ref)  # refuses bad input before any request
    precision = asked.precision if asked.precision_given else None
    # 'Q4_K_XL' is no format of the catalog's, but it can be a GGUF file's label
    quant = next((w for w in asked.ignored_words if gguf_quant_label(w)), None)
    wanted = ref.file or (precision.name if precision else None) or quant
    facts = lookup(ref, wanted, deadline_s)
    if quant is not None and is_gguf_repo(facts.files):
        asked = replace(asked, ignored_words=tuple(w for w in asked.ignored_words if w != quant))
    else:
        quant = None
    found = hub_model(facts, ref.revision, ref.file or quant, precision)
    source = found.source
    if asked.hub_repo is not None and asked.params and asked.params != found.params:
        given = f"The size given ({format_count(asked.params)}) is not used: "
        counted = f"{facts.repo_id} has {format_count(found.params)} parameters."
        source = replace(source, notes=(*source.notes, given + counted))
    return replace(
        asked,
        text=text.strip(),
        model=found.model,
        params=found.params,
        precision=found.precision,
        hub=source,
    )
