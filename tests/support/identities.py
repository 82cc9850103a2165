"""The demo identities (interfaces.md): one per role, plus a customer-service agent with no role."""

from __future__ import annotations

GROUPS = {
    "mediatrice": ["mediation-mediators"],
    "gestionnaire": ["mediation-handlers"],
    "facturation": ["dept-billing"],
    "comex": ["comex"],
    "admin-si": ["it-admins"],
    "agent-sav": ["service-client"],
}
NAMES = {
    "mediatrice": "Claire Martin",
    "gestionnaire": "Lisa Bernard",
    "facturation": "Marc Petit",
    "comex": "Sophie Durand",
    "admin-si": "Paul Moreau",
    "agent-sav": "Nadia Leroy",
}


def user_claims() -> list[dict]:
    """Claims for oidc-provider-mock, one dict per identity."""
    return [{"sub": sub, "name": NAMES[sub], "email": f"{sub}@example.com", "groups": groups}
            for sub, groups in GROUPS.items()]
