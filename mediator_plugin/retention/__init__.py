"""Retention of personal data (R-GDPR-3 to -6), legal holds, the subject-access export and the CECMC export."""
