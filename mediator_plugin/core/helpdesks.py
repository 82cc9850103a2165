"""The configured helpdesk connectors, built once per application from the settings."""

from __future__ import annotations

from connectors.base import HelpdeskConnector, MediationLabel
from connectors.http import HttpClient
from mediator_plugin import state


def configured_connectors() -> dict[str, HelpdeskConnector]:
    """Vendor → connector, for every helpdesk whose URL is set."""
    plugin = state()
    if not plugin.connectors:
        timeout = plugin.settings["helpdesk_timeout_seconds"]
        zendesk = plugin.settings["zendesk"]
        if zendesk["url"]:
            from connectors.zendesk import ZendeskConnector

            plugin.connectors["zendesk"] = ZendeskConnector(
                zendesk["url"],
                http=HttpClient(zendesk["url"], timeout=timeout),
                email=zendesk["email"] or None,
                api_token=zendesk["api_token"] or None,
                oauth_token=zendesk["oauth_token"] or None,
                oauth_client_id=zendesk["oauth_client_id"] or None,
                oauth_client_secret=zendesk["oauth_client_secret"] or None,
                mediation_tag=zendesk["mediation_tag"],
                mediation_field_id=zendesk["mediation_field_id"] or None,
                mediation_field_value=zendesk["mediation_field_value"] or None,
                professional_tag=zendesk["professional_tag"] or None,
                professional_field_id=zendesk["professional_field_id"] or None,
                professional_field_value=zendesk["professional_field_value"] or None,
                accept_solved=zendesk["accept_solved"],
                label_field_id=zendesk["label_field_id"] or None,
                label_status_ids={label: status for label, status in (
                    (MediationLabel.IN_PROGRESS, zendesk["label_status_in_progress"]),
                    (MediationLabel.ENDED, zendesk["label_status_ended"])) if status},
                complaint_outcome_field_id=zendesk["complaint_outcome_field_id"] or None,
                complaint_outcome_values=zendesk["complaint_outcome_values"],
                webhook_secret=zendesk["webhook_secret"] or None,
                start_time=zendesk["start_time"],
            )
        freshdesk = plugin.settings["freshdesk"]
        if freshdesk["url"]:
            from connectors.freshdesk import FreshdeskConnector
            from connectors.freshdesk.client import PLAN_LIMITS

            plugin.connectors["freshdesk"] = FreshdeskConnector(
                freshdesk["url"],
                # Freshdesk's per-minute limits can ask to wait up to a minute.
                http=HttpClient(freshdesk["url"], timeout=timeout, max_backoff=60,
                                limits=PLAN_LIMITS[freshdesk["plan"]]),
                api_key=freshdesk["api_key"],
                mediation_tag=freshdesk["mediation_tag"],
                mediation_field=freshdesk["mediation_field"] or None,
                mediation_field_value=freshdesk["mediation_field_value"] or None,
                professional_tag=freshdesk["professional_tag"] or None,
                professional_field=freshdesk["professional_field"] or None,
                professional_field_value=freshdesk["professional_field_value"] or None,
                accept_resolved=freshdesk["accept_resolved"],
                label_field=freshdesk["label_field"] or None,
                complaint_outcome_field=freshdesk["complaint_outcome_field"] or None,
                complaint_outcome_values=freshdesk["complaint_outcome_values"],
                updated_since=freshdesk["updated_since"],
                webhook_secret=freshdesk["webhook_secret"] or None,
            )
    return plugin.connectors
