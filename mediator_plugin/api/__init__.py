"""The JSON API ``/api/v1``: file statuses and the recommendations register, described in OpenAPI.

It answers to the console's session and permissions; every error is JSON (see :mod:`.errors`).
"""
