"""Rate-limit use: a Zendesk connector against a simulator limited to RATE requests a minute.

Issue benchmark: "at least 95 % of the allowed request rate is used, and no 429 is received after the
first window". The simulator enforces its account limit (RATE/min, fixed one-minute windows) and
sets the incremental-export limit as high as the account's, so that the account budget is the
binding one. The client is the real connector over real HTTP on loopback, for MINUTES of real time:
it drains the cursor export and reads every eligible ticket with its comments, starting over at the
end of the stream, with nothing but :class:`connectors.http.HttpClient`'s pacing between its calls.
Usage: python bench/rate_limit.py [--rate 600] [--minutes 3]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests

from connectors.http import HttpClient
from connectors.zendesk import ZendeskConnector
from connectors.zendesk.simulator import DEMO_API_TOKEN, DEMO_EMAIL, ZendeskSimulator, run_in_thread

WINDOW = 60.0


def run(rate: int, minutes: float) -> dict:
    """Drive the connector for ``minutes``; return what it achieved and every answer's (time, status)."""
    simulator = ZendeskSimulator.seeded(tickets=400, seed=1, rate_limit=rate, incremental_limit=rate)
    answers: list[tuple[float, int]] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: answers.append((time.monotonic(), response.status_code)))
    with run_in_thread(simulator) as server:
        base = f"http://127.0.0.1:{server.server_port}"
        connector = ZendeskConnector(base, http=HttpClient(base, session=session), email=DEMO_EMAIL,
                                     api_token=DEMO_API_TOKEN, per_page=100)
        start = time.monotonic()
        deadline = start + minutes * WINDOW
        while time.monotonic() < deadline:
            for page in connector.iter_closed_tickets(None):
                for snapshot in page.eligible:
                    if time.monotonic() >= deadline:
                        break
                    connector.fetch_ticket(snapshot.ticket_id)
                if time.monotonic() >= deadline:
                    break
    counted = [(at, status) for at, status in answers if at < deadline and status != 429]
    return {
        "rate": rate,
        "minutes": minutes,
        "calls": len(counted),
        "achieved": len(counted) / minutes,
        "first_window_429": sum(1 for at, status in answers if status == 429 and at < start + WINDOW),
        "later_429": sum(1 for at, status in answers if status == 429 and at >= start + WINDOW),
        "exports": sum(1 for method, path in simulator.request_log if "/incremental/" in path),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=600, help="the account limit, requests a minute")
    parser.add_argument("--minutes", type=float, default=3.0, help="real minutes the client runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = run(args.rate, args.minutes)
    ratio = result["achieved"] / result["rate"]
    print(f"Binding budget: the account's {result['rate']}/min; incremental exports lifted to the same "
          f"{result['rate']}/min ({result['exports']} export calls of {result['calls']}).")
    print(f"{result['calls']} calls answered in {result['minutes']:g} min of real time.\n")
    print("| allowed rate (req/min) | achieved rate (req/min) | ratio | target | 429s in the first window "
          "| 429s after it (target 0) |")
    print("|---|---|---|---|---|---|")
    verdict = "met" if ratio >= 0.95 and result["later_429"] == 0 else "NOT met"
    print(f"| {result['rate']} | {result['achieved']:.1f} | {ratio:.1%} | ≥ 95 %: {verdict} "
          f"| {result['first_window_429']} | {result['later_429']} |")


if __name__ == "__main__":
    main()
