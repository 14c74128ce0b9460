"""The project's own rules for manifest.yml (tests/data/slack_manifest_rules.toml): a check of
every field against its rule, and what the code's listeners need from the manifest."""

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RULES_FILE = REPO / "tests" / "data" / "slack_manifest_rules.toml"

TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
}
KEYWORDS = ("type", "required", "enum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems")  # fmt: skip


def load_rules() -> dict:
    rules = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    for path, rule in rules["fields"].items():
        unknown = set(rule) - set(KEYWORDS)
        assert not unknown, f"{RULES_FILE.name}: {path!r} has unknown keys {sorted(unknown)}"
        assert rule.get("type") in TYPES, f"{RULES_FILE.name}: {path!r} needs a known type"
    return rules


def violations(manifest: dict, field_rules: dict) -> list[str]:
    """Every way `manifest` breaks its rules, one line each ('' is the whole manifest)."""
    found: list[str] = []

    def walk(value: object, path: str) -> None:
        rule = field_rules.get(path)
        if rule is None:
            found.append(f"{path}: no rule in {RULES_FILE.name} (add one from Slack's schema)")
            return
        found.extend(f"{path or 'manifest'}: {problem}" for problem in _problems(value, rule))
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    walk(manifest, "")
    return found


def _problems(value: object, rule: dict) -> Iterator[str]:
    if not TYPES[rule["type"]](value):
        yield f"should be of type {rule['type']}, not {type(value).__name__} ({value!r})"
        return
    for key in rule.get("required", ()):
        if key not in value:  # type: ignore[operator]  # an object, checked above
            yield f"lacks the required key {key!r}"
    if "enum" in rule and value not in rule["enum"]:
        yield f"{value!r} is not one of {rule['enum']}"
    if isinstance(value, str):
        if not rule.get("minLength", 0) <= len(value) <= rule.get("maxLength", len(value)):
            yield f"has {len(value)} characters, outside {rule.get('minLength', 0)}..{rule.get('maxLength')}"
        if "pattern" in rule and not re.search(rule["pattern"], value):
            yield f"{value!r} does not match {rule['pattern']!r}"
    if isinstance(value, list):
        if not rule.get("minItems", 0) <= len(value) <= rule.get("maxItems", len(value)):
            yield f"has {len(value)} items, outside {rule.get('minItems', 0)}..{rule.get('maxItems')}"
        if rule.get("uniqueItems") and len({repr(item) for item in value}) < len(value):
            yield "has the same item twice"


def slack_schema_node(schema: dict, path: str) -> dict:
    """The node of Slack's schema that `path` (a key of [fields]) names, references followed."""
    node = _deref(schema, schema)
    for segment in path.split(".") if path else ():
        name, is_items = segment.removesuffix("[]"), segment.endswith("[]")
        node = _deref(schema, node["properties"][name])
        if is_items:
            node = _deref(schema, node["items"])
    return node


def _deref(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].removeprefix("#/definitions/")]
    return node


# Bolt's App methods that register listeners, by the kind of surface in [surfaces].
LISTENER_KINDS = {
    "command": "command",
    "shortcut": "shortcut", "global_shortcut": "shortcut", "message_shortcut": "shortcut",
    "action": "action", "block_action": "action", "attachment_action": "action",
    "view": "view", "view_submission": "view", "view_closed": "view",
    "options": "options", "block_suggestion": "options",
}  # fmt: skip
NOT_LISTENERS = {"use", "middleware", "error"}
# A message event's channel_type, and the event name Slack subscribes it by.
MESSAGE_EVENTS = {"im": "message.im", "channel": "message.channels", "group": "message.groups",
                  "mpim": "message.mpim"}  # fmt: skip


@dataclass
class ListenerRecorder:
    """Passed to register_listeners(app) in place of the App: records what each listener is
    registered for (Bolt's `app.event(...)(ack=..., lazy=[...])` and decorator forms alike)."""

    registered: list[tuple[str, object]] = field(default_factory=list)

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)

        def register(constraint=None, *args, **kwargs):
            self.registered.append((method, constraint))
            return lambda *functions, **_: functions[0] if functions else None

        return register

    def events(self) -> set[str]:
        return {_event_name(c) for method, c in self.registered if method == "event"}

    def of_kind(self, kind: str) -> list[object]:
        return [c for method, c in self.registered if LISTENER_KINDS.get(method) == kind]

    def kinds(self) -> set[str]:
        unknown = {m for m, _ in self.registered} - set(LISTENER_KINDS) - NOT_LISTENERS - {"event"}
        assert not unknown, (
            f"listeners registered with {sorted(unknown)}: add them to manifest_rules"
        )
        return {LISTENER_KINDS[m] for m, _ in self.registered if m in LISTENER_KINDS}


def _event_name(constraint: object) -> str:
    if isinstance(constraint, str):
        return constraint
    assert isinstance(constraint, dict) and "type" in constraint, f"event {constraint!r}"
    if constraint["type"] != "message":
        return constraint["type"]
    channel_type = constraint.get("channel_type")
    assert channel_type in MESSAGE_EVENTS, (
        f"a message listener must name its channel_type ({sorted(MESSAGE_EVENTS)}): {constraint!r}"
    )
    return MESSAGE_EVENTS[channel_type]


def web_api_methods_called(package: Path) -> set[str]:
    """Web API methods the code calls as `client.chat_postMessage(` (the stand-in excepted)."""
    methods = set()
    for source in package.rglob("*.py"):
        if source.name == "web_api_stub.py":
            continue
        text = source.read_text(encoding="utf-8")
        methods |= {f"{a}.{b}" for a, b in re.findall(r"\bclient\.([a-z]+)_([A-Za-z]+)\(", text)}
    return methods
