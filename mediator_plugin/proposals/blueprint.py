"""URL rules of the proposal editor."""

from flask import Blueprint

from mediator_plugin.proposals import views

bp = Blueprint("proposals", __name__, url_prefix="/console/dossiers/<reference>/avis", template_folder="templates")
bp.add_url_rule("/", "edit", views.edit)
bp.add_url_rule("/enregistrer", "save", views.save, methods=["POST"])
bp.add_url_rule("/signer", "sign", views.sign, methods=["POST"])
bp.add_url_rule("/corriger", "correct", views.correct, methods=["POST"])
bp.add_url_rule("/apercu.pdf", "preview", views.preview)
