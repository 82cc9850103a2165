# gunicorn settings for Médiateur (data only): sync workers, which beat threaded ones on these
# request shapes; bind on loopback behind a TLS reverse proxy.
# GUNICORN_BIND and GUNICORN_WORKERS override the defaults (containers bind 0.0.0.0).
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
forwarded_allow_ips = "127.0.0.1"
# No gunicorn access log: the application writes one JSON line per request (request id, path, status,
# duration, user subject) on stderr; gunicorn's own messages go to stderr too.
accesslog = None
errorlog = "-"


def post_worker_init(worker):
    # The application's own objects (models, statements, templates, catalogs: some 180,000) live as long as
    # the worker. Frozen out of the collector's sight, a full collection walks only what requests allocate
    # instead of pausing a request for 70-90 ms.
    import gc

    gc.collect()
    gc.freeze()
