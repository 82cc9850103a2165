"""The API's shapes (marshmallow 4): query parameters and bodies it accepts, documents it returns.

Output schemas load their own output too (no ``dump_only``), which is how the tests check that a real
response matches what the OpenAPI description declares. Lists that depend on the settings or the
charter (departments, categories) are checked when a request is loaded.
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates, validates_schema

from mediator_plugin import state
from mediator_plugin.cases.queries import MAX_PAGE
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import DeadlineState
from mediator_plugin.core.forms import without_control_characters
from mediator_plugin.recommendations.models import COMPANY_RESPONSES, STATUSES
from mediator_plugin.recommendations.services import EDITABLE

MAX_PER_PAGE = 100


def _known(values, value) -> None:
    if value not in values:
        raise ValidationError(_("Choose one of: %(choices)s.", choices=", ".join(values)))


def _departments() -> list[str]:
    return list(state().settings["departments"])


# -- Query parameters -------------------------------------------------------------------------------------------


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE),
                          metadata={"description": "Page, from 1."})
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Items per page (at most {MAX_PER_PAGE})."})


class FileQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(["open", *State]),
                          metadata={"description": "A state code, or `open` for every file not ended."})
    category = fields.String(metadata={"description": "Level-1 category code of the charter."})
    department = fields.String(metadata={"description": "Department code (settings `departments`)."})
    year = fields.Integer(validate=validate.Range(min=2000, max=2999), metadata={"description": "Year of receipt."})
    due_within = fields.Integer(validate=validate.Range(min=0, max=366),
                                metadata={"description": "Files whose 90-day deadline falls within N days."})
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "A reference, a consumer's e-mail or name, or a helpdesk ticket id."})

    @validates("category")
    def _known_category(self, value, **_kwargs):
        _known([c["code"] for c in state().charter.rules["categories"]], value)

    @validates("department")
    def _known_department(self, value, **_kwargs):
        _known(_departments(), value)


class RecommendationQuerySchema(PageQuerySchema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2999), metadata={"description": "Year of issue."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    addressee = fields.String(metadata={"description": "Department code the recommendation is addressed to."})

    @validates("addressee")
    def _known_addressee(self, value, **_kwargs):
        _known(_departments(), value)


# -- Files ------------------------------------------------------------------------------------------------------


class CodedSchema(Schema):
    """A stored code and its French label."""

    code = fields.String(required=True)
    label = fields.String(required=True)


class FileStatusSchema(Schema):
    reference = fields.String(required=True, metadata={"example": "MED-2026-00042"})
    state = fields.Nested(CodedSchema, required=True)
    category = fields.Nested(CodedSchema, required=True, allow_none=True)
    department = fields.Nested(CodedSchema, required=True, allow_none=True)
    received_at = fields.DateTime(required=True)
    rejection_due = fields.Date(required=True, allow_none=True,
                                metadata={"description": "L612-2: a refusal must be notified by then."})
    outcome_due = fields.Date(required=True, allow_none=True,
                              metadata={"description": "R612-5: the mediation must end by then."})
    closed_at = fields.DateTime(required=True, allow_none=True)
    outcome = fields.Nested(CodedSchema, required=True, allow_none=True)


class FilePageSchema(Schema):
    items = fields.List(fields.Nested(FileStatusSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


DEADLINE_STATUSES = [*list(DeadlineState), "urgent", "waiting"]


class DeadlineSchema(Schema):
    label = fields.String(required=True)
    due = fields.Date(required=True, allow_none=True,
                      metadata={"description": "None while the clock does not run yet (a charter counting the three "
                                               "weeks from the complete file, documents awaited)."})
    basis = fields.String(required=True, metadata={"description": "The legal or charter basis of the deadline."})
    status = fields.String(required=True, validate=validate.OneOf(DEADLINE_STATUSES),
                           metadata={"description": "on_track, soon (J+14 for a refusal), urgent (J+19), overdue, "
                                                    "waiting (not running yet)."})


class ObservationRequestStatusSchema(Schema):
    department = fields.Nested(CodedSchema, required=True)
    sent_at = fields.DateTime(required=True)
    due_on = fields.Date(required=True)
    reminders_sent = fields.Integer(required=True)
    escalated_at = fields.DateTime(required=True, allow_none=True)


class AnswerSchema(Schema):
    party = fields.String(required=True, validate=validate.OneOf(["consumer", "company"]))
    answer = fields.Nested(CodedSchema, required=True)
    answered_on = fields.Date(required=True)


class ProposalStatusSchema(Schema):
    version = fields.Integer(required=True)
    drafted_at = fields.DateTime(required=True)
    signed = fields.Boolean(required=True)
    signed_at = fields.DateTime(required=True, allow_none=True)
    acceptance_deadline = fields.Date(required=True, allow_none=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)


class FileDetailSchema(FileStatusSchema):
    deadlines = fields.List(fields.Nested(DeadlineSchema), required=True,
                            metadata={"description": "The deadlines that apply in the current state."})
    open_observation_requests = fields.List(fields.Nested(ObservationRequestStatusSchema), required=True)
    proposal = fields.Nested(ProposalStatusSchema, required=True, allow_none=True,
                             metadata={"description": "The current version (draft or signed), without its text."})


# -- Recommendations --------------------------------------------------------------------------------------------


class RecommendationEventSchema(Schema):
    at = fields.DateTime(required=True)
    actor = fields.String(required=True)
    status_from = fields.String(required=True, allow_none=True, validate=validate.OneOf(STATUSES))
    status_to = fields.String(required=True, validate=validate.OneOf(STATUSES))
    changes = fields.Dict(keys=fields.String(), required=True,
                          metadata={"description": "Each changed field with [before, after]."})
    note = fields.String(required=True)


class RecommendationSummarySchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True, metadata={"example": "2026-03"})
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    addressee = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    company_response = fields.String(required=True, allow_none=True, validate=validate.OneOf(COMPANY_RESPONSES))
    issued_on = fields.Date(required=True)
    due_on = fields.Date(required=True, allow_none=True)
    last_review_on = fields.Date(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={
        "description": "Number of recorded changes; send it back with a change (409 if it moved)."})


class RecommendationPageSchema(Schema):
    items = fields.List(fields.Nested(RecommendationSummarySchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class RecommendationSchema(RecommendationSummarySchema):
    finding = fields.String(required=True)
    text = fields.String(required=True)
    category_codes = fields.List(fields.String(), required=True)
    owner = fields.String(required=True)
    response_text = fields.String(required=True)
    action_plan = fields.String(required=True)
    evidence = fields.String(required=True)
    public_explanation = fields.String(required=True)
    history = fields.List(fields.Nested(RecommendationEventSchema), required=True)


class _RecommendationFields(Schema):
    """Checks shared by the creation and the change of a recommendation."""

    @pre_load
    def _without_control_characters(self, data, **_kwargs):
        """Texts lose the control characters no one types (PostgreSQL refuses NUL in text)."""
        if not isinstance(data, dict):
            return data  # marshmallow answers "The body must be a JSON object"
        return {key: [without_control_characters(v) for v in value] if isinstance(value, list)
                else without_control_characters(value) for key, value in data.items()}

    @validates("addressee")
    def _known_addressee(self, value, **_kwargs):
        _known(_departments(), value)

    @validates("category_codes")
    def _known_categories(self, value, **_kwargs):
        known = {c["code"] for c in state().charter.categories_flat()}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValidationError(_("Unknown category: %(codes)s.", codes=", ".join(unknown)))


class RecommendationCreateSchema(_RecommendationFields):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    finding = fields.String(required=True, validate=validate.Length(min=1))
    text = fields.String(required=True, validate=validate.Length(min=1))
    addressee = fields.String(required=True)
    issued_on = fields.Date(required=True)
    category_codes = fields.List(fields.String(), load_default=list)
    owner = fields.String(load_default="", validate=validate.Length(max=200))
    due_on = fields.Date(load_default=None, allow_none=True)


class RecommendationChangeSchema(_RecommendationFields):
    version = fields.Integer(required=True, metadata={"description": "The `version` read before this change."})
    note = fields.String(load_default="", metadata={"description": "The reason; required when `status` changes."})
    title = fields.String(validate=validate.Length(min=1, max=300))
    finding = fields.String(validate=validate.Length(min=1))
    text = fields.String(validate=validate.Length(min=1))
    addressee = fields.String()
    category_codes = fields.List(fields.String())
    owner = fields.String(validate=validate.Length(max=200))
    status = fields.String(validate=validate.OneOf(STATUSES))
    company_response = fields.String(allow_none=True, validate=validate.OneOf(COMPANY_RESPONSES))
    response_text = fields.String()
    action_plan = fields.String()
    due_on = fields.Date(allow_none=True)
    evidence = fields.String()
    public_explanation = fields.String()
    last_review_on = fields.Date(allow_none=True)

    @validates_schema
    def _a_reasoned_change(self, data, **_kwargs):
        if not set(data) & set(EDITABLE):
            raise ValidationError(_("Send at least one field to change."), field_name="_schema")
        if "status" in data and not data["note"].strip():
            raise ValidationError(_("Give the reason for the change of status."), field_name="note")


# -- Errors -----------------------------------------------------------------------------------------------------


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "invalid"})
    message = fields.String(required=True, metadata={"description": "What happened, in French."})
    field_errors = fields.Dict(keys=fields.String(), required=True, data_key="fields",
                               metadata={"description": "Each invalid field with its French messages."})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)
