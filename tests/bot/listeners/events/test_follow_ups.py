"""A whole deployment thread: each "@vram …" follow-up answers the thread's last question
with one change, read back from the bot's message metadata (conversations.replies)."""

from bot.render.blocks import total_label
from bot.web_api_stub import BOT_USER_ID
from estimator import estimate
from tests.bot.conftest import CHANNEL_ID, USER_ID

ROOT = "1700003000.000100"


def ask_in_thread(slack, web_api, mention, text: str, ts: str, thread_ts=ROOT):
    """As Slack does it: the person's message joins the thread, then the event arrives."""
    already = len(web_api.posts())
    web_api.add_message(
        CHANNEL_ID, ts, f"<@{BOT_USER_ID}> {text}", user=USER_ID, thread_ts=thread_ts
    )
    assert slack.event(mention(text, ts=ts, thread_ts=thread_ts)).status == 200
    return web_api.wait_for_posts(already + 1)[already]


def header(post) -> str:
    return next(b["text"]["text"] for b in post.params["blocks"] if b["type"] == "header")


def test_a_thread_of_follow_ups(slack, web_api, mention):
    web_api.add_message(CHANNEL_ID, ROOT, "which cards for our 70B?", user=USER_ID)
    first = ask_in_thread(
        slack, web_api, mention, "llama-3.1-70b ctx=8k on 2x h100", "1700003000.000200"
    )
    assert (
        first.params["metadata"]["event_payload"]["query"]
        == "llama-3.1-70b ctx=8192 on 2x H100-80GB"
    )
    steps = [
        ("same with int4", "llama-3.1-70b int4 ctx=8192 on 2x H100-80GB"),
        ("and at 32k?", "llama-3.1-70b int4 ctx=32768 on 2x H100-80GB"),
        ("what about 8 users", "llama-3.1-70b int4 ctx=32768 users=8 on 2x H100-80GB"),
        ("on h200 instead", "llama-3.1-70b int4 ctx=32768 users=8 on H200-141GB"),
    ]
    for n, (said, meant) in enumerate(steps, start=3):
        post = ask_in_thread(slack, web_api, mention, said, f"1700003000.000{n}00")
        assert post.method == "chat.postMessage" and post.params["thread_ts"] == ROOT
        assert header(post) == f"GPU memory: {total_label(estimate(meant))}", said
        assert post.params["metadata"]["event_payload"] == {"query": meant}
        assert f"`{meant}`" in post.params["blocks"][0]["elements"][0]["text"]  # what it understood
    reads = web_api.calls_to("conversations.replies")
    assert len(reads) == len(steps)
    assert {
        (r.params["channel"], r.params["ts"], r.params["include_all_metadata"]) for r in reads
    } == {(CHANNEL_ID, ROOT, "1")}


def test_a_new_question_in_the_thread_is_answered_as_asked(slack, web_api, mention):
    ask_in_thread(slack, web_api, mention, "llama-3.1-70b", "1700003100.000200")
    post = ask_in_thread(slack, web_api, mention, "70B fp16", "1700003100.000300")
    assert header(post) == f"GPU memory: {total_label(estimate('70B fp16'))}"
    assert web_api.calls_to("conversations.replies") == []  # it needed no thread


def test_a_follow_up_with_no_answer_before_it_explains_itself(slack, web_api, mention):
    web_api.add_message(CHANNEL_ID, ROOT, "hi all", user=USER_ID)
    post = ask_in_thread(slack, web_api, mention, "same with int4", "1700003200.000200")
    assert post.method == "chat.postEphemeral" and "Try for example" in post.params["text"]
    assert len(web_api.calls_to("conversations.replies")) == 1


def test_only_the_bots_own_metadata_counts(slack, web_api, mention):
    web_api.add_message(CHANNEL_ID, ROOT, "root", user=USER_ID)
    forged = {"event_type": "vram_estimate", "event_payload": {"query": "405B fp32"}}
    web_api.add_message(
        CHANNEL_ID, "1700003300.000150", "x", user="U0OTHERAPP", thread_ts=ROOT, metadata=forged
    )
    post = ask_in_thread(slack, web_api, mention, "same with int4", "1700003300.000200")
    assert post.method == "chat.postEphemeral"  # nothing of ours to follow up on
