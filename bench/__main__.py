"""`python -m bench`: every benchmark in one run, one table with ratios to the bare app.

    python -m bench            # the full run (about two minutes on 2 cores)
    python -m bench --quick    # smaller counts, to check that it works

The results also go to bench/results/latest.json (not committed).
"""

import argparse
import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import adversarial, http_load, in_process, startup
from bench.machine import machine_facts
from bot.web_api_stub import SlackWebApiStub

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
FULL = {"dispatch": 500, "random_inputs": 300, "cli_runs": 7, "start_runs": 5,
        "requests": 2000, "mentions": 1000, "clients": 16}  # fmt: skip
QUICK = {"dispatch": 50, "random_inputs": 30, "cli_runs": 2, "start_runs": 1,
         "requests": 200, "mentions": 100, "clients": 16}  # fmt: skip
TIME_LIMIT_S = 120  # per load run: a bound, never reached on a healthy machine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts")
    args = parser.parse_args(argv)
    counts = QUICK if args.quick else FULL
    logging.basicConfig(level=logging.WARNING)  # the in-process apps log like production
    started = time.perf_counter()
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "counts": counts,
    }
    with SlackWebApiStub() as web_api:
        results["in_process"] = in_process.run(web_api.url, counts["dispatch"], TIME_LIMIT_S)
        results["adversarial"] = adversarial.run(web_api.url, counts["random_inputs"])
        results["startup"] = {
            **startup.cli(counts["cli_runs"]),
            "first_answer": startup.first_answer(web_api.url, counts["start_runs"]),
        }
        results["http"] = http_load.run(
            web_api, counts["requests"], counts["mentions"], counts["clients"], TIME_LIMIT_S
        )
    results["bench_wall_s"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(
        f"\n(results: {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS})"
    )


def table(r: dict) -> str:
    m, ip, adv, st, http = r["machine"], r["in_process"], r["adversarial"], r["startup"], r["http"]
    ours, bare, events = http["ours"], http["bare"], http["mentions"]
    n, clients = ours["requested"], ours["clients"]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}×" if b else "-"

    def mib(kib: int | None) -> str:
        return f"{kib / 1024:.1f} MiB" if kib is not None else "-"

    def yes(ok: bool) -> str:
        return "yes" if ok else "NO"

    first_ours, first_bare = st["first_answer"]["ours"], st["first_answer"]["bare"]
    growth_kib = (ours["rss_at_end_kib"] or 0) - (ours["rss_at_quarter_kib"] or 0)
    rows = [
        ("1 in-process dispatch, median", f"{ip['ours']['median_ms']:.2f} ms",
         f"{ip['bare']['median_ms']:.2f} ms", ratio(ip["ours"]["median_ms"], ip["bare"]["median_ms"]),
         "≤ 1.5× bare", yes(ip["ours"]["median_ms"] <= 1.5 * ip["bare"]["median_ms"])),
        (f"  in-process dispatch, p99 (n={ip['ours']['n']})", f"{ip['ours']['p99_ms']:.2f} ms",
         f"{ip['bare']['p99_ms']:.2f} ms", ratio(ip["ours"]["p99_ms"], ip["bare"]["p99_ms"]), "", ""),
        (f"2 HTTP throughput ({n} req, {clients} clients)", f"{ours['requests_per_s']:.0f} req/s",
         f"{bare['requests_per_s']:.0f} req/s", ratio(bare["requests_per_s"], ours["requests_per_s"]),
         "≤ 1.5× bare", yes(bare["requests_per_s"] <= 1.5 * ours["requests_per_s"])),
        ("  HTTP p50", f"{ours['p50_ms']:.1f} ms", f"{bare['p50_ms']:.1f} ms",
         ratio(ours["p50_ms"], bare["p50_ms"]), "", ""),
        ("  HTTP p99", f"{ours['p99_ms']:.1f} ms", f"{bare['p99_ms']:.1f} ms",
         ratio(ours["p99_ms"], bare["p99_ms"]), "< 50 ms", yes(ours["p99_ms"] < 50)),
        ("  HTTP errors / answered", f"{ours['errors']} / {ours['answered']}",
         f"{bare['errors']} / {bare['answered']}", "", f"0 / {n}",
         yes(ours["errors"] == 0 and ours["answered"] == n)),
        (f"3 python -m estimator 70B fp16 (median of {st['estimator_cli']['runs']})",
         f"{st['estimator_cli']['median_s']:.2f} s", f"{st['python_c_pass']['median_s']:.2f} s¹",
         ratio(st["estimator_cli"]["median_s"], st["python_c_pass"]["median_s"]), "< 1 s",
         yes(st["estimator_cli"]["median_s"] < 1)),
        (f"  server start → first answer (median of {first_ours['runs']})",
         f"{first_ours['median_s']:.2f} s", f"{first_bare['median_s']:.2f} s",
         ratio(first_ours["median_s"], first_bare["median_s"]), "< 1 s",
         yes(first_ours["median_s"] < 1)),
        (f"4 peak RSS after load (master + {ours['workers']} worker(s))", mib(ours["peak_rss_kib"]),
         mib(bare["peak_rss_kib"]), ratio(ours["peak_rss_kib"], bare["peak_rss_kib"]), "", ""),
        (f"  RSS growth, request {n // 4} → {n}", f"{growth_kib / 1024:+.1f} MiB", "", "",
         "stable", yes(abs(growth_kib) < 2048)),
        (f"5 adversarial inputs: estimate, max (n={adv['estimate']['n']})",
         f"{adv['estimate']['max_ms']:.1f} ms", "", "", "< 100 ms",
         yes(adv["estimate"]["max_ms"] < 100)),
        ("  adversarial inputs: full dispatch, max", f"{adv['dispatch']['max_ms']:.1f} ms", "", "",
         "< 100 ms", yes(adv["dispatch"]["max_ms"] < 100)),
        ("  adversarial inputs: full dispatch, p99", f"{adv['dispatch']['p99_ms']:.1f} ms", "", "",
         "", ""),
        (f"6 mentions ({events['requested']}, {events['clients']} clients): ack p99",
         f"{events['p99_ms']:.1f} ms", "", "", "", ""),
        ("  mentions answered / lost / duplicated",
         f"{events['answers_posted']} / {events['lost_answers']} / {events['duplicate_answers']}",
         "", "", "all / 0 / 0",
         yes(events["lost_answers"] == 0 and events["duplicate_answers"] == 0
             and events["errors"] == 0)),
    ]  # fmt: skip
    header = ("", "ours", "bare", "ratio²", "goal", "met")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        f"vram benchmarks · {m['cpus']} × {m['cpu_model']} · {m['memory_gib']} GiB · "
        f"Python {m['python']} · {r['when']} · {r['bench_wall_s']} s",
        "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)),
    ]
    lines += [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines += [
        "¹ `python -c pass`: the interpreter alone.",
        "² how many times slower (or larger) than the bare app; for throughput, bare ÷ ours.",
        f"slowest adversarial input: estimate '{adv['estimate']['slowest']}', "
        f"dispatch '{adv['dispatch']['slowest']}'.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
