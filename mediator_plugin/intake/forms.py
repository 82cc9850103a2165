"""The console form that registers a request received by post, e-mail, phone or at the desk (Flask-WTF).

Each field's presence and format is checked here, in French; the rules of a registration (the channel, dates
not in the future, the scan of a letter, the documents) are the service's (:mod:`mediator_plugin.intake.offline`).
The plugin's own hook checks the CSRF token of every POST, so the form does not check it a second time.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from mediator_plugin.cases.presenters import channel_label
from mediator_plugin.core.forms import EMAIL, without_control_characters
from mediator_plugin.intake.offline import CHANNELS

_MESSAGES = {40: _l("40 characters at most."), 60: _l("60 characters at most."), 200: _l("200 characters at most."),
             254: _l("254 characters at most."), 500: _l("500 characters at most."),
             4000: _l("4,000 characters at most."), 5000: _l("5,000 characters at most."),
             10000: _l("10,000 characters at most.")}


def _at_most(number: int) -> Length:
    return Length(max=number, message=_MESSAGES[number])


class OfflineRequestForm(FlaskForm):
    """A request as the consumer made it by post, e-mail, phone or at the desk, and the day it arrived."""

    class Meta:
        csrf = False  # checked once for the whole plugin, before the view runs

        def bind_field(self, form, unbound_field, options):
            """Every text field drops the control characters no one types (PostgreSQL refuses NUL)."""
            options["filters"] = (without_control_characters, *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)

    channel = SelectField(_l("How the request was received"), validators=[
        DataRequired(_l("Choose how the request was received."))])
    received_on = DateField(_l("Date of receipt"), validators=[DataRequired(_l("Give the date of receipt."))],
                            format="%Y-%m-%d")
    name = StringField(_l("Consumer's first and last name"), validators=[
        DataRequired(_l("Give the consumer's name.")), _at_most(200)])
    postal_address = TextAreaField(_l("Postal address"), validators=[
        DataRequired(_l("Give the consumer's postal address: letters go there when there is no e-mail address.")),
        _at_most(500)])
    email = StringField(_l("E-mail address (optional)"), validators=[
        Optional(), Regexp(EMAIL, message=_l("This e-mail address looks incomplete (example: nom@exemple.fr).")),
        _at_most(254)])
    phone = StringField(_l("Phone number (optional)"), validators=[Optional(), _at_most(40)])
    customer_number = StringField(_l("Customer or contract number (optional)"), validators=[Optional(), _at_most(60)])
    first_complaint_on = DateField(_l("Date of the first written complaint to the company (optional)"),
                                   validators=[Optional()], format="%Y-%m-%d")
    what_happened = TextAreaField(_l("What happened"), validators=[
        DataRequired(_l("Write what happened, as the consumer tells it.")), _at_most(10000)])
    what_asked = TextAreaField(_l("What the consumer asks for"), validators=[
        DataRequired(_l("Write what the consumer asks for.")), _at_most(5000)])
    documents = MultipleFileField(_l("Scanned letter and documents"))
    note = TextAreaField(_l("Note for the team (optional)"), validators=[Optional(), _at_most(4000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the language of the request: the labels are translated when the form is built, not at import.
        self.channel.choices = [("", "—")] + [(code, channel_label(code)) for code in CHANNELS]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.channel.errors:  # also a forged option, which WTForms refuses in English
            self.channel.errors = [_l("Choose how the request was received.")]
        for day in (self.received_on, self.first_complaint_on):
            if day.process_errors:  # WTForms' own message is in English
                day.errors = [_l("This date is not valid.")]
        return valid
