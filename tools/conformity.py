"""`make conformity`: each requirement of the law-and-practice reference, its level, the code that cites it and
the tests that prove it (their ``@pytest.mark.requirement`` markers); writes docs/conformity.md.

    python tools/conformity.py           print every requirement, refresh docs/requirements.toml from the
                                         reference when it is found, write docs/conformity.md
    python tools/conformity.py --check   the same without writing anything: a document out of date is a
                                         problem too (CI)

The reference is MEDIATOR_REFERENCE, else ../shared/reference/mediation-law-and-practice.md beside the
repository; without it, docs/requirements.toml (the ids committed as data). Exit 1, saying what is wrong, when
a MUST has neither a test nor a recorded gap, a marker names an unknown id, a SHOULD, MAY or UNVERIFIED
requirement has neither a test nor a stated choice, an entry of docs/conformity-choices.toml is stale or
misplaced, or the code cites an unknown id.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import conformity_sources as sources
from conformity_markdown import render
from conformity_sources import Choices, MarkedTest, Requirement

ROOT = Path(__file__).resolve().parent.parent
# How a stated choice begins, and the status it gives.
CHOICE_STATUSES = {"Met by": "met, not tested", "Partly met": "partly met, not tested", "Not built": "not built"}


@dataclass(frozen=True)
class Row:
    """One requirement as the report shows it."""

    requirement: Requirement
    code: tuple[tuple[str, int], ...]
    tests: tuple[str, ...]
    status: str
    note: str
    to_confirm: bool


def proving_tests(tests: list[MarkedTest], known: set[str], problems: list[str]) -> dict[str, set[str]]:
    """Requirement id → the test functions (parameters folded) whose markers name it."""
    proving: dict[str, set[str]] = {}
    for test in tests:
        function = test.nodeid.split("[", 1)[0]
        for arg in test.ids:
            if not isinstance(arg, str):
                problems.append(f"{function}: a requirement marker needs ids as strings, not {arg!r}")
            elif arg not in known:
                problems.append(f"{function}: the marker names {arg}, which is not a requirement of the reference")
            else:
                proving.setdefault(arg, set()).add(function)
    return proving


def check_choices(choices: Choices, levels: dict[str, str], proving: dict, problems: list[str]) -> None:
    """Each entry of docs/conformity-choices.toml in the right table, about a known id, not stale."""
    where = "docs/conformity-choices.toml"
    for table, entries in (("choices", choices.choices), ("gaps", choices.gaps), ("partial", choices.partial)):
        for requirement_id, text in entries.items():
            level = levels.get(requirement_id)
            if level is None:
                problems.append(f"{where} [{table}] names {requirement_id}, which is not a requirement")
            elif not isinstance(text, str) or not text.strip():
                problems.append(f"{where} [{table}] {requirement_id}: write the statement as a sentence")
            elif table == "gaps" and level != "MUST":
                problems.append(f"{where} [gaps] {requirement_id} is a {level}: state it in [choices]")
            elif table == "gaps" and requirement_id in proving:
                problems.append(f"{where} [gaps] {requirement_id} has tests now: remove it from [gaps]")
            elif table == "choices" and level == "MUST":
                problems.append(f"{where} [choices] {requirement_id} is a MUST: it needs a test "
                                "(record it in [gaps] until it has one)")
            elif table == "choices" and not text.startswith(tuple(CHOICE_STATUSES)):
                problems.append(f"{where} [choices] {requirement_id} must begin with "
                                + ", ".join(f'"{p}"' for p in CHOICE_STATUSES))
            elif table == "partial" and requirement_id not in proving:
                problems.append(f"{where} [partial] {requirement_id} has no test: use [gaps] or [choices]")


def evaluate(requirements: list[Requirement], citations: dict, tests: list[MarkedTest],
             choices: Choices) -> tuple[list[Row], list[str]]:
    """The report's rows and every problem found."""
    levels = {r.id: r.level for r in requirements}
    problems: list[str] = []
    proving = proving_tests(tests, set(levels), problems)
    check_choices(choices, levels, proving, problems)
    for requirement_id, places in sorted(citations.items()):
        if requirement_id not in levels:
            problems += [f"{path}:{line} cites {requirement_id}, which is not a requirement" for path, line in places]
    rows = []
    for requirement in requirements:
        rid = requirement.id
        tested = rid in proving
        choice = choices.choices.get(rid, "")
        if tested:
            status, note = ("partly met, tested", choices.partial[rid]) if rid in choices.partial else \
                ("met, tested", choice)
        elif requirement.is_must:
            status, note = ("not met, gap recorded", choices.gaps[rid]) if rid in choices.gaps else ("NOT MET", "")
            if rid not in choices.gaps:
                problems.append(f"{rid} (MUST) has no test: write one, or record the gap in "
                                "docs/conformity-choices.toml [gaps]")
        elif isinstance(choice, str) and choice.startswith(tuple(CHOICE_STATUSES)):
            status, note = next(s for p, s in CHOICE_STATUSES.items() if choice.startswith(p)), choice
        else:
            status, note = "NO CHOICE", ""
            problems.append(f"{rid} ({requirement.level}) has neither a test nor a stated choice in "
                            "docs/conformity-choices.toml [choices]")
        rows.append(Row(requirement, tuple(citations.get(rid, ())), tuple(sorted(proving.get(rid, ()))), status,
                        note, rid in choices.to_confirm))
    return rows, problems


def summary(rows: list[Row]) -> dict[str, Counter]:
    """Level → how many requirements of that level have each status."""
    counts: dict[str, Counter] = {}
    for row in rows:
        counts.setdefault(row.requirement.level, Counter())[row.status] += 1
    return counts


def print_rows(rows: list[Row]) -> None:
    """Each requirement on the terminal: status and title, then its code, tests and note."""
    for row in rows:
        r = row.requirement
        print(f"{r.id:<13} {r.level:<8} {row.status:<24} {r.title}")
        places: dict[str, list[int]] = {}
        for path, line in row.code:
            places.setdefault(path, []).append(line)
        print("    code : " + (" · ".join(f"{p}:{', '.join(map(str, ls))}" for p, ls in places.items()) or "—"))
        print("    tests: " + (" · ".join(row.tests) or "—"))
        if row.note:
            print(f"    note : {row.note}{' (to confirm)' if row.to_confirm else ''}")


def main(argv: list[str] | None = None) -> int:
    """Read, evaluate, print, write (or compare with ``--check``); 0, or 1 with the problems listed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="write nothing; an out-of-date document is a problem")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    root, docs = args.root.resolve(), args.root.resolve() / "docs"
    listed = docs / "requirements.toml"
    reference = sources.find_reference(root)
    if reference is not None:
        requirements = sources.parse_reference(reference.read_text(encoding="utf-8"))
        if not requirements:
            print(f"{reference}: no requirement line (- **R-XXX-n (LEVEL)** …) found", file=sys.stderr)
            return 1
        print(f"Requirements read from the reference {reference}")
    elif listed.exists():
        requirements = sources.read_requirements_toml(listed)
        print(f"Requirements read from docs/requirements.toml (no reference: set MEDIATOR_REFERENCE or put it at "
              f"../shared/reference/{sources.REFERENCE_NAME})")
    else:
        print("No reference and no docs/requirements.toml: set MEDIATOR_REFERENCE", file=sys.stderr)
        return 1
    try:
        tests = sources.collect_tests(root)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    choices = sources.read_choices(docs / "conformity-choices.toml")
    rows, problems = evaluate(requirements, sources.code_citations(root), tests, choices)
    print_rows(rows)
    counts = summary(rows)
    print("\n" + "; ".join(f"{level}: {sum(c.values())} ("
                           + ", ".join(f"{n} {status}" for status, n in sorted(c.items())) + ")"
                           for level, c in counts.items()))
    outputs = {docs / "conformity.md": render(rows, counts)}
    if reference is not None:
        outputs[listed] = sources.requirements_toml(requirements)
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            problems.append(f"{path.relative_to(root)} is out of date: run make conformity and commit it")
        else:
            docs.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(root)}")
    if problems:
        print(f"\n{len(problems)} problem(s):", *(f"  - {p}" for p in problems), sep="\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
