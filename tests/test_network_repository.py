"""From `pactsite init` to a network's own repository: the files it writes besides the
content, and commands that find the site from any of its subfolders."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from pactsite import __version__
from pactsite.editing.scaffold import repository_netlify_toml

from conftest import REPOSITORY, run_pactsite
from static_server import netlify_headers


@pytest.fixture
def network(tmp_path: Path) -> Path:
    """A network made by `pactsite init`."""
    site = tmp_path / "netz"
    run = run_pactsite("init", str(site))
    assert run.exit_code == 0, run.stderr
    return site


def test_commands_find_the_site_from_a_subfolder_as_git_does(
    network: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = network / "content/pacts/beispiel/news"
    monkeypatch.chdir(news)
    assert run_pactsite("check").exit_code == 0
    built = run_pactsite("build")
    assert built.exit_code == 0, built.stderr
    assert (network / "public/index.html").is_file()
    assert not (news / "public").exists()
    made = run_pactsite("new", "news", "--pact", "beispiel", "--date", "2026-01-02", "Neu")
    assert made.exit_code == 0, made.stderr
    assert (news / "2026-01-02-neu.md").is_file()


def test_the_nearest_site_above_wins_and_site_option_overrides_it(
    network: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = network / "vorlagen/unterordner"  # outside content/, where pactsite reads all files
    inner.mkdir(parents=True)
    (inner / "site.yaml").write_text("title: [kaputt\n", encoding="utf-8")
    monkeypatch.chdir(inner)
    assert run_pactsite("check").exit_code == 1  # the nearest site.yaml is the broken one
    assert run_pactsite("check", "--site", str(network)).exit_code == 0


def test_outside_any_site_a_command_says_site_yaml_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_pactsite("check")
    assert run.exit_code == 1 and "site.yaml" in run.stderr


def test_git_add_after_a_build_tracks_no_output_staging_folder_or_cache(network: Path) -> None:
    assert run_pactsite("build", "--site", str(network)).exit_code == 0
    for leftover in (".public.staging", ".public.old", ".venv/lib"):
        (network / leftover).mkdir(parents=True)
        (network / leftover / "x.html").write_text("x", encoding="utf-8")
    assert (network / ".pactsite-cache").is_dir()
    subprocess.run(["git", "init", "-q"], cwd=network, check=True)
    subprocess.run(["git", "add", "-A"], cwd=network, check=True)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=network, check=True, capture_output=True, text=True
    ).stdout.split()
    built = (".public", "public/", ".pactsite-cache/", ".venv/")
    assert [name for name in tracked if name.startswith(built)] == []
    assert "content/pages/impressum.md" in tracked and "wheels/.gitkeep" in tracked


def test_the_network_gets_pactsites_own_security_headers_and_cache_plugin(network: Path) -> None:
    ours = netlify_headers(REPOSITORY / "netlify.toml")
    assert netlify_headers(network / "netlify.toml") == ours
    settings = tomllib.loads((network / "netlify.toml").read_text(encoding="utf-8"))
    assert settings["build"]["publish"] == "public"
    command = settings["build"]["command"]
    assert "pip install -r requirements.txt" in command and command.endswith("pactsite build")
    (plugin,) = settings["plugins"]
    assert (network / plugin["package"] / "manifest.yml").is_file()
    assert (network / plugin["package"] / "index.js").read_text(encoding="utf-8") == (
        REPOSITORY / "pactsite/deploy/pactsite-cache/index.js"
    ).read_text(encoding="utf-8")


def test_this_repositorys_netlify_toml_is_generated_from_the_shipped_rules() -> None:
    written = (REPOSITORY / "netlify.toml").read_text(encoding="utf-8")
    assert written == repository_netlify_toml(), "run: make netlify.toml"
    (plugin,) = tomllib.loads(written)["plugins"]
    assert (REPOSITORY / plugin["package"] / "index.js").is_file()


def test_the_requirement_pins_this_version_from_the_wheels_folder(network: Path) -> None:
    lines = (network / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert f"pactsite=={__version__}" in lines and "--find-links ./wheels" in lines
    assert (network / "wheels").is_dir()
    readme = (network / "README.md").read_text(encoding="utf-8")
    assert f"pactsite-{__version__}-py3-none-any.whl" in readme


def test_pactsite_from_a_url_is_written_as_a_direct_reference(tmp_path: Path) -> None:
    url = "git+https://git.example.org/pactsite.git@v0.2.0"
    run = run_pactsite("init", str(tmp_path / "netz"), "--pactsite-from", url)
    assert run.exit_code == 0, run.stderr
    text = (tmp_path / "netz/requirements.txt").read_text(encoding="utf-8")
    assert f"pactsite @ {url}" in text.splitlines() and "--find-links" not in text
    assert not (tmp_path / "netz/wheels").exists()


def test_the_workflow_checks_pull_requests_with_github_annotations(network: Path) -> None:
    workflow = yaml.safe_load(
        (network / ".github/workflows/pruefen.yml").read_text(encoding="utf-8")
    )
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "python -m pip install -r requirements.txt" in steps
    assert "pactsite check --format github" in steps


def test_the_readme_tells_the_steps_to_go_live_in_german(network: Path) -> None:
    readme = (network / "README.md").read_text(encoding="utf-8")
    for step in ("pactsite serve", "pactsite check", "git add -A", "Netlify", "base_url"):
        assert step in readme


def test_init_names_the_files_in_the_way_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "netz"
    folder.mkdir()
    (folder / "README.md").write_text("# Von GitHub\n", encoding="utf-8")
    run = run_pactsite("init", str(folder))
    assert run.exit_code == 1 and "README.md" in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["README.md"]


def test_the_version_is_semantic_and_described_in_the_changelog() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    changelog = (REPOSITORY / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d\d-\d\d$", changelog, re.M)
    assert run_pactsite("--version").output.strip() == f"pactsite, version {__version__}"
