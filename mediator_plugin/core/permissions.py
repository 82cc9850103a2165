"""Who may do what: roles from identity-provider groups, permissions per role, deny by default.

Every view of the plugin declares its rule with :func:`requires` or :func:`public`; the hook
:func:`enforce` runs before each request of the plugin's blueprints and refuses (403) any endpoint
that declared nothing, any identity lacking the permission and anyone without a session on a
protected page (redirected to log in). A POST authenticated otherwise declares :func:`csrf_exempt`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import abort, current_app, g, redirect, request, session, url_for


class Role(enum.StrEnum):
    MEDIATOR = "mediator"
    CASE_HANDLER = "case_handler"
    CORRESPONDENT = "correspondent"
    EXECUTIVE = "executive"
    ADMIN = "admin"


class Permission(enum.StrEnum):
    """Named ``<area>:<action>``; kept alphabetical."""

    ADMIN_HEALTH = "admin:health"
    AUDIT_READ = "audit:read"
    CASE_ADMISSIBILITY = "case:admissibility"
    CASE_CLOSE = "case:close"
    CASE_READ = "case:read"
    CASE_WRITE = "case:write"
    CORRESPONDENT_SPACE = "correspondent:space"
    DASHBOARD_AGGREGATES = "dashboard:aggregates"
    EXAMPLE_APPROVE = "example:approve"
    IMPLEMENTATION_RECORD = "implementation:record"
    INTAKE_MANAGE = "intake:manage"
    LEGAL_HOLD_LIFT = "legal_hold:lift"
    LEGAL_HOLD_PLACE = "legal_hold:place"
    PERSONAL_DATA_EXPORT = "personal_data:export"
    PROPOSAL_SIGN = "proposal:sign"
    RECOMMENDATION_MANAGE = "recommendation:manage"
    RECOMMENDATION_READ = "recommendation:read"
    REPORT_PUBLISH = "report:publish"
    REPORT_READ = "report:read"
    RETENTION_READ = "retention:read"
    SESSION_MANAGE = "session:manage"


_TEAM = {
    Permission.AUDIT_READ, Permission.CASE_ADMISSIBILITY, Permission.CASE_CLOSE, Permission.CASE_READ,
    Permission.CASE_WRITE, Permission.IMPLEMENTATION_RECORD, Permission.INTAKE_MANAGE,
    Permission.RECOMMENDATION_READ, Permission.REPORT_READ, Permission.DASHBOARD_AGGREGATES,
    Permission.LEGAL_HOLD_PLACE,
}
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.MEDIATOR: frozenset(_TEAM | {Permission.PROPOSAL_SIGN, Permission.RECOMMENDATION_MANAGE,
                                      Permission.REPORT_PUBLISH, Permission.ADMIN_HEALTH,
                                      Permission.EXAMPLE_APPROVE, Permission.LEGAL_HOLD_LIFT,
                                      Permission.PERSONAL_DATA_EXPORT, Permission.RETENTION_READ}),
    # R-ADM-2 keeps admissibility with the mediator's team; signing and publishing stay the mediator's
    # (R-CASE-1: an anonymised example is published on the mediator's own sign-off). A case handler may place a
    # legal hold (keeping data is the safe side); lifting one, the purge log and subject-access exports are the
    # mediator's (R-GDPR-4, R-GDPR-6).
    Role.CASE_HANDLER: frozenset(_TEAM),
    Role.CORRESPONDENT: frozenset({Permission.CORRESPONDENT_SPACE, Permission.IMPLEMENTATION_RECORD}),
    Role.EXECUTIVE: frozenset({Permission.REPORT_READ, Permission.DASHBOARD_AGGREGATES,
                               Permission.RECOMMENDATION_READ}),
    # The console's sessions (who is signed in, with which roles; ending one) are the IT administrator's: no file
    # content, and the security of the sign-in is IT's.
    Role.ADMIN: frozenset({Permission.ADMIN_HEALTH, Permission.SESSION_MANAGE}),
}
TEAM_ROLES = frozenset({Role.MEDIATOR, Role.CASE_HANDLER})


@dataclass(frozen=True)
class Identity:
    """The person behind a request. ``departments`` are those they answer for as a correspondent."""

    sub: str
    name: str
    email: str = ""
    roles: frozenset[Role] = frozenset()
    departments: frozenset[str] = frozenset()
    permissions: frozenset[Permission] = field(init=False)

    def __post_init__(self):
        perms = frozenset().union(*(ROLE_PERMISSIONS[r] for r in self.roles)) if self.roles else frozenset()
        object.__setattr__(self, "permissions", perms)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def on_team(self) -> bool:
        """True for the mediator and case handlers: the only people who read files."""
        return bool(self.roles & TEAM_ROLES)


SYSTEM = Identity(sub="system", name="Médiateur (tâche automatique)",
                  roles=frozenset({Role.MEDIATOR}))


def roles_from_groups(groups, role_settings: Mapping) -> tuple[frozenset[Role], frozenset[str]]:
    """Map identity-provider groups to roles and correspondent departments (settings ``[roles]``)."""
    groups = set(groups or ())
    roles: set[Role] = set()
    departments: set[str] = set()
    for role_name, wanted in role_settings.items():
        if role_name == Role.CORRESPONDENT:
            for department, dept_groups in wanted.items():
                if groups & set(dept_groups):
                    departments.add(department)
                    roles.add(Role.CORRESPONDENT)
        elif groups & set(wanted):
            roles.add(Role(role_name))
    return frozenset(roles), frozenset(departments)


_RULE_ATTR = "_mediator_access_rule"
PUBLIC = "public"


def requires(permission: Permission) -> Callable:
    """Declare the permission a view needs."""
    def decorate(view):
        setattr(view, _RULE_ATTR, permission)
        return view
    return decorate


def public(view):
    """Declare a view open to anyone (public pages, login, logout, health, signed webhooks)."""
    setattr(view, _RULE_ATTR, PUBLIC)
    return view


_CSRF_EXEMPT_ATTR = "_mediator_csrf_exempt"


def csrf_exempt(view):
    """Declare a POST authenticated otherwise than by the session, so without a CSRF token (signed webhooks,
    the identity provider's logout token)."""
    setattr(view, _CSRF_EXEMPT_ATTR, True)
    return view


def csrf_exempted(view) -> bool:
    return getattr(view, _CSRF_EXEMPT_ATTR, False)


def access_rule(view) -> Permission | str | None:
    """The declared rule of a view function, or None when it declared none (then: denied)."""
    return getattr(view, _RULE_ATTR, None)


def current_identity() -> Identity | None:
    """The logged-in identity of this request, or None."""
    return g.get("_mediator_identity")


def enforce():
    """``before_request`` hook of the plugin's blueprints: deny unless the view's rule allows."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    rule = access_rule(view) if view else None
    if rule == PUBLIC:
        return None
    if rule is None:
        abort(403)
    identity = current_identity()
    if identity is None:
        if request.method == "GET" and not request.path.startswith(_api_prefix()):
            session["mediator_next"] = request.full_path if request.query_string else request.path
            return redirect(url_for("mediator.auth.login"))
        abort(401)
    if not identity.can(rule):
        abort(403)
    return None


def _api_prefix() -> str:
    return url_for("mediator.public.home").rstrip("/") + "/api/"
