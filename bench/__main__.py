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

from bench import adversarial, http_load, in_process, slow_clients, startup
from bench.machine import cpu_check_ms, machine_facts
from bot.web_api_stub import SlackWebApiStub

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
FULL = {"dispatch": 500, "random_inputs": 300, "cli_runs": 7, "start_runs": 5,
        "requests": 2000, "rounds": 3, "mentions": 1000, "clients": 16}  # fmt: skip
QUICK = {"dispatch": 50, "random_inputs": 30, "cli_runs": 2, "start_runs": 1,
         "requests": 200, "rounds": 1, "mentions": 100, "clients": 16}  # fmt: skip
TIME_LIMIT_S = 120  # per load run: a bound, never reached on a healthy machine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn workers, through WEB_CONCURRENCY as Heroku sets it (default: 2)",
    )
    args = parser.parse_args(argv)
    counts = {**(QUICK if args.quick else FULL), "workers": args.workers}
    logging.basicConfig(level=logging.WARNING)  # the in-process apps log like production
    started = time.perf_counter()
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "counts": counts,
        "cpu_check_ms": [cpu_check_ms()],
    }
    checks = results["cpu_check_ms"]
    with SlackWebApiStub() as web_api:
        results["in_process"] = in_process.run(web_api.url, counts["dispatch"], TIME_LIMIT_S)
        checks.append(cpu_check_ms())
        results["adversarial"] = adversarial.run(web_api.url, counts["random_inputs"])
        checks.append(cpu_check_ms())
        results["startup"] = {
            **startup.cli(counts["cli_runs"]),
            "first_answer": startup.first_answer(
                web_api.url, counts["start_runs"], counts["workers"]
            ),
        }
        checks.append(cpu_check_ms())
        results["http"] = http_load.run(
            web_api,
            counts["requests"],
            counts["mentions"],
            counts["clients"],
            TIME_LIMIT_S,
            counts["workers"],
            counts["rounds"],
        )
        checks.append(cpu_check_ms())
        results["slow_clients"] = slow_clients.run(web_api, counts["workers"])
    checks.append(cpu_check_ms())
    results["bench_wall_s"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\n(all figures: {RESULTS})")


def table(r: dict) -> str:
    m, ip, adv, st, http = r["machine"], r["in_process"], r["adversarial"], r["startup"], r["http"]
    ours, bare, one, events = http["ours"], http["bare"], http["ours_1_worker"], http["mentions"]
    slow, sync = r["slow_clients"]["procfile"], r["slow_clients"]["sync_workers"]
    rounds, clients, workers = http["rounds"], ours["clients"], ours["workers"]
    n = ours["requested"] // rounds
    first_ours, first_bare = st["first_answer"]["ours"], st["first_answer"]["bare"]
    growth_kib = (ours["rss_at_end_kib"] or 0) - (ours["rss_at_quarter_kib"] or 0)
    delivered = events["lost_answers"] == 0 and events["duplicate_answers"] == 0
    rows = [
        ("1 in-process dispatch, median", ms(ip["ours"]["median_ms"], 2),
         ms(ip["bare"]["median_ms"], 2), ratio(ip["ours"]["median_ms"], ip["bare"]["median_ms"]),
         "≤ 1.5× bare", met(ip["ours"]["median_ms"] <= 1.5 * ip["bare"]["median_ms"])),
        (f"  in-process dispatch, p99 (n={ip['ours']['n']})", ms(ip["ours"]["p99_ms"], 2),
         ms(ip["bare"]["p99_ms"], 2), ratio(ip["ours"]["p99_ms"], ip["bare"]["p99_ms"]), "", ""),
        (f"2 HTTP throughput ({n} req, {clients} clients)³", f"{ours['requests_per_s']:.0f} req/s",
         f"{bare['requests_per_s']:.0f} req/s", ratio(bare["requests_per_s"], ours["requests_per_s"]),
         "≤ 1.5× bare", met(bare["requests_per_s"] <= 1.5 * ours["requests_per_s"])),
        ("  HTTP p50", ms(ours["p50_ms"]), ms(bare["p50_ms"]), ratio(ours["p50_ms"], bare["p50_ms"]),
         "", ""),
        ("  HTTP p99", ms(ours["p99_ms"]), ms(bare["p99_ms"]), ratio(ours["p99_ms"], bare["p99_ms"]),
         "< 50 ms", met(ours["p99_ms"] < 50)),
        (f"  HTTP errors / right answers, all {rounds} runs", f"{ours['errors']} / {ours['answered']}",
         f"{bare['errors']} / {bare['answered']}", "", f"0 / {n * rounds}",
         met(ours["errors"] == 0 and ours["answered"] == n * rounds)),
        ("  server CPU per request", ms(ours["server_cpu_ms_per_request"], 2),
         ms(bare["server_cpu_ms_per_request"], 2),
         ratio(ours["server_cpu_ms_per_request"], bare["server_cpu_ms_per_request"]), "", ""),
        ("  1 worker (gunicorn's default): req/s, p99", f"{one['requests_per_s']:.0f} req/s",
         ms(one["p99_ms"]), "", "", ""),
        (f"3 python -m estimator 70B fp16 (median of {st['estimator_cli']['runs']})",
         f"{st['estimator_cli']['median_s']:.2f} s", f"{st['python_c_pass']['median_s']:.2f} s¹",
         ratio(st["estimator_cli"]["median_s"], st["python_c_pass"]["median_s"]), "< 1 s",
         met(st["estimator_cli"]["median_s"] < 1)),
        (f"  server start → first answer (median of {first_ours['runs']})",
         f"{first_ours['median_s']:.2f} s", f"{first_bare['median_s']:.2f} s",
         ratio(first_ours["median_s"], first_bare["median_s"]), "< 1 s",
         met(first_ours["median_s"] < 1)),
        (f"4 peak RSS after load, master + {workers} workers", mib(ours["peak_rss_kib"]),
         mib(bare["peak_rss_kib"]), ratio(ours["peak_rss_kib"], bare["peak_rss_kib"]), "", ""),
        ("  PSS after load (shared pages counted once)", mib(ours["pss_kib"]), mib(bare["pss_kib"]),
         ratio(ours["pss_kib"], bare["pss_kib"]), "", ""),
        (f"  RSS growth, request {n // 4} → {n}", f"{growth_kib / 1024:+.1f} MiB", "", "",
         "stable", met(abs(growth_kib) < 2048)),
        (f"5 adversarial inputs (n={adv['estimate']['n']}): estimate, max",
         ms(adv["estimate"]["max_ms"]), "", "", "< 100 ms", met(adv["estimate"]["max_ms"] < 100)),
        ("  adversarial inputs: full dispatch, max", ms(adv["dispatch"]["max_ms"]), "", "",
         "< 100 ms", met(adv["dispatch"]["max_ms"] < 100)),
        ("  adversarial inputs: full dispatch, p99", ms(adv["dispatch"]["p99_ms"]), "", "", "", ""),
        (f"6 mentions ({events['requested']}, {events['clients']} clients): ack p99",
         ms(events["p99_ms"]), "", "", "", ""),
        ("  mentions answered / lost / doubled",
         f"{events['answers_posted']} / {events['lost_answers']} / {events['duplicate_answers']}",
         "", "", "all / 0 / 0", met(delivered and events["errors"] == 0)),
        (f"7 {slow['slow_clients']} slow clients: real /vram in {slow['deadline_s']:g} s⁵",
         slow_clients.summary(slow), "", "", "all, < 3 s",
         met(slow["answered"] == slow["real_requests"] and (slow["max_s"] or 99) < 3)),
        ("  the same with gunicorn's sync workers", slow_clients.summary(sync), "", "", "", ""),
    ]  # fmt: skip
    header = ("", "ours", "bare", "ratio²", "goal", "met")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        f"vram benchmarks · {m['cpus']} × {m['cpu_model']} · {m['memory_gib']} GiB · "
        f"Python {m['python']} · {r['when']} · {r['bench_wall_s']} s",
        f"server: the Procfile's web: command on 127.0.0.1, WEB_CONCURRENCY={workers} "
        f"({workers} gunicorn workers, as Heroku sets on its smallest dynos)",
        f"machine noise: CPU check {min(r['cpu_check_ms']):.1f}–{max(r['cpu_check_ms']):.1f} ms⁴",
        "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)).rstrip(),
    ]
    lines += [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines += [
        "¹ `python -c pass`: the interpreter alone.",
        "² how many times slower (or larger) than the bare app; for throughput, bare ÷ ours.",
        f"³ HTTP figures: median of {rounds} runs, ours and bare alternating; "
        f"RSS and PSS from the last run.",
        "⁴ the same pure-Python loop, timed between the phases: on a shared VM, when it is "
        "slower, so is everything else.",
        "⁵ each slow client sends its headers one byte every "
        f"{slow_clients.BYTE_EVERY_S:g} s and never finishes; 5 signed /vram meanwhile.",
        f"slowest adversarial input: estimate '{adv['estimate']['slowest']}', "
        f"dispatch '{adv['dispatch']['slowest']}'.",
    ]
    return "\n".join(lines)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "-"


def ms(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f} ms"


def mib(kib: int | None) -> str:
    return f"{kib / 1024:.1f} MiB" if kib is not None else "-"


def met(ok: bool) -> str:
    return "yes" if ok else "NO"


if __name__ == "__main__":
    main()
