"""URL rules of the team's console for files."""

from flask import Blueprint

from mediator_plugin.cases import views

bp = Blueprint("cases", __name__, url_prefix="/console", template_folder="templates")
bp.add_url_rule("/", "dashboard", views.dashboard)
bp.add_url_rule("/dossiers", "index", views.index)
bp.add_url_rule("/dossiers/<reference>", "show", views.show)
bp.add_url_rule("/dossiers/<reference>/actions/<action>", "act", views.act, methods=["POST"])
bp.add_url_rule("/dossiers/<reference>/documents/<dbint:document_id>", "document", views.document)
bp.add_url_rule("/dossiers/<reference>/acces", "accesses", views.accesses)
# POST from the file page's forms (their CSRF token stays out of the address), GET for a bookmarked preview.
bp.add_url_rule("/dossiers/<reference>/apercu/<kind>.pdf", "letter_preview", views.letter_preview,
                methods=["GET", "POST"])
