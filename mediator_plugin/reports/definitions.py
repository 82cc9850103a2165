"""The definition of every figure of the annual report (R-REPORT-1: "publish the definition used").

The texts are frozen in each snapshot at publication, so a later change of wording or of method shows
as a new version of the report rather than silently (R-REPORT-5).
"""

from __future__ import annotations

from flask_babel import gettext as _


def definitions(limit_days: int) -> dict[str, str]:
    """French definition of each figure code used in :mod:`mediator_plugin.reports.figures`."""
    return {
        "contacts": _("Requests for mediation that reached the intake queue in the year (from the helpdesks or "
                      "the online form), before any file is opened; information requests are not saisines."),
        "saisines": _("Files opened for a consumer dispute and received between 1 January and 31 December "
                      "(Paris time), whatever became of them."),
        "refused_share": _("Requests declared inadmissible on one of the five grounds of article L612-2 of the "
                           "Consumer Code, divided by the saisines of the year."),
        "ground_share": _("Refusals on this ground divided by all the refusals of the saisines of the year."),
        "admitted_share": _("Saisines of the year that were admitted and notified to both parties, divided by "
                            "the saisines of the year."),
        "cohort_outcome": _("Admitted saisines of the year that have reached an outcome, divided by the admitted "
                            "saisines of the year."),
        "cohort_interrupted": _("Admitted saisines of the year that were interrupted, divided by the admitted "
                                "saisines of the year."),
        "cohort_under_way": _("Admitted saisines of the year still under way when the figures were computed."),
        "before_admission": _("Saisines of the year without an admissibility decision yet, or withdrawn before it."),
        "non_statutory": _("Requests from non-consumers (professionals, non-professionals) received in the year: "
                           "handled, but outside the statutory figures (R-SCOPE-2)."),
        "interrupted_share": _("Admitted mediations that ended in the year without an outcome (withdrawal, "
                               "refusal of the company, court, objection, consumer unreachable), divided by all "
                               "the admitted mediations that ended in the year."),
        "cause_share": _("Interruptions with this cause divided by all the interruptions of the year."),
        "mean_duration": _("Average number of calendar days between the notice of seizure to the parties and the "
                           "end of the mediation, for the mediations closed in the year with an outcome."),
        "median_duration": _("The duration that half of the mediations closed in the year with an outcome did "
                             "not exceed."),
        "within_limit": _("Mediations closed in the year with an outcome that lasted at most %(days)s days from "
                          "the notice of seizure, divided by all the mediations closed in the year with an "
                          "outcome.", days=limit_days),
        "extended_share": _("Mediations closed in the year with an outcome whose deadline was extended for a "
                            "complex dispute, divided by all the mediations closed in the year with an outcome."),
        "band_share": _("Mediations closed in the year with an outcome whose duration falls in this band."),
        "implemented_share": _("Files resolved amicably and closed in the year whose latest implementation record "
                               "says the solution was carried out, divided by all such files."),
        "implementation_unknown": _("Files resolved amicably and closed in the year with no implementation "
                                    "record, or one saying the implementation is unknown."),
        "implementation_status": _("Files resolved amicably and closed in the year, by their latest "
                                   "implementation record."),
        "outcome_share": _("Mediations closed in the year with this outcome divided by all the mediations closed "
                           "in the year with an outcome."),
        "favours_consumer": _("Solutions fully or partly favourable to the consumer, divided by the mediations "
                              "closed in the year with an outcome."),
        "favours_professional": _("Solutions unfavourable to the consumer, that is in favour of the professional, "
                                  "divided by the mediations closed in the year with an outcome."),
        "amicable_share": _("Resolved amicably: an agreement reached during the mediation, or a proposal that "
                            "both parties accepted; divided by the mediations closed in the year with an "
                            "outcome."),
        "company_follow_rate": _("Proposals the company accepted, divided by the proposals of the files closed "
                                 "in the year on which the company was asked to answer."),
        "company_refusal_rate": _("Proposals the company refused, giving a category and its reasons, divided by the "
                                  "proposals of the files closed in the year on which the company was asked to "
                                  "answer."),
        "company_silence_rate": _("Proposals the company left without an answer by the deadline, divided by the "
                                  "proposals of the files closed in the year on which the company was asked to "
                                  "answer; counted apart from reasoned refusals."),
        "consumer_acceptance_rate": _("Proposals the consumer accepted, divided by the proposals of the files "
                                      "closed in the year on which the consumer was asked to answer."),
        "category_share": _("Saisines of the year in this category divided by all the saisines of the year."),
        "channel_share": _("Saisines of the year that arrived through this channel divided by all the saisines "
                           "of the year."),
        "department_share": _("Saisines of the year concerning this department divided by all the saisines of "
                              "the year."),
        "region_share": _("Saisines of the year from consumers living in this region, divided by all the saisines "
                          "of the year. The region comes from the postcode of the consumer's postal address; "
                          "consumers abroad and addresses without a postcode are counted outside France or "
                          "unknown."),
        "domain_count": _("Requests received in the year in this dispute domain from this type of party; only the "
                          "consumers' disputes count in the statutory figures, the others are handled and "
                          "reported here apart."),
        "cross_border_share": _("Saisines of the year from consumers living in another country of the European "
                                "Union, divided by all the saisines of the year."),
        "outside_accesses": _("Actions on files recorded in the audit log during the year (reading or writing) "
                              "by people who are not on the mediator's team."),
        "outside_files": _("Files on which someone outside the mediator's team acted during the year."),
        "reminders_per_file": _("Reminders sent to the company's departments about requests for observations "
                                "sent in the year, divided by the files concerned."),
    }
