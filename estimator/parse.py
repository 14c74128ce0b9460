"""Text -> Query: what people type in chat, understood or refused with a clear message.

A question is read in three steps. A catalog model named anywhere is found and cut out
(estimator.model_names), or a Hub repo id (estimator.hub_ref); the rest goes through the token
table (estimator.parse_tokens.TOKENS: each row a pattern and how it fills what was said); then
what was said becomes a Query: a typo or a family and a size name the model, a bare '64k'
after a model is a context, and the words left over once a size or a model is understood do
not block the answer (the Query lists them as ignored). A follow-up is read the same way and
changes only what it names (`parse_follow_up`).

The text is never handed to pint's expression parser (quadratic pre-processing, `9**9**9`
hangs it: PINT.md §5): numbers are read by estimator.parse_numbers with factors from the one
registry.
"""

import re
import unicodedata
from dataclasses import dataclass, replace

from estimator import model_names
from estimator.errors import QueryError
from estimator.hub_ref import find_repo_ref
from estimator.model_names import NameIndex
from estimator.parse_numbers import MAX_QUERY_CHARS, capacity_gpu, read_context, read_params
from estimator.parse_tokens import GENERAL_TRAINING, TOKENS, Said, TokenKind, read_tokens
from estimator.precisions import DEFAULT_PRECISION, find_precision
from estimator.query import NameNote, Query, Workload
from estimator.training_options import TrainingOptions, read_micro_batch, read_seq_len

__all__ = ["TOKENS", "TokenKind", "capacity_gpu", "normalise", "parse", "parse_follow_up"]


def normalise(text: str) -> str:
    """NFKC (full-width to ASCII, superscripts to digits), casefolded, control characters to spaces."""
    return _normalise_case(unicodedata.normalize("NFKC", text)).casefold()


_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _normalise_case(text: str) -> str:
    if text.isascii():  # the usual question: only ASCII control characters to replace
        return _ASCII_CONTROL.sub(" ", text)
    text = text.replace("×", "x")
    return "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)


def _hub_repo(text: str) -> tuple[str, str | None, str] | None:
    """(repo id, revision, the text naming it) of a Hugging Face repository (estimator.hub_ref):
    only recognised here; hub/ looks it up."""
    if "/" not in text:
        return None
    ref = find_repo_ref(_normalise_case(unicodedata.normalize("NFKC", text)))
    if ref is None:
        return None
    return (
        ref.repo_id,
        ref.revision,
        _normalise_case(unicodedata.normalize("NFKC", text))[ref.start : ref.end],
    )


def _cut(text: str, start: int, end: int) -> str:
    return text[:start] + " " + text[end:]


@dataclass(frozen=True)
class _Reading:
    """One question read: the model found by name (or by typo, or family), and the rest."""

    said: Said
    model: object | None
    name_note: NameNote | None
    hub: tuple[str, str | None] | None
    rest: str  # the text once the model (or repo) is cut out


def _read(text: str, names: NameIndex, question: bool = True) -> _Reading:
    normalised = normalise(text).strip()
    if question and not normalised:
        raise QueryError("Tell me a model size or name.")
    model, note, hub = None, None, None
    found = names.find_model(normalised)
    if found is not None:
        model = found.model
        normalised = _cut(normalised, found.start, found.end)
    else:
        repo = _hub_repo(text)
        if repo is not None:
            hub, written = repo[:2], repo[2].casefold()
            at = normalised.find(written)
            if at >= 0:
                normalised = _cut(normalised, at, at + len(written))
    try:
        said = read_tokens(normalised)
    except QueryError as error:
        said = None
        refusal = error
    if model is None and hub is None and (said is None or said.unknown or said.problems):
        typo = names.correct_typo(normalised)
        if typo is not None:
            model, note = typo.model, NameNote("typo", typo.written)
            normalised = _cut(normalised, typo.start, typo.end)
            said = read_tokens(normalised)
    if said is None:
        raise refusal
    return _Reading(said, model, note, hub, normalised)


def _family_pick(said: Said, names: NameIndex):
    """'llama 70b', 'qwen 32b', 'lamma 3': a family word among the unknown ones, with the
    version number after it and the size given. Returns (model or None, note, the words used)."""
    for position, (word, start) in enumerate(said.unknown):
        version = None
        end = start + len(word)
        for number, at in said.numbers:
            if at in (end, end + 1):
                version = number
        pick = names.family_pick(word, version, said.params)
        if pick is None:
            continue
        used = [word] + ([version] if version else []) + [said.size_written or ""]
        said.unknown.pop(position)
        if version:
            said.numbers = [(n, at) for n, at in said.numbers if n != version or at < end]
        return pick, " ".join(used).strip()
    return None, None


def _unknown_error(words: list[str], said: Said, names: NameIndex) -> QueryError:
    word = words[0]
    if names.looks_like_model_name(word):
        suggestions = names.suggest_models(word, params=said.params)
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        return QueryError(
            f"I don't know the model '{word}'.{hint} A bare size works for any model: 70B fp16.",
            example=suggestions[0] if suggestions else "70B fp16",
            suggestions=suggestions,
        )
    shown = ", ".join(f"'{w[:40]}'" for w in words[:3])
    return QueryError(f"I did not understand {shown}.")


def _check_length(text) -> None:
    if not isinstance(text, str):
        raise QueryError("Ask me with text.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"That is {len(text):,} characters; a question is at most {MAX_QUERY_CHARS}."
        )


def _resolve(reading: _Reading, names: NameIndex, has_core: bool):
    """The model named (exactly, by typo or by family), the words left over, and what to say."""
    said, model, note = reading.said, reading.model, reading.name_note
    if model is None and reading.hub is None and said.unknown:
        pick, written = _family_pick(said, names)
        if pick is not None and pick.model is not None:
            model = pick.model
            kind = "typo" if pick.fuzzy else "family"
            note = NameNote(kind, written, pick.alternatives)
        elif pick is not None:
            keys = pick.alternatives
            raise QueryError(
                f"'{written}' could be {', '.join(keys)}; which one? (or give a size: 70B)",
                example=keys[0],
                suggestions=keys,
            )
    if model is not None and (said.unknown or said.numbers or said.params):
        other = names.find_model(reading.rest)
        if other is not None and other.model is not model:  # 'llama 3 70b vs qwen 2.5 72b'
            raise QueryError(
                f"You named two models ({model.display_name} and {other.model.display_name}); "
                "ask about one at a time.",
                example=f"{model.key} fp16",
            )
    if said.problems:
        raise said.problems[0]
    _card_numbers(said)
    if said.numbers:
        raise QueryError(
            f"'{said.numbers[0][0]}' what? Write 70B for 70 billion parameters, ctx=8k, or 4 users."
        )
    if said.thousands:
        if model is None and said.params is None and not has_core:
            read_params(said.thousands[0], "k")  # raises: 'too small … write ctx=32k'
        for raw in said.thousands:
            said.set_once("context_tokens", read_context(raw, "k"), "context")
    return model, note


_CARD_MAKERS = frozenset(("rtx", "gtx", "rx", "geforce", "radeon", "quadro", "tesla", "arc"))
_CARD_NUMBER = re.compile(r"[1-9]\d{2,3}")  # 3060, 7900, 780: a card's model number
_GEFORCE = re.compile(r"[1-5]0[5-9]0")  # 1080, 2070, 3060, 4060, 5080: GeForce cards


def _card_numbers(said: Said) -> None:
    """'rtx 3060', '3060 12gb': a card not in the catalog. With its memory said, the memory is
    the card and the name is left unused; without it, the refusal asks for the memory."""
    for number, at in list(said.numbers):
        maker = next((w for w, start in said.unknown if start + len(w) + 1 == at), None)
        capacity = any(request.capacity_only for request in said.gpus)
        geforce = _GEFORCE.fullmatch(number) is not None
        if not _CARD_NUMBER.fullmatch(number) or not (capacity or geforce or maker in _CARD_MAKERS):
            continue
        if not capacity:
            name = f"{maker} {number}" if maker in _CARD_MAKERS else number
            raise QueryError(
                f"I don't know the card '{name}'. Say its memory instead ('a 12GB card'), "
                "or pick a card I know (compare lists them).",
                example="13B int4 on a 12GB card",
            )
        said.numbers.remove((number, at))
        said.unknown.append((number, at))
        said.unknown.sort(key=lambda word: word[1])


def _words_left(said: Said) -> list[str]:
    """The words not understood; Chinese characters side by side are one word ('满血版')."""
    words: list[tuple[str, int]] = []
    for word, start in said.unknown:
        previous = words[-1] if words else None
        if (
            previous
            and _is_cjk(word)
            and _is_cjk(previous[0])
            and previous[1] + len(previous[0]) == start
        ):
            words[-1] = (previous[0] + word, previous[1])
        else:
            words.append((word, start))
    return [word for word, _ in words]


def _is_cjk(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def _training_options(said: Said) -> TrainingOptions | None:
    """The training method and its options; batch= is the micro-batch and ctx=/seq= the
    sequence length of a training question. Options alone (zero3, gc) mean full training."""
    if said.task is None and not said.training:
        return None
    return TrainingOptions(
        method="full" if said.task in (None, GENERAL_TRAINING) else said.task,
        micro_batch=None if said.sequences is None else read_micro_batch(str(said.sequences)),
        seq_len=None if said.context_tokens is None else read_seq_len(said.context_tokens),
        **said.training,
    )


def parse(text: str, names: NameIndex | None = None) -> Query:
    """Understand a question like '70B fp16', 'llama-3.1-70b int4 ctx=32k users=20 on 2x h100',
    'can we run qwen3-32b on two h100s?', '部署 Llama 3.1 70B 需要几张 H100'."""
    _check_length(text)
    names = names or model_names.CATALOG
    reading = _read(text, names)
    said = reading.said
    model, note = _resolve(reading, names, has_core=False)
    words = _words_left(said)
    if model is None and said.params is None and reading.hub is None:
        if words:
            raise _unknown_error(words, said, names)
        raise QueryError("Tell me a model size (70B) or a model name (llama-3.1-70b).")
    if model is None and said.params is not None and words:
        word = next((w for w in words if names.looks_like_model_name(w)), None)
        if word is not None:  # 'codestral-9000 22b': answered for 22B, saying so
            note = NameNote("unknown", word, names.suggest_models(word, params=said.params))
            words.remove(word)
    if model is not None and said.params is not None and not _same_size(model, said.params):
        raise QueryError(
            "Give either a model name or a size, not both.", example="llama-3.1-70b fp16"
        )
    return _query(text.strip(), said, model, note, reading.hub, words)


def _same_size(model, params: int) -> bool:
    return abs(model.params - params) <= 0.1 * params


def _as_written(text: str, word: str) -> str:
    """'llama 70b' as the question wrote it ('Llama 70B'): the parser reads casefolded text."""
    pattern = r"\s+".join(re.escape(part) for part in word.split())
    found = re.search(pattern, text, re.IGNORECASE) if pattern else None
    return found.group() if found else word


def _query(text: str, said: Said, model, note, hub, words) -> Query:
    if note is not None:
        note = replace(note, written=_as_written(text, note.written))
    words = [_as_written(text, word) for word in words]
    precision = said.precision
    if precision is None:
        precision = find_precision(model.native_precision) if model else DEFAULT_PRECISION
    training = _training_options(said)
    serving = training is None
    return Query(
        text=text,
        params=model.params if model else (said.params or 0),
        precision=precision,
        precision_given=said.precision is not None,
        model=model,
        workload=Workload(
            context_tokens=said.context_tokens,  # training: the sequence length too
            sequences=(said.sequences or 1) if serving else 1,
            kv_format=said.kv_format,
            sequences_given=said.sequences is not None and serving,
        ),
        gpus=tuple(said.gpus),
        compare_all=said.compare_all,
        solve_for=said.solve_for,
        ignored_words=tuple(words),
        task=training.method if training else "serve",
        training=training,
        engine=said.engine,
        hub_repo=hub[0] if hub else None,
        hub_revision=hub[1] if hub else None,
        wants_nodes=said.wants_nodes,
        compare_precisions=tuple(said.compare_precisions),
        name_note=note,
    )


# ---------------------------------------------------------------------------- follow-ups


def parse_follow_up(text: str, previous: Query, names: NameIndex | None = None) -> Query:
    """A follow-up in a thread, read against the question before it: 'same with int4',
    'and at 32k?', 'what about 8 users', 'on h200 instead' change only what they name.
    A new model or size keeps the rest of the question (and the format, if one was given)."""
    _check_length(text)
    names = names or model_names.CATALOG
    reading = _read(text, names, question=False)
    said = reading.said
    model, note = _resolve(reading, names, has_core=True)
    words = _words_left(said)
    if model is None and said.params is None and not said.anything and reading.hub is None:
        if words:
            raise _unknown_error(words, said, names)
        raise QueryError(
            "I did not see what to change: a format (int4), a context (32k), users (8 users), "
            "cards (on 2x h100) or a model.",
            example="same with int4",
        )
    training_said = said.training or said.sequences is not None or said.context_tokens is not None
    if previous.training is not None and said.task is None and training_said:
        said.task = previous.task  # 'batch=4', 'rank=64' change the training question
    changed = _query(text.strip(), said, model, note, reading.hub, words)
    return _merge(previous, changed, said, model, reading.hub)


def _merged_training(
    previous: TrainingOptions | None, said: TrainingOptions | None
) -> TrainingOptions | None:
    """A training follow-up keeps the options it does not name; LoRA's rank and targets go
    when it asks for full training."""
    if previous is None or said is None:
        return said
    kept = {
        name: getattr(previous, name)
        for name in ("optimizer", "micro_batch", "seq_len", "gradient_checkpointing", "sharding")
        if getattr(said, name) is None
    }
    merged = replace(said, **kept)
    if merged.uses_adapters:
        adapter_options = {
            "rank": merged.rank or previous.rank,
            "targets": merged.targets or previous.targets,
        }
        merged = replace(merged, **adapter_options)
    return merged


def _merge(previous: Query, changed: Query, said: Said, model, hub) -> Query:
    new_model = model is not None or said.params is not None or hub is not None
    query = previous
    if new_model:
        precision = previous.precision if previous.precision_given else changed.precision
        query = replace(
            query,
            model=changed.model,
            params=changed.params,
            hub_repo=changed.hub_repo,
            hub_revision=changed.hub_revision,
            name_note=changed.name_note,
            precision=precision,
        )
    if said.precision is not None:
        query = replace(
            query,
            precision=changed.precision,
            precision_given=True,
            compare_precisions=changed.compare_precisions,
        )
    workload = previous.workload
    if said.context_tokens is not None:  # for training, the sequence length too
        workload = replace(workload, context_tokens=said.context_tokens)
    if said.sequences is not None and changed.task == "serve":
        workload = replace(workload, sequences=said.sequences, sequences_given=True)
    if said.kv_format is not None:
        workload = replace(workload, kv_format=said.kv_format)
    query = replace(query, workload=workload)
    if said.gpus:
        query = replace(query, gpus=changed.gpus)
    for name in ("compare_all", "wants_nodes"):
        if getattr(said, name):
            query = replace(query, **{name: True})
    if said.solve_for:
        query = replace(query, solve_for=said.solve_for)
    if said.engine:
        query = replace(query, engine=said.engine)
    if said.task:
        training = _merged_training(previous.training, changed.training)
        query = replace(query, task=changed.task, training=training)
    return replace(query, text=changed.text, ignored_words=changed.ignored_words)
