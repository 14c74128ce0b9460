"""bot.render.serialise.as_dict gives exactly what slack_sdk's to_dict() gives, on every surface."""

import pytest

from bot.answer import HELP_EXAMPLES
from bot.render.blocks import answer_blocks, help_blocks, problem_blocks
from bot.render.form_view import form_view
from bot.render.home import home_view
from bot.render.what_if_blocks import what_if_blocks
from estimator import estimate

QUESTIONS = (
    "70B fp16",
    "llama-3.1-70b int4 32k ctx 20 users on 2x h100",
    "max ctx llama-3.1-8b on 1x l4",
    "qwen3-30b-a3b q4_k_m compare",
    "llama-3.1-8b qlora on l4",
)


@pytest.fixture
def slack_sdk_to_dict(monkeypatch):
    """Render with slack_sdk's own to_dict() instead, for comparison."""

    def models_to_dict(value):
        if isinstance(value, list):
            return [models_to_dict(item) for item in value]
        return value if isinstance(value, dict) else value.to_dict()

    def render(make):
        with monkeypatch.context() as patched:
            for module in ("bot.render.blocks", "bot.render.home", "bot.render.form_view"):
                patched.setattr(f"{module}.as_dict", models_to_dict)
            return make()

    return render


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_serialise_as_slack_sdk_does(question, slack_sdk_to_dict):
    answer = estimate(question)

    def make():
        actions = what_if_blocks(answer.query, "/vram")
        return answer_blocks(answer, echo="<@U1> asked `x`", actions=actions)

    assert make() == slack_sdk_to_dict(make)


def test_help_problems_home_and_the_form_serialise_as_slack_sdk_does(slack_sdk_to_dict):
    makers = [
        lambda: help_blocks("/vram", HELP_EXAMPLES),
        lambda: problem_blocks("No size in 'llama'.", "70B fp16", "@vram", ("llama-3.1-8b",)),
        lambda: home_view(),
        lambda: form_view({"channel": "C1", "response_url": "https://hooks.slack.com/x"}),
    ]
    for make in makers:
        assert make() == slack_sdk_to_dict(make)
