"""URL rules of the health page."""

from flask import Blueprint

from mediator_plugin.admin import views

bp = Blueprint("admin", __name__, url_prefix="/console/admin", template_folder="templates")
bp.add_url_rule("/", "health", views.health)
bp.add_url_rule("/envois/<dbint:message_id>/relancer", "retry", views.retry, methods=["POST"])
