"""Faults while writing: a killed build, a full disk and a read-only disk lose nothing."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_site

pytestmark = pytest.mark.faults

PACTSITE = [sys.executable, "-m", "pactsite"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _grow(site: Path, pages: int) -> None:
    """Add many pages so that writing the site takes a while."""
    pages_dir = site / "content/pages"
    for number in range(pages):
        (pages_dir / f"seite-{number}.md").write_text(
            f"---\ntitle: Seite {number}\n---\n" + "Ein Absatz mit Text. " * 200 + "\n",
            encoding="utf-8",
        )


def test_build_killed_during_the_write_leaves_the_previous_site_complete(
    tmp_path: Path,
) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    subprocess.run([*PACTSITE, "build", "--site", str(site)], check=True, capture_output=True)
    before = _snapshot(site / "public")
    _grow(site, 600)
    staging = site / ".public.staging"
    build = subprocess.Popen([*PACTSITE, "build", "--site", str(site)])
    deadline = time.monotonic() + 120
    while not (staging.is_dir() and any(staging.iterdir())) and time.monotonic() < deadline:
        assert build.poll() is None, "the build ended before it started writing"
        time.sleep(0.005)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert _snapshot(site / "public") == before
    rebuilt = subprocess.run([*PACTSITE, "build", "--site", str(site)], capture_output=True)
    assert rebuilt.returncode == 0
    assert not staging.exists()
    assert (site / "public/seite-599/index.html").is_file()


def _in_own_mount(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace (mounts vanish with it)."""
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed for the disk fault tests"
    return subprocess.run(
        [unshare, "-rm", "bash", "-euc", script], capture_output=True, text=True, timeout=120
    )


def _site_size(site: Path, tmp_path: Path) -> int:
    out = tmp_path / "measure"
    subprocess.run([*PACTSITE, "build", "--site", str(site), "--output", str(out)], check=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    return sum(max(4096, -(-p.stat().st_size // 4096) * 4096) for p in files)


@pytest.mark.parametrize(
    ("fault", "message"),
    [("full", "the disk is full"), ("read-only", "the disk is read-only")],
)
def test_full_or_read_only_disk_gives_a_clean_error_and_keeps_the_site(
    tmp_path: Path, fault: str, message: str
) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    size = _site_size(site, tmp_path) * 3 // 2
    disk = tmp_path / "disk"
    disk.mkdir()
    build = " ".join([*PACTSITE, "build", "--site", str(site), "--output", f"{disk}/public"])
    second = "mount -o remount,ro " + str(disk) if fault == "read-only" else "true"
    news = site / "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
    # a full disk: a changed title makes the whole build (with its staging copy) run; a
    # read-only disk: a changed text makes the rebuild of only that page write in place
    lines = news.read_text(encoding="utf-8")
    if fault == "read-only":
        lines += "\nEin neuer Satz.\n"
    else:
        lines = lines.replace("title: Erste Meldung", "title: Geänderte Meldung")
    script = f"""
        mount -t tmpfs -o size={size} tmpfs {disk}
        {build} > /dev/null
        find {disk}/public -type f | sort | xargs sha256sum > {tmp_path}/before.txt
        {second}
        cat {tmp_path}/edited.md > {news}
        set +e; {build} 2> {tmp_path}/stderr.txt; echo $? > {tmp_path}/status.txt; set -e
        find {disk}/public -type f | sort | xargs sha256sum > {tmp_path}/after.txt
        ls -a {disk} > {tmp_path}/listing.txt
    """
    (tmp_path / "edited.md").write_text(lines, encoding="utf-8")
    result = _in_own_mount(script)
    assert result.returncode == 0, result.stderr
    stderr = (tmp_path / "stderr.txt").read_text()
    assert (tmp_path / "status.txt").read_text().strip() == "1"
    assert message in stderr and "Traceback" not in stderr, stderr
    assert "the previous build is unchanged" in stderr
    assert (tmp_path / "before.txt").read_text() == (tmp_path / "after.txt").read_text()
    if fault == "full":
        assert ".public.staging" not in (tmp_path / "listing.txt").read_text()
