"""Command line: `python -m estimator 70B fp16`, `python -m estimator --json "70B fp16"`.

Exit status: 0 answered, 2 not understood (with the reason on stderr, or as {"error": ...}).
"""

import argparse
import json
import sys

from estimator import QueryError
from estimator.render_json import to_json_dict
from estimator.render_text import render_text
from hub.answer import estimate_text

EXAMPLES = """examples:
  python -m estimator 70B fp16
  python -m estimator llama-3.1-70b int4 ctx=32k users=20 on 2x h100
  python -m estimator --json "mixtral-8x7b awq"
  python -m estimator deepseek-v3 fp8 compare
  python -m estimator Qwen/Qwen2.5-Coder-32B-Instruct-AWQ ctx=32k   # any Hugging Face repo
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m estimator",
        description="GPU memory to serve an LLM, and how many cards it takes.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "question", nargs="*", help='for example: 70B fp16, or "llama-3.1-8b ctx=8k"'
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--all", action="store_true", help="compare every card in the catalog")
    # Unknown dashes are part of the question ('-5B' gets a clear error, not a usage message).
    args, rest = parser.parse_known_args(argv)
    text = " ".join([*args.question, *rest]) + (" compare" if args.all else "")
    try:
        answer = estimate_text(text)  # a repository the catalog does not know: the Hub
    except QueryError as error:
        if args.json:
            print(json.dumps({"error": str(error)}))
        else:
            print(f"vram: {error}", file=sys.stderr)
        return 2
    print(
        json.dumps(to_json_dict(answer), indent=2, ensure_ascii=False)
        if args.json
        else render_text(answer)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
