"""Settings: code defaults → ``config/defaults.toml`` → ``MEDIATOR_CONFIG`` file → environment.

Every key is declared in :data:`DEFAULTS`; an unknown key, a missing required key or a secret
written in a file stops start-up with a message naming the key (interfaces.md, "Settings").
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from limits import parse_many

from mediator_plugin.core.paths import find_data_path

DEFAULTS: dict = {
    "env": "production",
    "database_url": "sqlite:///var/mediator.db",
    "secret_key": "",
    "base_url": "http://127.0.0.1:5000",
    "allowed_hosts": [],
    "storage_dir": "var/files",
    "smtp_url": "",
    "mail_from": "mediateur@example.com",
    "session_idle_minutes": 30,
    "session_lifetime_hours": 10,
    "login_rate_limit": "20 per minute",
    "backchannel_logout_rate_limit": "60 per minute",
    "filing_rate_limit": "10 per hour",
    "tracking_rate_limit": "10 per minute; 50 per hour",
    "ratelimit_storage_uri": "memory://",
    "trusted_proxies": 0,
    "upload_max_bytes": 10 * 1024 * 1024,
    "upload_types": ["application/pdf", "image/jpeg", "image/png", "text/plain"],
    "helpdesk_timeout_seconds": 10,
    "report_min_cell": 10,
    "log_format": "json",
    # The audit chain's key (a secret: environment only) and where each anchor of the chain is mailed.
    "audit": {"key": "", "anchor_mail_to": ""},
    # R-GDPR-3: how long each class of data is kept after the start of its last phase, in months.
    "retention": {
        "case_archive_months": 60,
        "inadmissible_request_months": 24,
        "attachments_months": 60,
        "intake_not_taken_up_months": 24,
        "online_filing_not_opened_months": 12,
    },
    "oidc": {"issuer": "", "client_id": "", "client_secret": "", "groups_claim": "groups"},
    "roles": {
        "mediator": ["mediation-mediators"],
        "case_handler": ["mediation-handlers"],
        "executive": ["comex"],
        "admin": ["it-admins"],
        "correspondent": {"billing": ["dept-billing"]},
    },
    "departments": {"billing": {"label": "Facturation", "email": "facturation@example.com"}},
    "zendesk": {
        "url": "",
        "email": "",
        "api_token": "",
        "oauth_token": "",
        "oauth_client_id": "",
        "oauth_client_secret": "",
        "mediation_tag": "demande_mediation",
        "mediation_field_id": 0,
        "mediation_field_value": "",
        "professional_tag": "",
        "professional_field_id": 0,
        "professional_field_value": "",
        "accept_solved": False,
        "label_field_id": 0,
        "label_status_in_progress": 0,
        "label_status_ended": 0,
        "complaint_outcome_field_id": 0,
        "complaint_outcome_values": ["refusee", "partielle"],
        "webhook_secret": "",
        "start_time": 0,
    },
    "freshdesk": {
        "url": "",
        "api_key": "",
        "plan": "pro",
        "mediation_tag": "demande_mediation",
        "mediation_field": "",
        "mediation_field_value": "",
        "professional_tag": "",
        "professional_field": "",
        "professional_field_value": "",
        "accept_resolved": False,
        "label_field": "cf_mediation",
        "complaint_outcome_field": "",
        "complaint_outcome_values": ["Refusée", "Partielle"],
        "webhook_secret": "",
        "updated_since": "2000-01-01T00:00:00Z",
    },
}

# Secrets come only from the environment (interfaces.md); a file holding one is refused.
SECRET_KEYS = frozenset(
    {
        "secret_key",
        "audit.key",
        "smtp_url",
        "oidc.client_secret",
        "zendesk.api_token",
        "zendesk.oauth_token",
        "zendesk.oauth_client_secret",
        "freshdesk.webhook_secret",
        "zendesk.webhook_secret",
        "freshdesk.api_key",
    }
)
# Tables whose keys are free (a group list per role, a label per department).
OPEN_TABLES = frozenset({"roles", "roles.correspondent", "departments"})
REQUIRED_IN_PRODUCTION = ("secret_key", "audit.key", "base_url", "oidc.issuer", "oidc.client_id",
                          "oidc.client_secret")
# MEDIATOR_* variables that are not settings.
NON_SETTING_ENV = frozenset({"MEDIATOR_CONFIG", "MEDIATOR_TEST_STRICT"})
ENVIRONMENTS = ("production", "demo", "test")


class ConfigError(Exception):
    """Start-up refused: the message names the offending key."""


def load_settings(overrides: Mapping | None = None, *, environ: Mapping[str, str] | None = None) -> Mapping:
    """Merge every source and validate; returns a read-only nested mapping.

    ``overrides`` (used by tests and the demo) is applied last, after the environment.
    """
    environ = os.environ if environ is None else environ
    settings = _deep_copy(DEFAULTS)
    defaults_file = find_data_path("config/defaults.toml")
    _merge(settings, _read_toml(defaults_file), source=str(defaults_file), from_file=True)
    extra = environ.get("MEDIATOR_CONFIG")
    if extra:
        _merge(settings, _read_toml(Path(extra)), source=extra, from_file=True)
    _merge(settings, _from_environ(environ), source="environment", from_file=False)
    if overrides:
        _merge(settings, overrides, source="overrides", from_file=False)
    _validate(settings)
    return _freeze(settings)


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"settings file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc


def _merge(target: dict, incoming: Mapping, *, source: str, from_file: bool, prefix: str = "") -> None:
    for key, value in incoming.items():
        dotted = f"{prefix}{key}"
        if prefix.rstrip(".") not in OPEN_TABLES and key not in target:
            raise ConfigError(f"unknown setting '{dotted}' in {source}")
        if from_file and dotted in SECRET_KEYS and value:
            raise ConfigError(f"setting '{dotted}' is a secret: set it in the environment, not in {source}")
        current = target.get(key)
        if isinstance(current, dict) and dotted not in OPEN_TABLES:
            if not isinstance(value, Mapping):
                raise ConfigError(f"setting '{dotted}' in {source} must be a table")
            _merge(current, value, source=source, from_file=from_file, prefix=f"{dotted}.")
        elif isinstance(current, dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"setting '{dotted}' in {source} must be a table")
            target[key] = _deep_copy(value)
        else:
            target[key] = _coerce(dotted, value, current, source)


def _coerce(dotted: str, value, default, source: str):
    if default is None or (isinstance(value, type(default)) and not (
        isinstance(value, bool) and not isinstance(default, bool)
    )):
        return value
    if isinstance(default, bool) and isinstance(value, str):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off", ""):
            return False
    elif isinstance(default, int) and not isinstance(default, bool) and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    elif isinstance(default, list) and isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return parsed
    raise ConfigError(f"setting '{dotted}' from {source} must be of type {type(default).__name__}")


def _flat_keys(tree: Mapping, prefix: str = "") -> dict[str, tuple[str, ...]]:
    """Env-name → key path for every setting (tables in OPEN_TABLES are set whole, as JSON)."""
    keys: dict[str, tuple[str, ...]] = {}
    for key, value in tree.items():
        path = (*prefix.split(".")[:-1], key) if prefix else (key,)
        dotted = ".".join(path)
        if isinstance(value, dict) and dotted not in OPEN_TABLES:
            keys.update(_flat_keys(value, f"{dotted}."))
        else:
            keys["MEDIATOR_" + "_".join(path).upper()] = path
    return keys


def _from_environ(environ: Mapping[str, str]) -> dict:
    known = _flat_keys(DEFAULTS)
    result: dict = {}
    for name, raw in environ.items():
        if not name.startswith("MEDIATOR_") or name in NON_SETTING_ENV or name.startswith("MEDIATOR_TEST_"):
            continue
        path = known.get(name)
        if path is None:
            raise ConfigError(f"unknown setting '{name}' in the environment")
        value: object = raw
        if ".".join(path) in OPEN_TABLES:
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"setting '{name}' must be JSON: {exc}") from exc
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return result


def _check_random_key(dotted: str, key: str) -> None:
    """A production key must hold 32 random bytes at least: 64 hexadecimal digits, 43 characters of base64,
    counted at the bits each kind of character can carry, and not a short pattern repeated."""
    bits = 4 if set(key.lower()) <= set("0123456789abcdef") else 6
    if len(key) * bits < 256 or len(set(key)) < 10:
        raise ConfigError(f"setting '{dotted}' must hold at least 32 random bytes: generate one with "
                          "python -c 'import secrets; print(secrets.token_urlsafe(32))'")


def _check_addresses(base_url: str, allowed_hosts: list) -> None:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError("setting 'base_url' must be the service's address, e.g. https://mediation.example.fr "
                          "(a path only where a proxy serves it under one)")
    if not all(isinstance(host, str) and host and "/" not in host and ":" not in host for host in allowed_hosts):
        raise ConfigError("setting 'allowed_hosts' must list host names without scheme or port, "
                          "e.g. [\"mediation.example.fr\", \".example.fr\"]")


def _check_audit(settings: dict) -> None:
    audit = settings["audit"]
    if settings["env"] == "production":
        _check_random_key("audit.key", audit["key"])
        # Two keys, so that the secret key can be changed (after a leak) without losing the proof of the log.
        if audit["key"] == settings["secret_key"]:
            raise ConfigError("setting 'audit.key' must differ from 'secret_key'")
    if audit["anchor_mail_to"] and "@" not in audit["anchor_mail_to"]:
        raise ConfigError("setting 'audit.anchor_mail_to' must be an e-mail address (or empty: no mail)")


def _validate(settings: dict) -> None:
    if settings["env"] not in ENVIRONMENTS:
        raise ConfigError(f"setting 'env' must be one of {', '.join(ENVIRONMENTS)}")
    if settings["env"] == "production":
        for dotted in REQUIRED_IN_PRODUCTION:
            if not _get(settings, dotted):
                env_name = "MEDIATOR_" + dotted.replace(".", "_").upper()
                raise ConfigError(f"missing required setting '{dotted}' (env {env_name})")
        _check_random_key("secret_key", settings["secret_key"])
    for code, department in settings["departments"].items():
        if not (isinstance(department, Mapping) and set(department) == {"label", "email"}
                and all(isinstance(v, str) and v for v in department.values())):
            raise ConfigError(f"setting 'departments.{code}' must be a table with a label and an email")
    for rate in ("login_rate_limit", "backchannel_logout_rate_limit", "filing_rate_limit", "tracking_rate_limit"):
        _check_rate(rate, settings[rate])
    for duration in ("session_idle_minutes", "session_lifetime_hours"):
        if settings[duration] < 1:
            raise ConfigError(f"setting '{duration}' must be a whole number, at least 1")
    _check_addresses(settings["base_url"], settings["allowed_hosts"])
    if settings["trusted_proxies"] < 0:
        raise ConfigError("setting 'trusted_proxies' must be 0 (no proxy) or the number of proxies in front")
    if settings["log_format"] not in ("json", "plain"):
        raise ConfigError("setting 'log_format' must be json or plain")
    if settings["freshdesk"]["plan"] not in ("growth", "pro", "enterprise"):
        raise ConfigError("setting 'freshdesk.plan' must be growth, pro or enterprise")
    _check_retention(settings["retention"])
    _check_audit(settings)
    _check_complaint_outcome(settings)
    roles = settings["roles"]
    for role, groups in roles.items():
        if role not in DEFAULTS["roles"]:
            raise ConfigError(f"unknown setting 'roles.{role}': roles are {', '.join(DEFAULTS['roles'])}")
        if role == "correspondent":
            if not isinstance(groups, Mapping):
                raise ConfigError("setting 'roles.correspondent' must be a table of department = [groups]")
            for department, dept_groups in groups.items():
                if department not in settings["departments"]:
                    raise ConfigError(f"setting 'roles.correspondent.{department}' names an undeclared department")
                _check_group_list(f"roles.correspondent.{department}", dept_groups)
        else:
            _check_group_list(f"roles.{role}", groups)


def _check_retention(retention: Mapping) -> None:
    for key, months in retention.items():
        if not isinstance(months, int) or isinstance(months, bool) or months < 1:
            raise ConfigError(f"setting 'retention.{key}' must be a whole number of months, at least 1")
    # Attachments are part of the file: they may go earlier than its archive, never outlive it.
    if retention["attachments_months"] > retention["case_archive_months"]:
        raise ConfigError("setting 'retention.attachments_months' must not exceed 'retention.case_archive_months'")


def _check_complaint_outcome(settings: Mapping) -> None:
    # R-HELPDESK-1: the field where agents record an unfavourable or partial closure, and its values.
    field = settings["freshdesk"]["complaint_outcome_field"]
    if field and not field.startswith("cf_"):
        raise ConfigError("setting 'freshdesk.complaint_outcome_field' must be a Freshdesk custom field name (cf_…)")
    for vendor in ("zendesk", "freshdesk"):
        values = settings[vendor]["complaint_outcome_values"]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise ConfigError(f"setting '{vendor}.complaint_outcome_values' must be a list of field values")


def _check_rate(dotted: str, value: str) -> None:
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"setting '{dotted}' must be a rate such as \"20 per minute\" (got {value!r})") from None


def _check_group_list(dotted: str, groups) -> None:
    if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
        raise ConfigError(f"setting '{dotted}' must be a list of group names")


def _get(settings: Mapping, dotted: str):
    node = settings
    for part in dotted.split("."):
        node = node[part]
    return node


def _deep_copy(tree):
    if isinstance(tree, Mapping):
        return {k: _deep_copy(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return list(tree)
    return tree


def _freeze(tree):
    if isinstance(tree, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in tree.items()})
    if isinstance(tree, list):
        return tuple(tree)
    return tree
