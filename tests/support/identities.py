"""The demo identities (interfaces.md), as the demo defines them."""

from __future__ import annotations

from mediator_plugin.demo import DEMO_GROUPS as GROUPS
from mediator_plugin.demo import demo_user_claims as user_claims

__all__ = ["GROUPS", "user_claims"]
