"""A pytest plugin for `make conformity`: after collection, write every test's node id and the arguments of its
``requirement`` markers (function, class and module ``pytestmark`` alike) to the JSON file CONFORMITY_OUT.

    CONFORMITY_OUT=tests.json PYTHONPATH=tools python -m pytest --collect-only -q -p conformity_plugin tests
"""

from __future__ import annotations

import json
import os


def pytest_collection_finish(session) -> None:
    out = os.environ.get("CONFORMITY_OUT")
    if not out:
        return
    tests = [{"nodeid": item.nodeid,
              "ids": [arg for marker in item.iter_markers("requirement") for arg in (marker.args or (None,))]}
             for item in session.items]
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(tests, fh, default=repr)
