"""`make conformity` (tools/conformity.py): docs/conformity.md is current, and the tool fails on what it must
— a marker naming an unknown id, a MUST without a test, a SHOULD without a stated choice, a stale document —
shown on a small repository of its own."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

REFERENCE = """\
# A reference

## 1. Law

### 1.1 Files
- **R-ONE-1 (MUST)** Keep the mediation file apart from the complaint. Customer service never sees it.
- **R-ONE-2 (SHOULD)** Number the files: one sequence per year of receipt.

### 1.2 Reports
- **R-TWO-1 (MAY)** Send a survey at closure.
- **R-TWO-2 (UNVERIFIED timing)** Publish by 30 April.
"""
CHOICES = """\
[choices]
"R-TWO-1" = "Not built: no survey."
"R-TWO-2" = "Met by the publish command, any day."  # to confirm
"""
TESTS = """\
import pytest

pytestmark = pytest.mark.requirement("R-ONE-1")


def test_apart():
    assert True


@pytest.mark.requirement("R-ONE-2")
class TestNumbers:
    @pytest.mark.parametrize("n", [1, 2])
    def test_sequence(self, n):
        assert n
"""


@pytest.fixture
def conformity(monkeypatch):
    """The tool's module, imported as `python tools/conformity.py` runs it."""
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    monkeypatch.delenv("MEDIATOR_REFERENCE", raising=False)
    import conformity

    return conformity


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with a reference of four requirements, marked tests, code citing an id and stated choices."""
    root = tmp_path / "repo"
    (root / "tests").mkdir(parents=True)
    (root / "mediator_plugin").mkdir()
    (root / "docs").mkdir()
    (root / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\nmarkers =\n    requirement(*ids): ids\n")
    (root / "tests" / "test_sample.py").write_text(TESTS)
    (root / "mediator_plugin" / "files.py").write_text('"""Files."""\n# Kept apart (R-ONE-1, -2).\n')
    (root / "docs" / "conformity-choices.toml").write_text(CHOICES)
    reference = tmp_path / "reference.md"
    reference.write_text(REFERENCE)
    monkeypatch.setenv("MEDIATOR_REFERENCE", str(reference))
    return root


def _run(conformity, capsys, root: Path, *args: str) -> tuple[int, str]:
    code = conformity.main(["--root", str(root), *args])
    return code, capsys.readouterr().out


def test_docs_conformity_is_current(conformity, capsys):
    """Does regenerating the report now give docs/conformity.md (and docs/requirements.toml) as committed,
    with no requirement left without its test, gap or stated choice?"""
    code, out = _run(conformity, capsys, ROOT, "--check")
    assert code == 0, "docs/conformity.md is not current or has problems — run make conformity:\n" + \
        out[out.find("\nMUST:"):]


def test_reports_each_requirement_with_its_code_and_tests(conformity, capsys, repo, monkeypatch):
    """Are the ids read from the reference into docs/requirements.toml, and does docs/conformity.md give each
    requirement its section, citing code, tests (module, class and parametrised markers) and stated choice?"""
    code, out = _run(conformity, capsys, repo)
    assert code == 0, out
    assert "Requirements read from the reference" in out
    listed = (repo / "docs" / "requirements.toml").read_text()
    assert listed.count("[[requirement]]") == 4
    assert ('id = "R-TWO-2"\nlevel = "UNVERIFIED timing"\ntitle = "Publish by 30 April"\n'
            'section = "1.2 Reports"') in listed
    report = (repo / "docs" / "conformity.md").read_text()
    assert "do not edit by hand" in report and "**MUSTs with a test: 1 of 1**" in report
    assert "## 1.1 Files" in report and "## 1.2 Reports" in report
    assert ("| R-ONE-1 | MUST | Keep the mediation file apart from the complaint | met, tested | "
            "`mediator_plugin/files.py`:2 | `tests/test_sample.py`: TestNumbers::test_sequence, test_apart |") in report
    assert "| R-ONE-2 | SHOULD |" in report and "`tests/test_sample.py`: TestNumbers::test_sequence |" in report
    assert "| R-TWO-1 | MAY | Send a survey at closure | not built | — | — |" in report
    assert "- **R-TWO-2** (to confirm): Met by the publish command, any day." in report

    monkeypatch.delenv("MEDIATOR_REFERENCE")  # a clean clone without ../shared: the committed ids serve
    code, out = _run(conformity, capsys, repo, "--check")
    assert code == 0 and "Requirements read from docs/requirements.toml" in out


def test_a_marker_naming_an_unknown_id_fails(conformity, capsys, repo):
    """Is a typo in a marker (R-ONE-9) a failure naming the test and the id?"""
    (repo / "tests" / "test_typo.py").write_text(
        'import pytest\n\n\n@pytest.mark.requirement("R-ONE-9")\ndef test_typo():\n    assert True\n')
    code, out = _run(conformity, capsys, repo)
    assert code == 1
    assert "tests/test_typo.py::test_typo: the marker names R-ONE-9, which is not a requirement" in out


def test_a_must_without_test_fails_unless_its_gap_is_recorded(conformity, capsys, repo):
    """Without its test, is a MUST a failure; recorded in [gaps], is it shown as not met; and once a test
    comes, is the stale gap a failure again?"""
    tests = repo / "tests" / "test_sample.py"
    tests.write_text(TESTS.replace('pytestmark = pytest.mark.requirement("R-ONE-1")\n', ""))
    code, out = _run(conformity, capsys, repo)
    assert code == 1 and "R-ONE-1 (MUST) has no test" in out
    choices = repo / "docs" / "conformity-choices.toml"
    choices.write_text(CHOICES + '\n[gaps]\n"R-ONE-1" = "Needs a separate store."\n')
    code, out = _run(conformity, capsys, repo)
    assert code == 0, out
    assert "| R-ONE-1 | MUST | Keep the mediation file apart from the complaint | not met, gap recorded |" in \
        (repo / "docs" / "conformity.md").read_text()
    tests.write_text(TESTS)
    code, out = _run(conformity, capsys, repo)
    assert code == 1 and "[gaps] R-ONE-1 has tests now: remove it from [gaps]" in out


def test_a_should_without_test_or_choice_fails(conformity, capsys, repo):
    """Is a SHOULD, MAY or UNVERIFIED requirement with neither test nor stated choice a failure?"""
    (repo / "docs" / "conformity-choices.toml").write_text('[choices]\n"R-TWO-1" = "Not built: no survey."\n')
    code, out = _run(conformity, capsys, repo)
    assert code == 1
    assert "R-TWO-2 (UNVERIFIED timing) has neither a test nor a stated choice" in out


def test_check_mode_fails_on_a_stale_document_and_writes_nothing(conformity, capsys, repo):
    """After a change the document does not show, does --check fail saying to run make conformity, leaving
    the file as it was?"""
    assert _run(conformity, capsys, repo)[0] == 0
    report = repo / "docs" / "conformity.md"
    before = report.read_text()
    (repo / "mediator_plugin" / "more.py").write_text("# Also R-TWO-1.\n")
    code, out = _run(conformity, capsys, repo, "--check")
    assert code == 1 and "docs/conformity.md is out of date: run make conformity" in out
    assert report.read_text() == before


@pytest.mark.parametrize(("line", "ids"), [
    ("(R-GDPR-3..6)", {"R-GDPR-3", "R-GDPR-4", "R-GDPR-5", "R-GDPR-6"}),
    ("R-SCOPE-1 à -4", {"R-SCOPE-1", "R-SCOPE-2", "R-SCOPE-3", "R-SCOPE-4"}),
    ("(R-RECO-1, -2) and R-ADM-3", {"R-RECO-1", "R-RECO-2", "R-ADM-3"}),
    ("R-DEADLINE-1/-2, R-ADM-*", {"R-DEADLINE-1", "R-DEADLINE-2"}),
    ("R614-1 and R-ADM-3, 4 files", {"R-ADM-3"}),
])
def test_citations_in_code_expand_ranges_and_lists(conformity, line, ids):
    """Does a citation like "R-GDPR-3..6" or "R-RECO-1, -2" count for each id it names, and nothing else?"""
    import conformity_sources

    assert conformity_sources.ids_in(line) == ids


def test_title_is_the_first_sentence(conformity):
    """Is a requirement's title its first sentence, two when the first is only a heading, shortened to 100?"""
    import conformity_sources

    assert conformity_sources.short_title("Role-based access. Company contacts see only what is released. More.") \
        == "Role-based access. Company contacts see only what is released"
    assert conformity_sources.short_title("The saisine form shows an Art. 13 notice covering: purposes") == \
        "The saisine form shows an Art. 13 notice covering"
    long = conformity_sources.short_title(textwrap.fill("word " * 40))
    assert len(long) <= 101 and long.endswith("…")
