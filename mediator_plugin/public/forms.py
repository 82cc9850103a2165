"""The consumer's forms (Flask-WTF): online filing and tracking, with messages in plain French.

The plugin's own hook checks the CSRF token of every POST (``blueprint._check_csrf``), so these forms do
not check it a second time. ``website`` is a honeypot: hidden from people, filled in by robots.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import utcnow
from mediator_plugin.core.forms import EMAIL, without_control_characters


def _not_in_future(_form, field):
    if field.data and field.data > paris_date(utcnow()):
        raise ValidationError(_l("This date is in the future: give the date you wrote to customer service."))


class _PublicForm(FlaskForm):
    class Meta:
        csrf = False  # checked once for the whole plugin, before the view runs

        def bind_field(self, form, unbound_field, options):
            """Every text field drops the control characters no one types (PostgreSQL refuses NUL)."""
            options["filters"] = (without_control_characters, *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)


class FilingForm(_PublicForm):
    """A request for mediation (R-WEB-2); the attachments are checked by the service, all or nothing."""

    name = StringField(_l("Your first and last name"), validators=[
        DataRequired(_l("Give your name.")), Length(max=200, message=_l("200 characters at most."))])
    email = StringField(_l("Your e-mail address"), validators=[
        DataRequired(_l("Give your e-mail address: we write to you there.")),
        Regexp(EMAIL, message=_l("This e-mail address looks incomplete (example: nom@exemple.fr).")),
        Length(max=254, message=_l("254 characters at most."))])
    phone = StringField(_l("Your phone number (optional)"), validators=[
        Optional(), Length(max=40, message=_l("40 characters at most."))])
    postal_address = TextAreaField(_l("Your postal address"), validators=[
        DataRequired(_l("Give your postal address.")), Length(max=500, message=_l("500 characters at most."))])
    customer_number = StringField(_l("Your customer or contract number (optional)"), validators=[
        Optional(), Length(max=60, message=_l("60 characters at most."))])
    ticket_number = StringField(_l("The number of your customer-service request (optional)"), validators=[
        Optional(), Length(max=40, message=_l("40 characters at most."))])
    first_complaint_on = DateField(_l("Date of your first written complaint to the company (if you made one)"),
                                   validators=[Optional(), _not_in_future], format="%Y-%m-%d")
    what_happened = TextAreaField(_l("What happened"), validators=[
        DataRequired(_l("Tell us what happened, in your own words.")),
        Length(max=10000, message=_l("10,000 characters at most."))])
    what_asked = TextAreaField(_l("What you are asking for"), validators=[
        DataRequired(_l("Tell us what you are asking for.")),
        Length(max=5000, message=_l("5,000 characters at most."))])
    attachments = MultipleFileField(_l("Your documents (optional)"))
    # Not required: whether a written complaint came first is the mediator's to decide (L612-2 1°), and a
    # request without one is counted among the refusals on that ground (R614-2 3°), not turned away here.
    certify = BooleanField(_l("I first tried to settle the dispute directly with the company, by a written complaint."))
    website = StringField(_l("Leave this field empty"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.first_complaint_on.process_errors:  # WTForms' own message is in English
            self.first_complaint_on.errors = [_l("This date is not valid.")]
        return valid

    def is_robot(self) -> bool:
        """A person never sees the honeypot field; only a robot fills it in."""
        return bool((self.website.data or "").strip())


class TrackingForm(_PublicForm):
    """A reference and its tracking code."""

    reference = StringField(_l("Reference of your request"), validators=[
        DataRequired(_l("Give the reference of your request (MED-…).")), Length(max=20)])
    code = StringField(_l("Tracking code"), validators=[
        DataRequired(_l("Give the tracking code shown when you sent your request.")), Length(max=40)])
