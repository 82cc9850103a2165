"""URL rules of the public pages and the health check."""

from flask import Blueprint

from mediator_plugin.public import views

bp = Blueprint("public", __name__, template_folder="templates")
bp.add_url_rule("/", "home", views.home)
bp.add_url_rule("/charte", "charter", views.charter)
bp.add_url_rule("/healthz", "healthz", views.healthz)
