"""URL rules of the register of general recommendations."""

from flask import Blueprint

from mediator_plugin.recommendations import views

bp = Blueprint("recommendations", __name__, url_prefix="/console/recommandations", template_folder="templates")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/nouvelle", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/<reference>", "show", views.show)
bp.add_url_rule("/<reference>/suivi", "follow_up", views.follow_up, methods=["POST"])
