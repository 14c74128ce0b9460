"""Benchmarks: `python -m bench` (or `make bench`) prints one table, ours against a bare app.

Speed and memory are measured here, not in timed unit tests; the README quotes the figures.
Every loop is bounded in count and in time, and nothing leaves 127.0.0.1.
"""
