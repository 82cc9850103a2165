"""The certified OpenID Connect provider (panva's ``oidc-provider`` on Node.js) on loopback, for the login tests.

``tests/support/node_oidc/provider.js`` runs it: PKCE required, an RSA signing key generated at each start, the
test identities as accounts, back-channel and RP-initiated logout on, and a sign-in driven over HTTP (its
interaction page takes ``?login=<sub>``). :func:`install` runs ``npm ci`` once per lockfile;
:func:`certified_provider` starts the process and stops it at the end of the block.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import requests

PACKAGE = Path(__file__).parent / "node_oidc"
# oidc-provider 9 calls URL.parse, which Node.js has since 20.18 (20.17 has not); below the 22 LTS line it warns
# "Unsupported runtime" and works (Node.js 20.20 here).
NODE_AT_LEAST = (20, 18)
START_SECONDS = 20
_XSRF = re.compile(r'name="xsrf" value="([^"]+)"')
_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def node_problem() -> str | None:
    """Why Node.js cannot run the provider here (missing, too old), or None when it can."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return "node and npm are not on PATH"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    found = tuple(int(part) for part in re.findall(r"\d+", version)[:2])
    if found < NODE_AT_LEAST:
        return f"node {version} is older than {'.'.join(map(str, NODE_AT_LEAST))}"
    return None


def install() -> None:
    """``npm ci`` from package-lock.json, skipped when node_modules already holds this lockfile's packages."""
    lock = hashlib.sha256((PACKAGE / "package-lock.json").read_bytes()).hexdigest()[:16]
    stamp = PACKAGE / "node_modules" / f".installed-{lock}"
    if stamp.exists():
        return
    subprocess.run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"], cwd=PACKAGE, check=True,
                   capture_output=True, text=True, timeout=300)
    stamp.touch()  # npm ci empties node_modules first, so an older stamp never survives it


@dataclass
class CertifiedProvider:
    """The running provider: its issuer, the log of its process, and the steps of a sign-in and a sign-out."""

    issuer: str
    log: Path
    _metadata: dict = field(default_factory=dict)

    @property
    def metadata(self) -> dict:
        """The discovery document (read once)."""
        if not self._metadata:
            url = self.issuer + "/.well-known/openid-configuration"
            self._metadata.update(requests.get(url, timeout=10).json())
        return self._metadata

    def register_client(self, **metadata) -> dict:
        """Register a client (Dynamic Client Registration) with the given client_id, client_secret,
        redirect_uris, backchannel_logout_uri…; the provider's answer (400 raises)."""
        answer = requests.post(self.metadata["registration_endpoint"], json=metadata, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def authorize(self, browser: requests.Session, authorize_url: str, sub: str) -> str:
        """Follow ``authorize_url`` through the provider as ``sub`` in ``browser``; the URL it sends back to
        the client (its redirect URI with a code, or with an error)."""
        url = authorize_url
        for _hop in range(10):
            if urlsplit(url).path.startswith("/interaction/"):
                url = f"{url}?{urlencode({'login': sub})}"
            answer = browser.get(url, allow_redirects=False, timeout=10)
            if answer.status_code not in (302, 303):
                raise AssertionError(f"the provider answered {answer.status_code}: {answer.text[:300]}")
            url = urljoin(url, answer.headers["Location"])
            if not url.startswith(self.issuer + "/"):
                return url
        raise AssertionError("the provider kept redirecting to itself")

    def sign_in(self, client, sub: str) -> requests.Session:
        """Sign the Flask test ``client`` in as ``sub``; the provider-side browser (it holds the provider's
        session, for a sign-out there). Fails unless the callback answers with a redirect."""
        started = client.get("/login")
        assert started.status_code == 302, started.status_code
        browser = requests.Session()
        callback = urlsplit(self.authorize(browser, started.headers["Location"], sub))
        finished = client.get(f"{callback.path}?{callback.query}")
        assert finished.status_code == 302, finished.get_data(as_text=True)[:500]
        return browser

    def end_session(self, browser: requests.Session, end_session_url: str) -> requests.Response:
        """Confirm the sign-out the provider asks for at ``end_session_url`` (a relying party's redirect);
        the provider's answer to the confirmation, not followed (a redirect to post_logout_redirect_uri)."""
        page = browser.get(end_session_url, timeout=10)
        page.raise_for_status()
        action = urljoin(page.url, _FORM_ACTION.search(page.text).group(1))
        return browser.post(action, data={"xsrf": _XSRF.search(page.text).group(1), "logout": "yes"},
                            allow_redirects=False, timeout=10)

    def log_text(self) -> str:
        """What the provider process printed (warnings, back-channel failures)."""
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def certified_provider(clients: list[dict], accounts: list[dict], log: Path, *,
                       claims_in_userinfo: bool = False) -> Iterator[CertifiedProvider]:
    """Start provider.js with these clients (client metadata) and accounts ({sub, name, email, groups});
    its output goes to ``log``. With ``claims_in_userinfo`` the ID token carries only ``sub`` and the groups,
    name and e-mail being given by the userinfo endpoint (oidc-provider's default). Needs :func:`install` first."""
    arguments = ["node", "provider.js", "--port", "0", "--clients", json.dumps(clients),
                 "--accounts", json.dumps(accounts), *(["--claims-in-userinfo"] if claims_in_userinfo else [])]
    with log.open("w") as output:
        # stdin stays open as a pipe: the provider exits when it closes, even if this process is killed.
        process = subprocess.Popen(arguments, cwd=PACKAGE, stdin=subprocess.PIPE, stdout=output,
                                   stderr=subprocess.STDOUT)
    try:
        provider = CertifiedProvider(issuer=_wait_for_issuer(process, log), log=log)
        provider.metadata  # noqa: B018 — ready only once discovery answers
        yield provider
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_issuer(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        found = re.search(r"^listening (http://\S+)$", log.read_text(errors="replace"), re.MULTILINE)
        if found:
            return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"the OpenID provider did not start:\n{log.read_text(errors='replace')[-2000:]}")
