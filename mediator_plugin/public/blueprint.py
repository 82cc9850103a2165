"""URL rules of the public pages and the health check."""

from flask import Blueprint

from mediator_plugin.public import filing_views, views

bp = Blueprint("public", __name__, template_folder="templates")
bp.add_url_rule("/", "home", views.home)
bp.add_url_rule("/charte", "charter", views.charter)
# GET and POST are separate endpoints so that only submissions count against the rate limits.
bp.add_url_rule("/saisir", "filing_form", filing_views.filing_form)
bp.add_url_rule("/saisir", "file_request", filing_views.file_request, methods=["POST"])
bp.add_url_rule("/saisir/accuse-de-reception", "acknowledgement", filing_views.acknowledgement)
bp.add_url_rule("/suivi", "tracking_form", filing_views.tracking_form)
bp.add_url_rule("/suivi", "track", filing_views.track, methods=["POST"])
bp.add_url_rule("/rapports", "reports", views.reports)
bp.add_url_rule("/rapports/<dbint:year>", "report_html", views.report_html)
bp.add_url_rule("/rapports/<dbint:year>.pdf", "report_pdf", views.report_pdf)
bp.add_url_rule("/healthz", "healthz", views.healthz)
bp.add_url_rule("/healthz/live", "liveness", views.liveness)
