"""The annual report: figures computed in SQL and the ReportLab editions."""
