"""URL rules of the administrator's pages: operations health and console sessions."""

from flask import Blueprint

from mediator_plugin.admin import sessions, views

bp = Blueprint("admin", __name__, url_prefix="/console/admin", template_folder="templates")
bp.add_url_rule("/", "health", views.health)
bp.add_url_rule("/envois/<dbint:message_id>/relancer", "retry", views.retry, methods=["POST"])
bp.add_url_rule("/sessions", "sessions", sessions.index)
bp.add_url_rule("/sessions/<dbint:session_id>/terminer", "end_session", sessions.end_one, methods=["POST"])
bp.add_url_rule("/sessions/terminer-personne", "end_person", sessions.end_person, methods=["POST"])
