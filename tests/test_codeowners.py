"""`pactsite codeowners`: a change to a pact's folder needs that pact's editors' approval."""

from __future__ import annotations

from pathlib import Path

from conftest import run_pactsite


def _set_editors(site: Path, pact: str, editors: str) -> None:
    profile = site / f"content/pacts/{pact}/pact.yaml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + f"editors: {editors}\n", encoding="utf-8"
    )


def test_codeowners_lists_each_pacts_folder_with_its_editors(minimal_site: Path) -> None:
    _set_editors(minimal_site, "beta", '["@beta-team", "redaktion@beta.example.org"]')
    _set_editors(minimal_site, "alpha", '["@erika-muster", "@org/alpha-redaktion"]')
    target = minimal_site / ".github/CODEOWNERS"
    run = run_pactsite("codeowners", "--site", str(minimal_site), "--output", str(target))
    assert run.exit_code == 0, run.stderr
    lines = [line for line in target.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    assert lines == [
        "/content/pacts/alpha/ @erika-muster @org/alpha-redaktion",
        "/content/pacts/beta/ @beta-team redaktion@beta.example.org",
    ]


def test_codeowners_is_deterministic_and_skips_pacts_without_editors(minimal_site: Path) -> None:
    _set_editors(minimal_site, "alpha", '"@erika-muster"')
    first = run_pactsite("codeowners", "--site", str(minimal_site))
    second = run_pactsite("codeowners", "--site", str(minimal_site))
    assert first.exit_code == 0, first.stderr
    assert first.output == second.output
    assert first.output.count("/content/pacts/") == 1
    assert "/content/pacts/beta/" not in first.output


def test_an_editor_that_is_no_handle_or_address_is_an_error_at_its_line(
    minimal_site: Path,
) -> None:
    _set_editors(minimal_site, "alpha", "[erika muster]")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    line = len((minimal_site / "content/pacts/alpha/pact.yaml").read_text().splitlines())
    assert (
        f"content/pacts/alpha/pact.yaml:{line}: error: editors: 'erika muster' is neither a "
        "handle like @name nor an e-mail address"
    ) in run.stderr
    written = run_pactsite("codeowners", "--site", str(minimal_site))
    assert written.exit_code == 1 and "no CODEOWNERS was written" in written.stderr
