"""The "Size a model" modal (views.open): one input block per field of bot.form.

Each block's block_id and its element's action_id are the field's name, so a submission's
`view.state.values[field][field]` holds what was filled in, and an error is keyed by it.
"""

import json

from slack_sdk.models.blocks import (
    ConversationSelectElement,
    ExternalDataSelectElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import form
from bot.render.serialise import as_dict

FORM_CALLBACK_ID = "vram_form"
POST_IN = "post_in"  # the shortcut's form: where to post the answer


def form_view(origin: dict) -> dict:
    """`origin`: where to post the answer ({"channel", "response_url"} or {"user"}),
    carried through Slack in private_metadata (at most 3,000 characters)."""
    blocks = [
        _input(
            form.MODEL,
            "Model",
            ExternalDataSelectElement(
                action_id=form.MODEL,
                placeholder="llama-3.1-70b, 70B, or a Hugging Face id",
                min_query_length=1,
            ),
            hint="Type a name from the catalog, a size (70B) or a Hub id (org/name).",
        ),
        _input(
            form.FORMAT,
            "Format",
            _select(form.FORMAT, form.format_choices()),
            optional=True,
            hint="Empty: 16-bit for a size, the model's own format for a named model.",
        ),
        _input(
            form.CONTEXT,
            "Context per user",
            _select(form.CONTEXT, form.context_choices()),
            optional=True,
        ),
        _input(
            form.USERS,
            "Concurrent users",
            NumberInputElement(
                action_id=form.USERS, is_decimal_allowed=False, min_value=1, max_value=1_000_000
            ),
            optional=True,
        ),
        _input(
            form.CARD,
            "Card",
            _select(form.CARD, form.card_choices()),
            optional=True,
            hint="Empty: the answer compares the usual cards.",
        ),
        _input(
            form.COUNT,
            "How many cards",
            NumberInputElement(
                action_id=form.COUNT, is_decimal_allowed=False, min_value=1, max_value=4096
            ),
            optional=True,
            hint="Empty: how many it takes.",
        ),
    ]
    for field, label, choices in (
        (form.ENGINE, "Engine", form.engine_choices()),
        (form.TASK, "Task", form.task_choices()),
    ):
        if len(choices) > 1:  # only when the estimator knows more than the default
            blocks.append(_input(field, label, _select(field, list(choices)), optional=True))
    if not origin.get("response_url"):  # the shortcut: no channel it was asked in
        blocks.append(
            _input(
                POST_IN,
                "Post the answer in",
                ConversationSelectElement(
                    action_id=POST_IN,
                    response_url_enabled=True,  # Slack sends that conversation's response_url
                ),
                optional=True,
                hint="Empty: in your direct messages with vram.",
            )
        )
    view = View(
        type="modal",
        callback_id=FORM_CALLBACK_ID,
        title="Size a model",
        submit="Answer",
        close="Cancel",
        private_metadata=json.dumps(origin),
        blocks=blocks,
    )
    return as_dict(view)


def submitted_values(view: dict) -> dict[str, str | None]:
    """view.state.values of a view_submission -> {field: value or None}."""
    values: dict[str, str | None] = {}
    for field, elements in (view.get("state") or {}).get("values", {}).items():
        state = elements.get(field) or {}
        option = state.get("selected_option")
        values[field] = option["value"] if option else state.get("value")
    return values


def _input(field, label, element, *, optional=False, hint=None) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        element=element,
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
    )


def _select(field: str, choices: list[form.Choice]) -> StaticSelectElement:
    # An empty value cannot be an option: the default choice is "leave it empty".
    options = [Option(text=c.label, value=c.value) for c in choices if c.value]
    return StaticSelectElement(action_id=field, placeholder="(default)", options=options)


def options_for(choices: list[form.Choice]) -> list[dict]:
    """An options listener's answer (block_suggestion), as Option dicts."""
    return [Option(text=c.label, value=c.value).to_dict() for c in choices]
