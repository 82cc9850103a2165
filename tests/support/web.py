"""A console user driving the app over real HTTP with requests, as a browser without JavaScript would."""

from __future__ import annotations

import re

import requests

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleUser:
    """One person's session: logs in through the OIDC provider, submits forms with their CSRF token."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.http = requests.Session()
        self.last: requests.Response | None = None

    def login(self, sub: str) -> requests.Response:
        form = self.http.get(f"{self.base}/login", timeout=10)
        self.last = self.http.post(form.url, data={"sub": sub}, timeout=10)
        return self.last

    def get(self, path: str, **kwargs) -> requests.Response:
        self.last = self.http.get(self.base + path, timeout=30, **kwargs)
        return self.last

    def post(self, path: str, data: dict | None = None, files=None) -> requests.Response:
        """Submit a form with the CSRF token of the last page seen."""
        token = _CSRF.search(self.last.text).group(1) if self.last is not None else ""
        self.last = self.http.post(self.base + path, data={**(data or {}), "csrf_token": token}, files=files,
                                   timeout=30)
        return self.last
