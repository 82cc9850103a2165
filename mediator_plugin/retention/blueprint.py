"""URL rules of retention in the console: legal holds on a file, the purge log, the subject-access export."""

from flask import Blueprint

from mediator_plugin.retention import views

bp = Blueprint("retention", __name__, url_prefix="/console", template_folder="templates")
bp.add_url_rule("/conservation", "index", views.index)
bp.add_url_rule("/dossiers/<reference>/gel", "place_hold", views.place_hold, methods=["POST"])
bp.add_url_rule("/dossiers/<reference>/gel/<dbint:hold_id>/levee", "lift_hold", views.lift_hold, methods=["POST"])
bp.add_url_rule("/donnees-personnelles", "subject_access", views.subject_access, methods=["GET", "POST"])
