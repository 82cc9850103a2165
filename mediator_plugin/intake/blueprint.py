"""URL rules of the intake queue."""

from flask import Blueprint

from mediator_plugin.intake import offline_views, views

bp = Blueprint("intake", __name__, url_prefix="/console/arrivees", template_folder="templates")
bp.add_url_rule("/", "queue", views.queue)
bp.add_url_rule("/<dbint:item_id>/ouvrir", "open_file", views.open_file, methods=["POST"])
bp.add_url_rule("/enregistrer", "register_form", offline_views.register_form)
bp.add_url_rule("/enregistrer", "register", offline_views.register_request, methods=["POST"])
