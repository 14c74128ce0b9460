"""Block Kit models -> the dicts Slack is sent, faster than slack_sdk's `to_dict()`.

The answers are built with slack_sdk's models; serialising them was the largest share of an
answer's time (bench/: ~45 model objects an answer). `JsonObject.to_dict()` validates each
object (finding its validators by name) and then converts every nested value twice. This
walks the same `attributes` once, with the same rules (sorted keys; None and empty values
left out), and leaves any class with its own `to_dict` (Option, ConfirmObject…) to it.
The limits the validators check are kept where the texts are made (bot.render.mrkdwn), and
tests/bot/test_serialise.py holds the output equal to `to_dict()` for every surface.
"""

from slack_sdk.models.basic_objects import JsonObject

_GENERIC_TO_DICT = JsonObject.to_dict
_KEYS: dict[type, list[str] | None] = {}  # per class: its sorted attributes, None: its own to_dict


def as_dict(value):
    """A model, or a list or dict of them, as plain JSON data."""
    if isinstance(value, JsonObject):
        keys = _KEYS.get(type(value), ())
        if keys == ():  # a class not seen yet (slack_sdk's attributes are fixed per class)
            generic = type(value).to_dict is _GENERIC_TO_DICT
            keys = _KEYS[type(value)] = sorted(value.attributes) if generic else None
        if keys is None:
            return value.to_dict()
        data = {}
        for key in keys:
            item = getattr(value, key, None)
            if item is None or (hasattr(item, "__len__") and len(item) == 0):
                continue
            data[key] = as_dict(item)
        return data
    if isinstance(value, list | tuple):
        return [as_dict(item) for item in value]
    if isinstance(value, dict):
        return {key: as_dict(item) for key, item in value.items()}
    return value
