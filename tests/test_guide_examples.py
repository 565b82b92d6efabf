"""Every link and YAML example of the editors' guide and the other docs builds as they say.

The guide marks what each example is with an HTML comment before it (invisible on GitHub
and at /hilfe/):

- `<!-- beispiel: KIND -->` before a fence: a whole Markdown file (starts with `---`) or a
  front matter excerpt of that kind (`news`, `project`, `event`, `page`, `pact` for a
  pact.yaml, `pact-index` for a pact's index.md, `workflow` for a GitHub workflow). It
  must build with no diagnostic in its file. `, warnung` after the kind: it must give a
  warning (an error with --strict). `, fehler: TEXT`: it shows a mistake and must fail
  with exactly one error, in its lines, that says TEXT (the corrected line).
- `<!-- beispiele: KIND -->` before a table: the code spans in the last column of each row
  are one excerpt of that kind, which must build.
- `<!-- beispiele: falsch-richtig -->` before a table: column 1 is a mistake that must fail
  with an error that says column 2, and column 2 must build; the kind is the content type
  that has the key.
- `<!-- beispiele: dateinamen -->` before a table: a file of the pact Halle (column 1)
  must be published at the address in column 2.

Links: every Markdown link to a page or file of the site (`pact:`, `page:`, a relative
path to a file) in the guide, and in the code of the README and docs/*.md, is written into a
news item of the pact Halle (where the guide says its examples stand) and must resolve. The example
network of this repository is the site; the pages, pacts and files the examples name are
added to it, so a link that names a file by a form pactsite does not accept still fails.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import yaml
from PIL import Image

from pactsite.content.schema import (
    EVENT_FIELDS,
    NEWS_FIELDS,
    PACT_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
)

from conftest import REPOSITORY, Run, run_pactsite

GUIDE = REPOSITORY / "docs" / "redaktion.md"
README = REPOSITORY / "README.md"
# The other documents (architecture, deploying, …) are read as the README is.
OTHER_DOCS = [README, *sorted(set((REPOSITORY / "docs").glob("*.md")) - {GUIDE})]
LINK_FOLDER = "content/pacts/halle/news"
"""Where the guide says its link examples are written."""

# The pages and files the guide's link examples make up; every other link example must lead
# to what the example network has (so a typo in a link example is not made to resolve).
INVENTED = [
    "content/pacts/altmark/projects/jugend.md",
    "content/pacts/halle/news/2002-10-22-schaffung.md",
    "content/pacts/halle/news/bericht.pdf",
    "content/pacts/halle/news/treffen.jpg",
    "content/pacts/halle/pages/partner.md",
]

# Examples that need a feature of a branch not yet merged; remove an entry once it is.
# Keys are a piece of the example's text (or link target) that is stable under edits.
NOT_YET_MERGED: dict[str, str] = {}

REQUIRED = {
    "news": "title: Beispielmeldung\ndate: 2002-10-22\n",
    "project": "title: Beispielprojekt\nstatus: running\n",
    "event": "title: Beispieltermin\nstart: 2002-10-16\n",
    "page": "title: Beispielseite\n",
    "pact": "name: Beispielpakt\n",
}
FILES = {
    "news": "content/pacts/halle/news/beispiel.md",
    "project": "content/pacts/halle/projects/beispiel.md",
    "event": "content/pacts/halle/events/beispiel.md",
    "page": "content/pages/beispiel.md",
    "pact": "content/pacts/beispiel/pact.yaml",
    "pact-index": "content/pacts/halle/index.md",
}
SPECS = {
    "news": NEWS_FIELDS,
    "project": PROJECT_FIELDS,
    "event": EVENT_FIELDS,
    "page": PAGE_FIELDS,
    "pact": PACT_FIELDS,
}
FOLDER_KINDS = {"news": "news", "projects": "project", "events": "event", "pages": "page"}
DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[-_ ]+")
DIAGNOSTIC = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<severity>error|warning): ")
MARKER = re.compile(r"^<!-- (beispiele?): (.+?) -->\s*$")
FENCE = re.compile(r"^(```+)\s*(\S*)")
LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)\)")
SHORT_FORM = re.compile(r"`((?:pact|page):[^`\s]+)`")


@dataclass(frozen=True)
class Example:
    """One example of the guide or the README and what it must do when built."""

    where: str
    kind: str
    text: str
    expect: str = "ok"  # ok, warnung or fehler
    fix: str = ""  # for a mistake: what the error must say instead

    @property
    def key(self) -> str:
        """A stable text that names the example in test ids and in NOT_YET_MERGED."""
        first = self.text.strip().splitlines()
        picked = next((line for line in first if line.strip() and line[-1] not in "-:"), "")
        return f"{self.kind}:{picked.strip()}"


@dataclass(frozen=True)
class FileName:
    """A row of the table of file names: a file of the pact Halle and its address."""

    where: str
    path: str
    address: str


@dataclass
class Document:
    """What the guide or the README marks as examples, and its fences nobody marked."""

    examples: list[Example]
    file_names: list[FileName]
    links: list[tuple[str, str]]  # (where, target)
    unmarked: list[str]


def code_spans(cell: str) -> list[str]:
    """The inline code of one table cell."""
    return re.findall(r"`([^`]+)`", cell)


def cells(row: str) -> list[str]:
    """The cells of one Markdown table row (no `|` inside code in our tables)."""
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def kind_of_key(line: str) -> tuple[str, str]:
    """The content type that has the key of `key: value`, and the object it is nested in."""
    key = line.partition(":")[0].strip()
    for kind, specs in SPECS.items():
        if any(spec.name == key for spec in specs):
            return kind, ""
    for kind, specs in SPECS.items():
        for spec in specs:
            if any(field.name == key for field in spec.fields):
                return kind, spec.name
    raise AssertionError(f"no content type has the key of {line!r}")


def nest(line: str, parent: str) -> str:
    """Put one `key: value` line under its parent object."""
    return f"{parent}:\n  {line}\n" if parent else f"{line}\n"


def read_document(path: Path, *, links_in_text: bool) -> Document:
    """Parse the markers, fences, tables and links of one Markdown document."""
    name = path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    doc = Document([], [], [], [])
    marker: tuple[str, str, int] | None = None
    number = 0
    while number < len(lines):
        line = lines[number]
        where = f"{name}:{number + 1}"
        found = MARKER.match(line)
        fence = FENCE.match(line)
        if found:
            marker = (found.group(1), found.group(2), number)
        elif fence:
            end = next(
                i for i in range(number + 1, len(lines)) if lines[i].startswith(fence.group(1))
            )
            body = "\n".join(lines[number + 1 : end]) + "\n"
            doc.links += [(where, target) for target in links_of(body)]
            if marker and marker[0] == "beispiel" and marker[2] == number - 1:
                doc.examples.append(parse_fence_marker(marker[1], body, where))
            elif fence.group(2) == "yaml" or body.startswith("---\n"):
                doc.unmarked.append(where)
            marker = None
            number = end
        elif line.startswith("|") and marker and marker[0] == "beispiele":
            end = next(i for i in range(number, len(lines)) if not lines[i].startswith("|"))
            rows = [(f"{name}:{i + 1}", cells(lines[i])) for i in range(number + 2, end)]
            read_table(marker[1], rows, doc)
            if links_in_text:
                doc.links += [(where, t) for i in range(number, end) for t in links_of(lines[i])]
            marker = None
            number = end - 1
        elif links_in_text:
            doc.links += [(where, target) for target in links_of(line)]
        number += 1
    return doc


def parse_fence_marker(spec: str, body: str, where: str) -> Example:
    """An example from a fence and the words of its marker."""
    kind, _, rest = spec.partition(",")
    rest = rest.strip()
    if rest.startswith("fehler:"):
        return Example(where, kind.strip(), body, "fehler", rest.removeprefix("fehler:").strip())
    return Example(where, kind.strip(), body, "warnung" if rest == "warnung" else "ok")


def read_table(spec: str, rows: list[tuple[str, list[str]]], doc: Document) -> None:
    """The examples of one marked table."""
    for where, row in rows:
        if spec == "dateinamen":
            doc.file_names.append(FileName(where, code_spans(row[0])[0], code_spans(row[1])[0]))
        elif spec == "falsch-richtig":
            wrong, right = code_spans(row[0])[0], code_spans(row[1])[0]
            kind, parent = kind_of_key(right)
            doc.examples.append(Example(where, kind, nest(wrong, parent), "fehler", right))
            doc.examples.append(Example(where, kind, nest(right, parent)))
        else:
            doc.examples.append(Example(where, spec, "\n".join(code_spans(row[-1])) + "\n"))


def links_of(text: str) -> Iterator[str]:
    """The links in `text` (as written) that lead to a page or file of the site."""
    for found in LINK.finditer(text):
        target = found.group(1)
        address = target.partition("#")[0]
        if "…" in target:  # a pattern in a message, such as pact:…
            continue
        if target.startswith(("pact:", "page:")) or (
            address
            and not re.match(r"^([a-z]+:|/|\.+$)", address)
            and "." in posixpath.basename(address)
        ):
            yield found.group(0)
    for target in SHORT_FORM.findall(text):
        if "…" not in target:
            yield f"[Beispielziel des Leitfadens]({target})"


def target_of(link: str) -> str:
    """The target of a Markdown link."""
    return link.rpartition("](")[2].removesuffix(")")


GUIDE_DOC = read_document(GUIDE, links_in_text=True)
OTHER_DOCS_READ = [read_document(path, links_in_text=False) for path in OTHER_DOCS]
EXAMPLES = [*GUIDE_DOC.examples, *(e for doc in OTHER_DOCS_READ for e in doc.examples)]
LINKS = sorted(
    {
        target_of(link): (link, where)
        for where, link in [*GUIDE_DOC.links, *(k for doc in OTHER_DOCS_READ for k in doc.links)]
    }.items()
)


def marked(value: object, key: str, id: str) -> object:
    """A test parameter, expected to fail while the feature it needs is not merged."""
    reasons = [reason for piece, reason in NOT_YET_MERGED.items() if piece in key]
    marks = [pytest.mark.xfail(strict=True, reason=reasons[0])] if reasons else []
    values = value if isinstance(value, tuple) else (value,)
    return pytest.param(*values, id=id, marks=marks)


# --- the site the examples are built in ---------------------------------------------------


def write_image(path: Path) -> None:
    """A small real JPEG (pactsite reads image headers and makes variants)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), (120, 140, 160)).save(path, "JPEG")


def write_asset(path: Path) -> None:
    """An image or another file that a link names."""
    if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"):
        write_image(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n%%EOF\n")


def entry_text(kind: str, stem: str, headings: list[str]) -> str:
    """A valid Markdown file of `kind` named `stem`, with the given headings."""
    prefix = DATE_PREFIX.match(stem)
    day = prefix.group(1) if prefix else "2002-10-22"
    title = f"Beispielziel {stem}"
    front = {
        "news": f"title: {title}\ndate: {day}\n",
        "project": f"title: {title}\nstatus: running\n",
        "event": f"title: {title}\nstart: {day}\n",
        "page": f"title: {title}\n",
    }[kind]
    sections = "".join(f"\n## {heading}\n\nText des Abschnitts.\n" for heading in headings)
    return f"---\n{front}---\nText der Seite.\n{sections}"


def slug_stem(name: str) -> str:
    """A file name as pactsite's slug: without `.md`, date prefix and case."""
    return DATE_PREFIX.sub("", name.removesuffix(".md")).lower()


def target_file(target: str) -> str:
    """The file (or pact folder) a link target names, as the guide describes the forms."""
    address = target.partition("#")[0]
    if address.startswith("page:"):
        return f"content/pages/{address[5:]}.md"
    if address.startswith("pact:"):
        rest = address[5:].strip("/").removesuffix(".md")
        return f"content/pacts/{rest}" if "/" not in rest else f"content/pacts/{rest}.md"
    return posixpath.normpath(posixpath.join(LINK_FOLDER, address))


def add_targets(site: Path, targets: list[str]) -> list[str]:
    """Add the pacts, pages and files the link examples name and the site lacks; list them."""
    headings: dict[Path, list[str]] = {}
    added: list[Path] = []
    # Date-prefixed names first, so a slug form finds the file its dated form created.
    for target in sorted(targets, key=lambda t: not DATE_PREFIX.search(t.rpartition("/")[2])):
        wanted = site / target_file(target)
        fragment = target.partition("#")[2]
        if wanted.suffix != ".md" and "." not in wanted.name:  # a pact
            if not (wanted / "pact.yaml").exists():
                wanted.mkdir(parents=True)
                added.append(wanted)
                (wanted / "pact.yaml").write_text(f"name: Pakt {wanted.name}\n")
            continue
        if wanted.suffix != ".md":
            if not wanted.exists():
                write_asset(wanted)
                added.append(wanted)
            continue
        known = [*wanted.parent.glob("*.md"), *headings]
        same = [
            p
            for p in known
            if p.parent == wanted.parent and slug_stem(p.name) == slug_stem(wanted.name)
        ]
        if same and same[0] not in headings:
            continue  # the example network has it: its headings must be there already
        path = same[0] if same else wanted
        headings.setdefault(path, [])
        if fragment:
            headings[path].append(fragment.replace("-", " ").capitalize())
    for path, names in headings.items():
        kind = FOLDER_KINDS[path.parent.name]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_text(kind, path.name.removesuffix(".md"), names))
    return sorted(str(path.relative_to(site)) for path in [*added, *headings])


@pytest.fixture(scope="module")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example network with every target the link examples name."""
    site = tmp_path_factory.mktemp("guide") / "site"
    site.mkdir()
    # the guide speaks of a real network: the example's `demo: true` would hide placeholders
    config = (REPOSITORY / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(config.replace("\ndemo: true\n", "\n"), encoding="utf-8")
    shutil.copytree(REPOSITORY / "content", site / "content")
    assert add_targets(site, [target for target, _ in LINKS]) == INVENTED
    return site


@pytest.fixture
def site(base_site: Path, tmp_path: Path) -> Path:
    """A fresh copy of the example network with the link targets."""
    return Path(shutil.copytree(base_site, tmp_path / "site"))


def diagnostics(run: Run) -> list[tuple[str, int, str, str]]:
    """Every diagnostic line of a run: path, line, severity and the whole line."""
    found = []
    for line in (run.stderr + run.output).splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            found.append((match["path"], int(match["line"]), match["severity"], line))
    return found


def write_example(site: Path, example: Example) -> tuple[str, range]:
    """Write an example into the site; return its file and the lines the example fills."""
    relative = FILES[example.kind]
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    text = example.text
    if example.kind == "pact-index" or text.startswith("---\n"):
        path.write_text(text, encoding="utf-8")
        return relative, range(1, text.count("\n") + 1)
    keys = set(re.findall(r"^([A-Za-z_]+)\s*:", text, re.MULTILINE))
    extra = "".join(
        line + "\n"
        for line in REQUIRED[example.kind].splitlines()
        if line.partition(":")[0] not in keys
    )
    for image in re.findall(r"^image:\s*(\S+)", text, re.MULTILINE):
        write_image(path.parent / image)
    if example.kind == "pact":
        path.write_text(text + extra, encoding="utf-8")
        return relative, range(1, text.count("\n") + 1)
    path.write_text(f"---\n{text}{extra}---\nText des Beispiels.\n", encoding="utf-8")
    return relative, range(2, text.count("\n") + 2)


# --- the tests -----------------------------------------------------------------------------


def test_every_yaml_example_says_what_it_is() -> None:
    """A YAML fence or a whole file example without a marker would go untested."""
    assert GUIDE_DOC.unmarked == [] and [w for doc in OTHER_DOCS_READ for w in doc.unmarked] == []


def test_the_guide_has_examples_of_every_kind() -> None:
    """The parser finds the examples (a broken marker must not silently skip them all)."""
    kinds = {example.kind for example in GUIDE_DOC.examples}
    assert {"news", "project", "event", "page", "pact", "pact-index"} <= kinds
    assert any(example.expect == "fehler" for example in GUIDE_DOC.examples)
    assert len(GUIDE_DOC.file_names) >= 4 and len(LINKS) >= 8


def test_a_marked_mistake_says_its_fix_and_a_table_row_is_one_excerpt(tmp_path: Path) -> None:
    """The marker forms the guide may use are read as the module docstring says."""
    guide = tmp_path / "guide.md"
    guide.write_text(
        "<!-- beispiel: project, fehler: budget_eur: 95000 -->\n```yaml\nbudget_eur: 95.000\n```\n"
        "\n<!-- beispiele: project -->\n| Feld | Beispiel |\n| --- | --- |\n"
        "| `start`, `end` | `start: 2002-01-01` `end: 2003-12-31` |\n"
        "\n```yaml\nname: x\n```\n[Ziel](pact:altmark) `page:impressum` [Muster](pact:…)\n",
        encoding="utf-8",
    )
    doc = read_document(guide, links_in_text=True)
    assert doc.examples == [
        Example("guide.md:2", "project", "budget_eur: 95.000\n", "fehler", "budget_eur: 95000"),
        Example("guide.md:9", "project", "start: 2002-01-01\nend: 2003-12-31\n"),
    ]
    assert doc.unmarked == ["guide.md:11"]
    assert [target_of(link) for _, link in doc.links] == ["pact:altmark", "page:impressum"]


def test_the_example_site_with_the_link_targets_builds(base_site: Path) -> None:
    """The site the examples are built in has no error of its own."""
    run = run_pactsite("check", "--site", str(base_site))
    assert run.exit_code == 0, run.stderr


@pytest.mark.parametrize(
    "example",
    [marked(e, e.key, f"{e.expect}-{e.key}") for e in EXAMPLES if e.kind == "workflow"],
)
def test_workflow_example_is_valid_yaml(example: Example) -> None:
    """The scheduled-build workflow of docs/deploying.md reads as a workflow with jobs and steps."""
    workflow = yaml.safe_load(example.text)
    assert all(job["steps"] for job in workflow["jobs"].values())


@pytest.mark.parametrize(
    "example",
    [marked(e, e.key + e.text, f"{e.expect}-{e.key}") for e in EXAMPLES if e.kind != "workflow"],
)
def test_example_builds_as_the_guide_says(site: Path, example: Example) -> None:
    """A valid example has no diagnostic; a mistake fails with one error naming the fix."""
    path, lines = write_example(site, example)
    run = run_pactsite("check", "--site", str(site))
    mine = [d for d in diagnostics(run) if d[0] == path]
    context = f"{example.where}: {example.text}\n{run.stderr}"
    if example.expect == "ok":
        assert run.exit_code == 0 and mine == [], context
    elif example.expect == "warnung":
        assert run.exit_code == 0 and [d for d in mine if d[2] == "warning"], context
        strict = run_pactsite("check", "--site", str(site), "--strict")
        assert strict.exit_code == 1, context
    else:
        errors = [d for d in diagnostics(run) if d[2] == "error"]
        assert run.exit_code == 1, context
        assert len(errors) == 1, context
        assert errors[0][0] == path and errors[0][1] in lines, context
        # The corrected line may come with single or double quotes.
        assert example.fix.replace("'", '"') in errors[0][3].replace("'", '"'), context


@pytest.fixture(scope="module")
def link_run(base_site: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """One check of the example site with each link example in a news item of its own."""
    site = Path(shutil.copytree(base_site, tmp_path_factory.mktemp("links") / "site"))
    for number, (_, (link, _)) in enumerate(LINKS):
        (site / LINK_FOLDER / f"verweis-{number}.md").write_text(
            f"---\ntitle: Verweis {number}\ndate: 2002-10-22\n---\nSiehe {link}.\n"
        )
    return diagnostics(run_pactsite("check", "--site", str(site)))


@pytest.mark.parametrize(
    ("number", "target"),
    [
        marked((number, target), f"link:{target}", f"{where}-{target}")
        for number, (target, (_, where)) in enumerate(LINKS)
    ],
)
def test_link_example_resolves(link_run: list[tuple], number: int, target: str) -> None:
    """Each link form the guide and the README teach leads to its page, file or heading."""
    mine = [d[3] for d in link_run if d[0] == f"{LINK_FOLDER}/verweis-{number}.md"]
    assert mine == []


@pytest.mark.parametrize(
    "row", [marked(r, r.path, f"{r.where}-{r.path}") for r in GUIDE_DOC.file_names]
)
def test_file_name_gets_the_address_the_guide_names(site: Path, row: FileName) -> None:
    """A file named as the table says is published at the address the table says."""
    path = site / "content/pacts/halle" / row.path
    kind = FOLDER_KINDS[path.parent.name]
    stem = path.name.rpartition(".")[0]
    path.write_text(entry_text(kind, stem, []), encoding="utf-8")
    out = site / "public"
    run = run_pactsite("build", "--site", str(site), "--output", str(out))
    assert run.exit_code == 0, run.stderr
    assert (out / row.address.strip("/") / "index.html").is_file()


def test_every_link_of_the_help_page_leads_somewhere(site: Path) -> None:
    """The guide's own links (to /netzwerk/ and its headings) work in the built /hilfe/."""
    out = site / "public"
    assert run_pactsite("build", "--site", str(site), "--output", str(out)).exit_code == 0
    page = lxml.html.fromstring((out / "hilfe" / "index.html").read_bytes())
    ids = set(page.xpath("//@id"))
    for href in page.xpath("//main//a/@href"):
        address, _, fragment = href.partition("#")
        if address.startswith("/"):
            assert (out / address.strip("/") / "index.html").is_file() or (
                out / address.strip("/")
            ).is_file(), href
        elif not address and fragment:
            assert fragment in ids, href
