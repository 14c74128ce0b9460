"""Benchmarks: `python -m bench` (or `make bench`) prints one table, ours against a bare app.

Speed and memory are measured here, not in timed unit tests; the README quotes the figures.
Every loop is bounded in count and in time, and nothing leaves 127.0.0.1.

    in_process    signed /vram requests through App.dispatch, ours and bare interleaved
    adversarial   the worst inputs (also the corpus of tests/hardening/test_input.py)
    startup       `python -m estimator 70B fp16`; server start to its first answer
    http_load     the Procfile's gunicorn under 16 clients: req/s, p50, p99, CPU, memory;
                  mentions whose answers must all reach the Web API stand-in
    slow_clients  40 connections dribbling their headers, and 5 real requests meanwhile:
                  the Procfile's gevent workers, then gunicorn's sync workers
    bare_app      the baseline: our settings (bot.config), a listener that acks a constant
    load, server, machine, slack_requests: the load generator, gunicorn, /proc, signing
"""
