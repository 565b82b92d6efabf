"""pactsite as a network installs it: a wheel (and sdist), in a fresh virtual environment
outside this repository, then `init`, `build` and `check` there, a repository that tracks
no build output, and `netlify build` running the network's netlify.toml.

Tests have no network, so the fresh environment cannot download pactsite's dependencies.
It gets them from this test's own environment (a `.pth` file naming its site-packages,
appended after the fresh environment's own), and pactsite itself only from the wheel,
installed with `--no-index --no-deps`. The editable install of this repository is not
visible there: a path named in a `.pth` file is added to sys.path, but the `.pth` files
inside it (the editable finder) are not run. The test asserts where pactsite is imported
from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from pactsite import __version__

from conftest import REPOSITORY

pytestmark = pytest.mark.slow

SHIPPED = (
    "pactsite/themes/default/templates/base.html",
    "pactsite/themes/default/static/css/pactsite.css",
    "pactsite/themes/default/static/js/suche.js",
    "pactsite/themes/default/i18n/de.yaml",
    "pactsite/docs/redaktion.md",
    "pactsite/serve/live.js",
    "pactsite/deploy/headers.toml",
    "pactsite/deploy/pactsite-cache/index.js",
)
"""Files that are not Python modules but that pactsite needs at run time."""


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and, built from it as `python -m build` does, the wheel."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out)], REPOSITORY)
    return out


def test_the_wheel_holds_the_theme_scripts_styles_guide_and_deploy_files(dist: Path) -> None:
    wheel = dist / f"pactsite-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(SHIPPED) <= names
    # the translations: each catalog of the repository, compiled (by the build hook)
    catalogs = sorted((REPOSITORY / "pactsite/locale").glob("*/LC_MESSAGES/*.po"))
    for catalog in catalogs:
        compiled = catalog.relative_to(REPOSITORY).with_suffix(".mo").as_posix()
        assert compiled in names, f"{compiled} is missing from the wheel"
    assert not any("__pycache__" in name for name in names)


def test_the_sdist_holds_what_the_wheel_is_built_from(dist: Path) -> None:
    with tarfile.open(dist / f"pactsite-{__version__}.tar.gz") as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "themes/default/templates/base.html", "docs/redaktion.md"} <= names
    assert {"pactsite/deploy/headers.toml", "CHANGELOG.md"} <= names


def _fresh_environment(folder: Path, wheel: Path) -> Path:
    """A virtual environment with pactsite from `wheel` and the dependencies of this one."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    fresh = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], folder
    ).strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(fresh, "dependencies-of-the-test.pth").write_text("\n".join(sorted(ours)) + "\n")
    _run([str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)], folder)
    return folder / "bin"


def test_the_installed_wheel_inits_builds_and_checks_a_network_outside_the_repository(
    dist: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert not outside.resolve().is_relative_to(REPOSITORY.resolve())
    bin_dir = _fresh_environment(
        tmp_path / "env", dist / f"pactsite-{__version__}-py3-none-any.whl"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"

    where = _run(
        [str(bin_dir / "python"), "-c", "import pactsite; print(pactsite.__file__)"], outside, env
    )
    assert Path(where.strip()).is_relative_to(tmp_path / "env")
    assert (
        _run(["pactsite", "--version"], outside, env).strip() == f"pactsite, version {__version__}"
    )

    _run(["pactsite", "init", "netz"], outside, env)
    network = outside / "netz"
    built = _run(["pactsite", "build"], network, env)
    assert "built" in built and (network / "public" / "index.html").is_file()
    assert (network / "public" / "hilfe" / "index.html").is_file()  # the shipped guide
    assert (network / "public" / "css").is_dir()
    assert "ok:" in _run(["pactsite", "check"], network / "content" / "pacts", env)
    requirement = (network / "requirements.txt").read_text(encoding="utf-8")
    assert f"pactsite=={__version__}\n" in requirement

    _run(["git", "init", "-q"], network)
    _run(["git", "add", "-A"], network)
    tracked = _run(["git", "ls-files"], network).split()
    assert tracked and all(
        not name.startswith(("public/", ".public.", ".pactsite-cache/", ".venv/"))
        for name in tracked
    ), tracked
    assert {"site.yaml", ".gitignore", "netlify.toml", "requirements.txt", "README.md"} <= set(
        tracked
    )
    assert ".github/workflows/pruefen.yml" in tracked


NETLIFY = REPOSITORY / "node_modules/.bin/netlify"


@pytest.mark.skipif(not NETLIFY.is_file(), reason="netlify-cli is missing: run make tools")
def test_netlify_build_runs_the_network_config_with_the_pinned_wheel_and_keeps_the_cache(
    dist: Path, tmp_path: Path
) -> None:
    wheel = dist / f"pactsite-{__version__}-py3-none-any.whl"
    bin_dir = _fresh_environment(tmp_path / "env", wheel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", HOME=str(tmp_path / "home"))
    env["NETLIFY_TELEMETRY_DISABLED"] = "1"
    _run(["pactsite", "init", "netz"], tmp_path, env)
    network = tmp_path / "netz"
    shutil.copy(wheel, network / "wheels")
    # netlify build runs netlify.toml's command (pip install -r requirements.txt, then
    # pactsite build) and the local cache plugin, as Netlify's build does
    first = _run([str(NETLIFY), "build", "--offline"], network, env)
    assert f"pactsite=={__version__}" in first and "built " in first
    assert "pactsite: saved .pactsite-cache" in first
    second = _run([str(NETLIFY), "build", "--offline"], network, env)
    assert "pactsite: restored .pactsite-cache from the previous build" in second
    assert "Netlify Build Complete" in second
    assert (network / "public/index.html").is_file()
