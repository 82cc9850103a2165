"""No module of mediator_plugin uses a private name (``_name``) of another of its packages (issue 13): what a
package shares, it names without an underscore. Imports within one package (cases.instruction using
cases.services._end) are its own business; tests are not scanned."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str, root: Path) -> str:
    """The package of mediator_plugin a module belongs to: ``mediator_plugin.cases`` for
    ``mediator_plugin.cases.services`` and ``mediator_plugin.reports.figures.base``; the top-level modules
    (cli, blueprint…) form ``mediator_plugin`` itself."""
    parts = module.split(".")
    if len(parts) > 1 and (root / parts[0] / parts[1]).is_dir():
        return ".".join(parts[:2])
    return parts[0]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(root: Path, top: str = "mediator_plugin") -> list[str]:
    """``"path: _name of module"`` for each private name a module of ``top`` imports, or reads as an attribute
    of an imported module, from another package of ``top``."""
    found = []
    for path in sorted((root / top).rglob("*.py")):
        module = _module_name(path, root)
        own = _package(module, root)
        package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        aliases: dict[str, str] = {}  # local name → the module it stands for
        where = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package_parts[:len(package_parts) - node.level + 1] + ([base] if base else []))
                if not base.startswith(top):
                    continue
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
                    if _private(alias.name) and _package(base, root) != own:
                        found.append(f"{where}: {alias.name} of {base}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(top) and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _private(node.attr)
                    and node.value.id in aliases and _package(aliases[node.value.id], root) != own):
                found.append(f"{where}: {node.attr} of {aliases[node.value.id]}")
    return found


def test_no_package_uses_another_packages_private_names():
    """Does no module of mediator_plugin import or read a private name of another package?"""
    found = sorted(private_uses(ROOT))
    assert not found, "private names used across packages (make them public, or keep the use in its package):\n" + \
        "\n".join(found)


@pytest.fixture
def tree(tmp_path):
    """A package with two subpackages, written file by file."""
    def write(relative: str, text: str = "") -> None:
        path = tmp_path / "mediator_plugin" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in ("", "cases/", "proposals/", "reports/figures/"):
        write(f"{package}__init__.py")
    write("cases/services.py", "def _end(): ...\ndef end(): ...\n")
    return tmp_path, write


@pytest.mark.parametrize(("source", "expected"), [
    ("from mediator_plugin.cases.services import _end", ["_end of mediator_plugin.cases.services"]),
    ("from ..cases.services import end, _end as finish", ["_end of mediator_plugin.cases.services"]),
    ("from mediator_plugin.cases import services\nservices._end()", ["_end of mediator_plugin.cases.services"]),
    ("import mediator_plugin.cases.services as s\ns._end()", ["_end of mediator_plugin.cases.services"]),
    ("from mediator_plugin.cases.services import end\nfrom mediator_plugin.cases import models as _models", []),
    ("from mediator_plugin.cases.services import __doc__", []),
], ids=["absolute", "relative", "module-attribute", "import-as", "public-names", "dunder"])
def test_the_check_finds_each_form_of_use(tree, source, expected):
    """Are the absolute, relative and attribute forms found, and public names, private aliases and dunders not?"""
    root, write = tree
    write("proposals/services.py", source + "\n")
    assert private_uses(root) == [f"mediator_plugin/proposals/services.py: {e}" for e in expected]


def test_uses_within_one_package_are_allowed(tree):
    """Does a module use its own package's private names freely, subpackages included?"""
    root, write = tree
    write("cases/instruction.py", "from mediator_plugin.cases.services import _end\nfrom .services import _end\n")
    write("reports/figures/base.py", "def _ratio(): ...\n")
    write("reports/charts.py", "from mediator_plugin.reports.figures.base import _ratio\n")
    assert private_uses(root) == []
