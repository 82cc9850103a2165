# gunicorn settings for Médiateur (data only): sync workers, which beat threaded ones on these
# request shapes; bind on loopback behind a TLS reverse proxy.
import multiprocessing

bind = "127.0.0.1:8000"
workers = max(2, multiprocessing.cpu_count())
worker_class = "sync"
timeout = 30
graceful_timeout = 20
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
