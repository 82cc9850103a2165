"""Anonymised case examples for the annual report (R-CASE-1, R-CASE-2, R-GDPR-7)."""
