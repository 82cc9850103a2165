"""The console's main menu: the entries a person's permissions open.

The menu is on every console page, and finding its ten links and labels anew cost a tenth of a short page
(bench/console_speed.py). It depends only on the permissions, the language and where the plugin is mounted,
so each application keeps the menus it has built.
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import get_locale

from mediator_plugin import state
from mediator_plugin.core.i18n import N_, gettext
from mediator_plugin.core.permissions import Identity, Permission

# In the order shown: the permission that opens an entry, its endpoint and its label.
ENTRIES = (
    (Permission.CASE_READ, "mediator.cases.dashboard", N_("Dashboard")),
    (Permission.CASE_READ, "mediator.intake.queue", N_("Intake")),
    (Permission.CASE_READ, "mediator.cases.index", N_("Files")),
    (Permission.CASE_READ, "mediator.examples.index", N_("Examples")),
    (Permission.CORRESPONDENT_SPACE, "mediator.correspondent.requests", N_("My requests")),
    (Permission.ADMIN_HEALTH, "mediator.admin.health", N_("Operations")),
    (Permission.SESSION_MANAGE, "mediator.admin.sessions", N_("Sessions")),
    (Permission.RECOMMENDATION_READ, "mediator.recommendations.index", N_("Recommendations")),
    (Permission.DASHBOARD_AGGREGATES, "mediator.dashboard.index", N_("Steering")),
    (Permission.REPORT_READ, "mediator.reports.index", N_("Reports")),
    (Permission.RETENTION_READ, "mediator.retention.index", N_("Retention")),
)


def main_menu(identity: Identity) -> tuple[tuple[str, str], ...]:
    """The (link, label) entries of ``identity``'s menu, in the current language."""
    key = (request.script_root, str(get_locale()), identity.permissions)
    menus = state().menus
    menu = menus.get(key)
    if menu is None:
        menu = menus[key] = tuple((url_for(endpoint), gettext(label)) for permission, endpoint, label in ENTRIES
                                  if identity.can(permission))
    return menu
