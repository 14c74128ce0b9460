"""How a question was read, in words for the answer's assumptions: a model name not written
as the catalog spells it (a typo, a family and a size, an unknown name), and the words that
were not used. Pure: a Query in, sentences out."""

from estimator.models import MODELS_BY_KEY
from estimator.query import NameNote, Query


def _names(keys: tuple[str, ...], limit: int = 4) -> str:
    shown = [MODELS_BY_KEY[key].display_name if key in MODELS_BY_KEY else key for key in keys]
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _name_sentence(note: NameNote, query: Query) -> str:
    others = f" Also in the catalog: {_names(note.alternatives)}." if note.alternatives else ""
    if note.kind == "typo":
        return (
            f"'{note.written}' read as {query.model.display_name}, taken as a typo; name the "
            f"model if you meant another.{others}"
        )
    if note.kind == "family":
        return (
            f"'{note.written}' read as {query.model.display_name}, the newest of that family "
            f"at that size.{others}"
        )
    close = f" Close names: {_names(note.alternatives)}." if note.alternatives else ""
    return (
        f"'{note.written}' is not a model I know: answered for the size given, with no "
        f"architecture of its own.{close}"
    )


def how_read(query: Query) -> tuple[str, ...]:
    notes = []
    if query.name_note is not None:
        notes.append(_name_sentence(query.name_note, query))
    if query.ignored_words:
        words = ", ".join(f"'{word[:40]}'" for word in query.ignored_words[:8])
        notes.append(f"Not used: {words} (not words I know; the rest was enough).")
    return tuple(notes)
