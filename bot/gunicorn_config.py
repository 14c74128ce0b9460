"""How the Procfile's gunicorn serves HTTP mode: `gunicorn -c python:bot.gunicorn_config …`.

gevent workers: each connection is a greenlet, so a client that sends its request a byte at a
time holds a few KB of memory, not a worker. With gunicorn's sync workers (its default), 40
such clients stopped all traffic: 0 of 5 real requests answered in 10 s; gthread workers,
whose threads block on a slow request once its first byte is in, answered 0-1 of 5
(bench/slow_clients.py; the README has the figures).

gevent must patch the standard library before anything else imports it: this file is read
by gunicorn's master before `--preload` loads the app, hence the patch at the top.
"""

from gevent import monkey

monkey.patch_all()

worker_class = "gevent"
# No keep-alive: each request is accepted anew by whichever worker is free. A kept-alive
# connection stays with the worker that took it, and with 16 clients one gevent worker held
# more of them than the other: p99 27.6-41.1 ms with gunicorn's 2 s keep-alive, 19.1-20.2 ms
# without, for 3-7 % fewer requests per second (python -m bench.worker_classes). Slack opens a
# connection per request anyway.
keepalive = 0
# Connections one worker holds at once, slow or not: past this, new ones wait in the backlog.
worker_connections = 1000
