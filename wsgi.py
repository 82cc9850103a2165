"""The standalone application for gunicorn: ``gunicorn -c config/gunicorn.conf.py wsgi:app``."""

from mediator_plugin import create_app

app = create_app()
