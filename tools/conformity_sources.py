"""What `make conformity` reads: the requirements of the reference, the code that cites them, the tests that
carry them, and the stated choices. Used by tools/conformity.py; nothing here prints or decides."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

REFERENCE_NAME = "mediation-law-and-practice.md"
CODE_ROOTS = ("mediator_plugin", "connectors", "charter", "config", "migrations")
# Generated copies of the code's own strings, and binaries.
SKIPPED_DIRS = ("__pycache__", "translations")
SKIPPED_SUFFIXES = (".mo", ".pyc", ".png", ".jpg", ".pdf", ".ttf")

_REQUIREMENT = re.compile(r"^\s*- \*\*(R-[A-Z]+-\d+) \(([^)]+)\)\*\*\s*(.*)$")
_HEADING = re.compile(r"^#{2,3} (.+)$")
# "R-GDPR-3..6", "R-SCOPE-1 à -4", "R-DEADLINE-1 to 4"; "R-RECO-1, -2", "R-DEADLINE-1/-2"; "R-ADM-3".
_RANGE = re.compile(r"(R-[A-Z]+)-(\d+)\s*(?:\.\.|à|to|–)\s*-?(\d+)")
_LIST = re.compile(r"(R-[A-Z]+)-(\d+)((?:\s*(?:,|/|et|and)\s*-\d+\b)*)")


@dataclass(frozen=True)
class Requirement:
    """One numbered requirement of the reference."""

    id: str
    level: str
    title: str
    section: str

    @property
    def is_must(self) -> bool:
        return self.level == "MUST"


@dataclass(frozen=True)
class MarkedTest:
    """A collected test (a node id) and the arguments of its ``requirement`` markers."""

    nodeid: str
    ids: tuple


def find_reference(root: Path) -> Path | None:
    """The reference named by MEDIATOR_REFERENCE, else ``../shared/reference/`` beside the repository."""
    named = os.environ.get("MEDIATOR_REFERENCE")
    path = Path(named) if named else root.parent / "shared" / "reference" / REFERENCE_NAME
    return path if path.is_file() else None


def parse_reference(text: str) -> list[Requirement]:
    """Every ``- **R-XXX-n (LEVEL)** text`` line, with the section heading above it and a short title."""
    section, found = "", []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            section = heading.group(1).strip()
            continue
        match = _REQUIREMENT.match(line)
        if match:
            found.append(Requirement(match.group(1), match.group(2).strip(), short_title(match.group(3)), section))
    return found


def short_title(text: str, limit: int = 100) -> str:
    """The requirement's first sentence (two when the first is a mere heading; what precedes a late colon),
    without markdown, at most ``limit`` characters."""
    sentences = re.split(r"\.\s+(?=[A-Z(])", re.sub(r"\*\*|`", "", text).strip())
    sentence = sentences[0].rstrip(".")
    if len(sentence) < 40 and len(sentences) > 1:
        sentence += ". " + sentences[1].rstrip(".")
    colon = sentence.find(":")
    if colon >= 40:
        sentence = sentence[:colon]
    sentence = sentence.rstrip(":")
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"
    return sentence


def requirements_toml(requirements: list[Requirement]) -> str:
    """docs/requirements.toml: the reference's ids as data, for clones without the reference."""
    lines = ["# The requirement ids of the law-and-practice reference (level, short title, section), written by",
             "# `make conformity` from the reference when it finds it (MEDIATOR_REFERENCE, else",
             f"# ../shared/reference/{REFERENCE_NAME}). Do not edit by hand."]
    for requirement in requirements:
        lines += ["", "[[requirement]]"]
        lines += [f"{key} = {json.dumps(getattr(requirement, key), ensure_ascii=False)}"
                  for key in ("id", "level", "title", "section")]
    return "\n".join(lines) + "\n"


def read_requirements_toml(path: Path) -> list[Requirement]:
    """The requirements committed in docs/requirements.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Requirement(r["id"], r["level"], r["title"], r["section"]) for r in data.get("requirement", [])]


def code_citations(root: Path) -> dict[str, list[tuple[str, int]]]:
    """Requirement id → the (file, line) of each place under the code folders that cites it."""
    cited: dict[str, list[tuple[str, int]]] = {}
    for top in CODE_ROOTS:
        for path in sorted((root / top).rglob("*")):
            relative = path.relative_to(root)
            if not path.is_file() or path.suffix in SKIPPED_SUFFIXES or set(relative.parts) & set(SKIPPED_DIRS):
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            where = relative.as_posix()
            for number, line in enumerate(text.splitlines(), 1):
                for requirement_id in sorted(ids_in(line)):
                    cited.setdefault(requirement_id, []).append((where, number))
    return cited


def ids_in(line: str) -> set[str]:
    """The requirement ids a line names, ranges and lists expanded."""
    found = set()
    for family, first, last in _RANGE.findall(line):
        found |= {f"{family}-{n}" for n in range(int(first), int(last) + 1)}
    for family, first, more in _LIST.findall(line):
        found |= {f"{family}-{first}"} | {f"{family}-{n}" for n in re.findall(r"-(\d+)", more)}
    return found


def collect_tests(root: Path) -> list[MarkedTest]:
    """Every test pytest collects under ``tests/``, with its requirement markers (module, class and function
    markers alike), read by tools/conformity_plugin.py in a ``--collect-only`` run."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "tests.json"
        env = {**os.environ, "CONFORMITY_OUT": str(out),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent),
                                                           os.environ.get("PYTHONPATH")]))}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "conformity_plugin", "-p",
             "no:cacheprovider", "tests"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not out.exists():
            raise RuntimeError("pytest could not collect the tests:\n" + (result.stdout + result.stderr)[-3000:])
        return [MarkedTest(t["nodeid"], tuple(t["ids"])) for t in json.loads(out.read_text())]


@dataclass(frozen=True)
class Choices:
    """docs/conformity-choices.toml: what is stated for requirements that no test (fully) proves."""

    choices: dict[str, str]
    gaps: dict[str, str]
    partial: dict[str, str]
    to_confirm: frozenset[str]


def read_choices(path: Path) -> Choices:
    """The three tables, and the ids whose line ends in ``# to confirm``."""
    if not path.exists():
        return Choices({}, {}, {}, frozenset())
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    flagged = re.findall(r'^\s*"(R-[A-Z]+-\d+)"\s*=.*#\s*to confirm\s*$', text, re.MULTILINE)
    return Choices(data.get("choices", {}), data.get("gaps", {}), data.get("partial", {}), frozenset(flagged))
