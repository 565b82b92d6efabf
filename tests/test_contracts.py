"""The import-linter contracts of pyproject.toml hold, and each of them can fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

LAYERS = "Pipeline layers"
INDEPENDENCE = "Output families are independent"
FORBIDDEN = "The content, render and output stages know nothing"


def contract_named(start: str) -> str:
    """The full name of the contract whose name begins with `start`."""
    config = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["tool"]["importlinter"]["contracts"]]
    return next(name for name in names if name.startswith(start))


def lint_imports(folder: Path) -> str:
    """Run lint-imports on the copy of pactsite in `folder`; return its report."""
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return " ".join((done.stdout + done.stderr).split())  # contract names wrap


def copy_with_import(tmp_path: Path, module: str, imported: str) -> Path:
    """A copy of the package and its contracts in which `module` also imports `imported`."""
    shutil.copytree(
        REPOSITORY / "pactsite", tmp_path / "pactsite", ignore=shutil.ignore_patterns("*.pyc")
    )
    shutil.copy(REPOSITORY / "pyproject.toml", tmp_path)
    source = tmp_path / (module.replace(".", "/") + ".py")
    source.write_text(source.read_text(encoding="utf-8") + f"\nimport {imported}\n", "utf-8")
    return tmp_path


def test_the_contracts_hold() -> None:
    report = lint_imports(REPOSITORY)
    assert "Contracts: 3 kept, 0 broken." in report, report


@pytest.mark.parametrize(
    ("module", "imported", "broken"),
    [
        ("pactsite.content.textfile", "pactsite.render.markup", LAYERS),
        ("pactsite.outputs.sitemap", "pactsite.outputs.feeds", INDEPENDENCE),
        ("pactsite.render.graph", "pactsite.cache.store", FORBIDDEN),
        ("pactsite.outputs.feeds", "pactsite.build.workers", FORBIDDEN),
        ("pactsite.outputs.pages", "pactsite.build.spill", FORBIDDEN),
    ],
)
def test_a_bad_import_breaks_its_contract(
    tmp_path: Path, module: str, imported: str, broken: str
) -> None:
    report = lint_imports(copy_with_import(tmp_path, module, imported))
    assert f"{contract_named(broken)} BROKEN" in report, report
    assert f"{module} -> {imported}" in report, report
