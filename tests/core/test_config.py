"""Settings: precedence, unknown and missing keys, secrets only from the environment (interfaces.md)."""

from __future__ import annotations

import secrets

import pytest

from mediator_plugin.core.config import ConfigError, load_settings

BASE_ENV = {"MEDIATOR_ENV": "test"}


def test_precedence_file_then_environment(tmp_path):
    """Does MEDIATOR_CONFIG override the defaults, and the environment override the file?"""
    extra = tmp_path / "site.toml"
    extra.write_text('base_url = "https://mediation.example.com"\n[zendesk]\nurl = "https://acme.zendesk.com"\n')
    settings = load_settings(environ={**BASE_ENV, "MEDIATOR_CONFIG": str(extra),
                                      "MEDIATOR_ZENDESK_URL": "https://other.zendesk.com",
                                      "MEDIATOR_SESSION_IDLE_MINUTES": "15"})
    assert settings["base_url"] == "https://mediation.example.com"
    assert settings["zendesk"]["url"] == "https://other.zendesk.com"
    assert settings["session_idle_minutes"] == 15


def test_unknown_key_in_file_is_named(tmp_path):
    """Does a misspelt key in the TOML file stop start-up, naming the key?"""
    extra = tmp_path / "site.toml"
    extra.write_text('[zendesk]\nurll = "https://acme.zendesk.com"\n')
    with pytest.raises(ConfigError, match=r"zendesk\.urll"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_CONFIG": str(extra)})


def test_unknown_environment_variable_is_named():
    """Does an unknown MEDIATOR_* variable stop start-up, naming it?"""
    with pytest.raises(ConfigError, match="MEDIATOR_SMTP_URLL"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_SMTP_URLL": "smtp://x"})


def test_missing_required_key_in_production_is_named():
    """Outside demo and tests, is a missing secret key refused with its environment name?"""
    with pytest.raises(ConfigError, match="MEDIATOR_SECRET_KEY"):
        load_settings(environ={})


PRODUCTION = {"MEDIATOR_OIDC_ISSUER": "https://idp", "MEDIATOR_OIDC_CLIENT_ID": "mediateur",
              "MEDIATOR_OIDC_CLIENT_SECRET": "x", "MEDIATOR_AUDIT_KEY": secrets.token_urlsafe(32)}


def test_production_starts_with_every_required_key():
    """With the required keys in the environment, production settings load."""
    settings = load_settings(environ={"MEDIATOR_SECRET_KEY": secrets.token_urlsafe(32), **PRODUCTION})
    assert settings["env"] == "production" and settings["oidc"]["groups_claim"] == "groups"
    assert load_settings(environ={"MEDIATOR_SECRET_KEY": secrets.token_hex(32), **PRODUCTION})


@pytest.mark.parametrize("key", ["k" * 32, "changeme", secrets.token_hex(16), secrets.token_urlsafe(24),
                                 "abcdefgh" * 8])
def test_production_refuses_a_weak_secret_key(key):
    """Is a key of fewer than 32 random bytes — a word, a repeated letter, 16 random bytes, a short pattern
    repeated — refused at start-up, saying how to make one?"""
    with pytest.raises(ConfigError, match=r"at least 32 random bytes.*token_urlsafe"):
        load_settings(environ={"MEDIATOR_SECRET_KEY": key, **PRODUCTION})


def test_secret_in_a_file_is_refused(tmp_path):
    """Is a secret written in a settings file refused (secrets only from the environment)?"""
    extra = tmp_path / "site.toml"
    extra.write_text('[zendesk]\napi_token = "abc"\n')
    with pytest.raises(ConfigError, match=r"zendesk\.api_token.*environment"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_CONFIG": str(extra)})


def test_roles_as_json_in_the_environment():
    """Can [roles] be given as JSON in MEDIATOR_ROLES, and an undeclared department is refused?"""
    settings = load_settings(environ={**BASE_ENV, "MEDIATOR_ROLES": '{"mediator": ["med"], "correspondent": '
                                                                    '{"billing": ["fin"]}}'})
    assert settings["roles"]["mediator"] == ("med",)
    with pytest.raises(ConfigError, match="undeclared department"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_ROLES": '{"correspondent": {"legal": ["x"]}}'})


def test_wrong_type_is_named():
    """Is a non-numeric value for a numeric key refused with the key's name?"""
    with pytest.raises(ConfigError, match="session_idle_minutes"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_SESSION_IDLE_MINUTES": "soon"})


def test_session_settings_are_read_and_checked():
    """Are the session's lifetime (10 hours by default) and the back-channel logout rate read from the environment,
    and a lifetime or idle limit under 1, or a rate that is not one, refused with the key's name?"""
    assert load_settings(environ=BASE_ENV)["session_lifetime_hours"] == 10
    settings = load_settings(environ={**BASE_ENV, "MEDIATOR_SESSION_LIFETIME_HOURS": "8",
                                      "MEDIATOR_BACKCHANNEL_LOGOUT_RATE_LIMIT": "100 per minute"})
    assert (settings["session_lifetime_hours"], settings["backchannel_logout_rate_limit"]) == (8, "100 per minute")
    for key, value in (("SESSION_LIFETIME_HOURS", "0"), ("SESSION_IDLE_MINUTES", "-5"),
                       ("BACKCHANNEL_LOGOUT_RATE_LIMIT", "often")):
        with pytest.raises(ConfigError, match=key.lower()):
            load_settings(environ={**BASE_ENV, f"MEDIATOR_{key}": value})


@pytest.mark.requirement("R-HELPDESK-1")
def test_complaint_outcome_settings_are_checked():
    """Is a Freshdesk outcome field that is not a cf_ field refused, and are the values read as a JSON list?"""
    with pytest.raises(ConfigError, match=r"freshdesk\.complaint_outcome_field"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_FRESHDESK_COMPLAINT_OUTCOME_FIELD": "issue"})
    settings = load_settings(environ={**BASE_ENV, "MEDIATOR_ZENDESK_COMPLAINT_OUTCOME_FIELD_ID": "360000104",
                                      "MEDIATOR_ZENDESK_COMPLAINT_OUTCOME_VALUES": '["refus", "partiel"]'})
    assert settings["zendesk"]["complaint_outcome_field_id"] == 360000104
    assert settings["zendesk"]["complaint_outcome_values"] == ("refus", "partiel")
    with pytest.raises(ConfigError, match=r"zendesk\.complaint_outcome_values"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_ZENDESK_COMPLAINT_OUTCOME_VALUES": "[]"})


def test_production_requires_an_audit_key_of_its_own():
    """Is production refused without MEDIATOR_AUDIT_KEY, with a weak one, or with the secret key itself, naming the
    setting — and is the key refused in a settings file (secrets only from the environment)?"""
    secret = secrets.token_urlsafe(32)
    base = {**PRODUCTION, "MEDIATOR_SECRET_KEY": secret}
    without = {key: value for key, value in base.items() if key != "MEDIATOR_AUDIT_KEY"}
    with pytest.raises(ConfigError, match="MEDIATOR_AUDIT_KEY"):
        load_settings(environ=without)
    with pytest.raises(ConfigError, match=r"'audit\.key' must hold at least 32 random bytes"):
        load_settings(environ={**base, "MEDIATOR_AUDIT_KEY": "audit" * 8})
    with pytest.raises(ConfigError, match=r"'audit\.key' must differ from 'secret_key'"):
        load_settings(environ={**base, "MEDIATOR_AUDIT_KEY": secret})
    assert load_settings(environ=base)["audit"]["key"] == base["MEDIATOR_AUDIT_KEY"]


def test_audit_key_in_a_file_is_refused_and_the_anchor_address_is_checked(tmp_path):
    """Is `audit.key` refused in a TOML file, and `audit.anchor_mail_to` refused when it is not an address?"""
    extra = tmp_path / "site.toml"
    extra.write_text('[audit]\nkey = "abc"\n')
    with pytest.raises(ConfigError, match=r"audit\.key.*environment"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_CONFIG": str(extra)})
    with pytest.raises(ConfigError, match=r"audit\.anchor_mail_to"):
        load_settings(environ={**BASE_ENV, "MEDIATOR_AUDIT_ANCHOR_MAIL_TO": "the mediator"})
    assert load_settings(environ={**BASE_ENV, "MEDIATOR_AUDIT_ANCHOR_MAIL_TO": "m@example.com"})["audit"][
        "anchor_mail_to"] == "m@example.com"
