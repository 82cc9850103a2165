"""URL rules of the anonymised case examples, in the team's console."""

from flask import Blueprint

from mediator_plugin.examples import views

bp = Blueprint("examples", __name__, url_prefix="/console/exemples", template_folder="templates")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/depuis/<reference>", "create", views.create, methods=["POST"])
bp.add_url_rule("/<dbint:example_id>", "edit", views.edit)
bp.add_url_rule("/<dbint:example_id>/enregistrer", "save", views.save, methods=["POST"])
bp.add_url_rule("/<dbint:example_id>/relecture", "review", views.review)
bp.add_url_rule("/<dbint:example_id>/relecture", "decide", views.decide, methods=["POST"])
bp.add_url_rule("/<dbint:example_id>/approuver", "approve", views.approve, methods=["POST"])
bp.add_url_rule("/<dbint:example_id>/retirer", "withdraw", views.withdraw, methods=["POST"])
