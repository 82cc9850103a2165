"""URL rules of the reports and of the executive dashboard."""

from flask import Blueprint

from mediator_plugin.reports import views

bp = Blueprint("reports", __name__, url_prefix="/console/rapports", template_folder="templates")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/<dbint:year>/publier", "publish", views.publish, methods=["POST"])
bp.add_url_rule("/<dbint:year>/textes", "texts", views.texts, methods=["GET", "POST"])
bp.add_url_rule("/<dbint:year>.pdf", "download", views.download)
bp.add_url_rule("/<dbint:year>.html", "download_html", views.download_html)

dashboard_bp = Blueprint("dashboard", __name__, url_prefix="/console/pilotage", template_folder="templates")
dashboard_bp.add_url_rule("/", "index", views.dashboard)
