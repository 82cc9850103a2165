"""URL rules of the reports."""

from flask import Blueprint

from mediator_plugin.reports import views

bp = Blueprint("reports", __name__, url_prefix="/console/rapports", template_folder="templates")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/<int:year>.pdf", "download", views.download)
