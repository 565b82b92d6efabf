"""Hostile and broken input never crashes the generator (property-based, with Hypothesis).

Every case copies the minimal fixture site into a private temporary folder, plants one
hostile input in it and runs the real command line in-process. Whatever the input, the
run ends with exit code 0, or with exit code 1 and compiler-style diagnostics only (paths
relative to the site, no traceback); nothing is written outside the output folder; and
each case finishes within a few seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import lxml.etree
import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pactsite.content.schema import (
    EVENT_FIELDS,
    NEWS_FIELDS,
    PACT_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
)

from conftest import FIXTURES, Run, copy_site, run_pactsite

CASE_SECONDS = 10.0  # every single build must finish well within this
HARD_LIMIT_SECONDS = 30  # a hung build is interrupted after this and fails the test
OUT_NAME = "out"
# write.py builds into `.{name}.staging` beside the output and parks the old build in
# `.{name}.old` while it swaps them; both are the writer's own business.
WRITER_SIBLINGS = (f".{OUT_NAME}.staging", f".{OUT_NAME}.old")

DIAGNOSTIC_LINE = re.compile(r"^[^:]+:\d+: (error|warning): .+")
COUNT_LINE = re.compile(r"^(\d+) error\(s\), (\d+) warning\(s\); nothing was written$")

NEWS_DIR = "content/pacts/alpha/news"
NEWS_URL_DIR = "pakte/alpha/aktuelles"
VALID_NEWS = "---\ntitle: Zufall\ndate: 2002-10-23\n---\n"
PNG = bytes.fromhex(  # a valid 1x1 PNG: the build decodes images to make their variants
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,  # builds take ~0.1-0.5 s; _build_case enforces its own time limit
        database=None,  # do not leave a .hypothesis/ folder in the repository
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- running one case ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A private temporary folder holding a copy of the minimal site and its output."""

    root: Path  # the private folder: the parent of the case folder
    folder: Path  # the case folder, holding `site/` and the output folder
    site: Path
    out: Path

    def write(self, relative: str, content: str | bytes) -> Path:
        """Plant a file in the site (bytes as given, text as UTF-8)."""
        path = self.site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path


@contextlib.contextmanager
def hostile_site() -> Iterator[Case]:
    """A fresh copy of the minimal site in a private temporary folder, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="pactsite-hostile-"))
    try:
        folder = root / "case"
        site = copy_site(FIXTURES / "minimal", folder / "site")
        yield Case(root=root, folder=folder, site=site, out=folder / OUT_NAME)
    finally:
        shutil.rmtree(root, ignore_errors=True)


class CaseTimeout(Exception):
    """A build ran longer than HARD_LIMIT_SECONDS (it would hang the editor's machine)."""


@contextlib.contextmanager
def _hard_limit(seconds: int) -> Iterator[None]:
    """Interrupt the code inside after `seconds` (SIGALRM; pytest runs in the main thread)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise CaseTimeout(f"the build did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _snapshot(case: Case) -> dict[str, tuple[str, int, int]]:
    """Every entry below the private folder except the output, writer siblings and cache."""
    skipped = {case.out, *(case.folder / name for name in WRITER_SIBLINGS)}
    skipped.add(case.site / ".pactsite-cache")  # the build cache (bodies, pages, images)
    entries: dict[str, tuple[str, int, int]] = {}
    for current, dirnames, filenames in os.walk(case.root):
        here = Path(current)
        dirnames[:] = [d for d in dirnames if here / d not in skipped]
        for name in [*dirnames, *filenames]:
            path = here / name
            if path in skipped:
                continue
            info = path.lstat()
            if path.is_dir() and not path.is_symlink():
                entry = ("dir", 0, 0)  # its mtime changes when the output appears beside it
            else:
                entry = ("file", info.st_size, info.st_mtime_ns)
            entries[os.fsdecode(path.relative_to(case.root))] = entry
    return entries


def _build_case(case: Case, *, limit: float = CASE_SECONDS) -> tuple[Run, float]:
    """Build the case's site through the real CLI and check the properties every run has."""
    before = _snapshot(case)
    started = time.monotonic()
    with _hard_limit(HARD_LIMIT_SECONDS):
        run = run_pactsite("build", "--site", str(case.site), "--output", str(case.out))
    elapsed = time.monotonic() - started
    assert elapsed < limit, f"the build took {elapsed:.1f} s"
    assert run.exit_code in (0, 1), (run.exit_code, run.stderr)
    _check_stderr(run, case)
    assert _snapshot(case) == before, "the build wrote or changed files outside its output"
    if run.exit_code == 0:
        assert (case.out / "index.html").is_file()
    else:
        assert not case.out.exists(), "a failed build must write nothing"
    return run, elapsed


def _check_stderr(run: Run, case: Case) -> None:
    """Only `path:line: error|warning: ...` lines with site-relative paths, then the count."""
    assert "Traceback" not in run.stderr, run.stderr
    assert str(case.root) not in run.stderr, f"absolute path in the output:\n{run.stderr}"
    lines = run.stderr.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if run.exit_code == 1:
        assert lines, "a failed build must say why"
        count = COUNT_LINE.match(lines.pop())
        assert count, run.stderr
        errors, warnings = int(count.group(1)), int(count.group(2))
        assert errors >= 1, run.stderr
    severities = []
    for line in lines:
        match = DIAGNOSTIC_LINE.match(line)
        assert match, f"not a diagnostic line: {line!r}\n{run.stderr}"
        path = line.partition(":")[0]
        assert not Path(path).is_absolute() and not path.startswith(("\\", "~")), line
        assert ".." not in Path(path).parts, line
        severities.append(match.group(1))
    if run.exit_code == 1:
        assert (severities.count("error"), severities.count("warning")) == (errors, warnings)
    else:
        assert "error" not in severities, run.stderr


def _error_lines(run: Run, path: str) -> list[str]:
    return [line for line in run.stderr.split("\n") if line.startswith(f"{path}:")]


# --- 1. front matter -------------------------------------------------------------------

_OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
_ONE_LINE = st.characters(exclude_categories=("Cs",), exclude_characters="\n\r")
_ANY_CHARACTER = st.characters(exclude_categories=("Cs",))
_TRICKY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "2002-10-22",
        "2002-02-30",
        "0000-01-01",
        "9999-12-31",
        "2002-10-22 10:00",
        "2002-10-22 25:61",
        "2002-10-22T10:00:00+25:00",
        "yes",
        "on",
        "null",
        "~",
        ".nan",
        "-.inf",
        "0x1F",
        "1e999",
        "chemie",
        "CHEMIE",
        "#123456",
        "../../x",
        "<script>alert(1)</script>",
        "{{ 7 * 7 }}",
        "{% raw %}",
        "%(x)s {0} ${x}",
        "\u202eevil",
        "\x1b[31mrot",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),
    st.text(_ANY_CHARACTER, max_size=30),
    _TRICKY_TEXT,
    st.dates(),
    st.datetimes(timezones=st.none() | _OFFSETS),
)
_ALL_KEYS = sorted(
    {
        spec.name
        for fields in (NEWS_FIELDS, EVENT_FIELDS, PROJECT_FIELDS, PAGE_FIELDS, PACT_FIELDS)
        for spec in fields
    }
)
KEYS = st.one_of(
    st.sampled_from(_ALL_KEYS),
    st.text(_ANY_CHARACTER, max_size=12),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
_YAML_TOKENS = st.sampled_from(
    [
        *(f"{name}: " for name in _ALL_KEYS),
        ":",
        ": ",
        "- ",
        "\n",
        "\n  ",
        "\n    - ",
        "  ",
        "\t",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "#",
        "&a ",
        "*a",
        "<<: ",
        "? ",
        "!!str ",
        "!!int ",
        "!!binary ",
        "!!python/object:os.system ",
        "!local ",
        "'",
        '"',
        "\\",
        "%YAML 1.1\n",
        "%TAG ! tag:x,2002:\n",
        "---",
        "...",
        "2002-10-22",
        "2002-10-22 10:00:00+01:00",
        "chemie",
        "@",
        "`",
        "|",
        ">",
        "~",
        "\ufeff",
        "\x85",
        "\u2028",
        "\x00",
    ]
)
YAMLISH_TEXT = st.lists(_YAML_TOKENS | st.text(_ANY_CHARACTER, max_size=6), max_size=40).map(
    "".join
)

NEWS_FILE = f"{NEWS_DIR}/2002-10-23-zufall.md"
EVENT_FILE = "content/pacts/alpha/events/zufall.md"
_TARGETS = {
    "news": (NEWS_FILE, NEWS_FIELDS),
    "event": (EVENT_FILE, EVENT_FIELDS),
    "project": ("content/pacts/alpha/projects/zufall.md", PROJECT_FIELDS),
    "page": ("content/pages/zufall.md", PAGE_FIELDS),
    "pact profile": ("content/pacts/gamma/pact.yaml", PACT_FIELDS),
}


@st.composite
def front_matter_cases(draw: st.DrawFn) -> tuple[str, str]:
    """A target file and YAML-ish text for it: raw text, random data, or wrong-typed fields."""
    target = draw(st.sampled_from(["news", "news", "news", "event", "project", "page"]))
    target = draw(st.just(target) | st.just("pact profile")) if target == "page" else target
    path, fields = _TARGETS[target]
    names = [spec.name for spec in fields]
    schema_values = st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names))
    required = {spec.name: VALUES for spec in fields if spec.required}
    optional = {name: VALUES for name in names if name not in required}
    document = draw(
        st.one_of(
            YAMLISH_TEXT,
            VALUES.map(_dump),
            schema_values.map(_dump),
            st.fixed_dictionaries(required, optional=optional).map(_dump),
            st.builds(
                lambda extra: _dump({**_valid_fields(target), **extra}),
                st.dictionaries(st.sampled_from(names) | KEYS, VALUES, max_size=3),
            ),
        )
    )
    return path, document


def _valid_fields(target: str) -> dict[str, Any]:
    return {
        "news": {"title": "Zufall", "date": dt.date(2002, 10, 23)},
        "event": {"title": "Zufall", "start": "2002-10-23 10:00"},
        "project": {"title": "Zufall", "status": "running"},
        "page": {"title": "Zufall"},
        "pact profile": {"name": "Pakt Gamma"},
    }[target]


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


def _has_multiline_value(text: str) -> bool:
    """Whether a YAML scalar of the text holds a line break (which a diagnostic may quote)."""
    try:
        nodes = [yaml.compose(text, Loader=yaml.SafeLoader)]
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.ScalarNode):
            if "\n" in str(node.value):
                return True
        elif isinstance(node, yaml.SequenceNode):
            nodes.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            nodes.extend(item for pair in node.value for item in pair)
    return False


@_settings(max_examples=60)
@given(front_matter_cases())
@example((NEWS_FILE, "title: X\ndate: 2002-10-23\npublish: 0001-01-01 00:00+14:00"))
@example((NEWS_FILE, "title: X\ndate: 2002-10-23\nexpires: 9999-12-31 23:59-12:00"))
@example((EVENT_FILE, "title: X\nstart: 9999-12-31 23:59:59-01:00"))
@example((NEWS_FILE, "title: [\ndate: {"))
@example((NEWS_FILE, "title: !!python/object/apply:os.system [id]"))
@example((NEWS_FILE, "---"))
def test_random_front_matter_never_crashes_the_build(case: tuple[str, str]) -> None:
    path, document = case
    assume(not _has_multiline_value(document))
    with hostile_site() as site:
        if path.endswith(".yaml"):
            site.write(path, document)
        else:
            site.write(path, f"---\n{document}\n---\nText.\n")
        _build_case(site)


# --- 2. Markdown bodies and raw HTML ---------------------------------------------------

XSS_PAYLOADS = {
    "script-tag": "<script>alert(1)</script>",
    "script-tag-mixed-case": "<ScRiPt>alert(1)</sCrIpT>",
    "script-split-by-tag": "<scr<script>ipt>alert(1)</script>",
    "img-onerror": '<img src="bild.png" alt="Bild" onerror="alert(1)">',
    "img-onerror-unquoted": "<img src=bild.png alt=Bild onerror=alert(1)>",
    "event-handlers-on-allowed-tags": '<p onclick="alert(1)" onmouseover="alert(1)">Text</p>',
    "details-ontoggle": '<details open ontoggle="alert(1)"><summary>Mehr</summary></details>',
    "a-href-javascript": '<a href="javascript:alert(1)">Klick</a>',
    "a-href-javascript-mixed-case": '<a href="JaVaScRiPt:alert(1)">Klick</a>',
    "a-href-javascript-entity-encoded": '<a href="&#106;avascript:alert(1)">Klick</a>',
    "a-href-javascript-hex-entities": '<a href="&#x6A;&#x61;vascript:alert(1)">Klick</a>',
    "a-href-javascript-tab-inside": '<a href="java&#x09;script:alert(1)">Klick</a>',
    "a-href-javascript-leading-space": '<a href=" javascript:alert(1)">Klick</a>',
    "markdown-link-javascript": "[Klick](javascript:alert(1))",
    "markdown-link-javascript-mixed-case": "[Klick](JaVaScRiPt:alert(1))",
    "markdown-link-javascript-entity-encoded": "[Klick](&#106;avascript:alert(1))",
    "markdown-reference-link-javascript": "[Klick][x]\n\n[x]: javascript:alert(1)",
    "a-href-data-text-html": (
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Klick</a>'
    ),
    "markdown-link-data-text-html": "[Klick](data:text/html,<script>alert(1)</script>)",
    "img-src-data-url": '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="x">',
    "markdown-image-data-url": "![Bild](data:image/png;base64,iVBORw0KGgo=)",
    "svg-with-script": "<svg><script>alert(1)</script></svg>",
    "svg-onload": '<svg onload="alert(1)"><circle r="1"/></svg>',
    "svg-use-xlink": '<svg><use xlink:href="data:image/svg+xml,<svg onload=alert(1)>"/></svg>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "iframe-src-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "object-and-embed": '<object data="x.swf"></object><embed src="x.swf">',
    "style-element-expression": "<style>p { width: expression(alert(1)); }</style>",
    "style-attribute-expression": '<p style="width: expression(alert(1))">Text</p>',
    "markdown-attr-list-handlers": 'Absatz\n{: onclick="alert(1)" style="x:expression(1)" }',
    "markdown-in-html-block": '<div markdown="1">[Klick](javascript:alert(1))</div>',
    "form-formaction": '<form><button formaction="javascript:alert(1)">x</button></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="javascript:alert(1)//">',
    "math-href": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "noscript-breakout": (
        '<noscript><p title="</noscript><img src=bild.png alt=B onerror=alert(1)>">'
    ),
    "comment-breakout": "<!--<script>alert(1)//--><script>alert(1)</script>",
    "title-attribute-breakout": '[Klick](https://example.org/ "a\\" onmouseover=\\"alert(1)")',
}

_FORBIDDEN_IN_MARKUP = {
    "<script": re.compile(r"<script", re.IGNORECASE),
    "event handler": re.compile(r"\son\w+=", re.IGNORECASE),
    "javascript:": re.compile(r"javascript:", re.IGNORECASE),
    "data: URL": re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*data:""", re.IGNORECASE),
    "<iframe": re.compile(r"<iframe", re.IGNORECASE),
    "<object": re.compile(r"<object", re.IGNORECASE),
    "<embed": re.compile(r"<embed", re.IGNORECASE),
    "expression(": re.compile(r"expression\(", re.IGNORECASE),
    "<svg": re.compile(r"<svg", re.IGNORECASE),
}
# A tag with its attributes; quoted values may hold '>'.
_TAG = re.compile(r"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
# Attributes whose values are shown as text, never run: `title="x onclick=y"` is harmless.
_INERT_ATTRIBUTE = re.compile(r"""\s(?:title|alt)=(?:"[^"]*"|'[^']*')""", re.IGNORECASE)
_ACTIVE_TAGS = frozenset(
    {"script", "iframe", "object", "embed", "svg", "math", "frame", "frameset", "applet"}
    | {"base", "form", "style", "template"}
)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "srcdoc", "xlink:href"})


def active_content(page: str) -> list[str]:
    """Everything in a page that could run script: the raw markup, then the parsed tree."""
    markup = "".join(_INERT_ATTRIBUTE.sub(" ", tag) for tag in _TAG.findall(page))
    found = [name for name, pattern in _FORBIDDEN_IN_MARKUP.items() if pattern.search(markup)]
    for element in lxml.html.fromstring(page).iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = element.tag.lower()
        if tag in _ACTIVE_TAGS or (tag == "meta" and "http-equiv" in element.attrib):
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            url = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on"):
                found.append(f"{tag}[{name}]")
            elif name == "style" and "expression(" in url:
                found.append(f"{tag}[style]")
            elif name in _URL_ATTRIBUTES and url.startswith(("javascript:", "vbscript:", "data:")):
                found.append(f"{tag}[{name}={value[:40]}]")
    return found


_JSON_LD = re.compile(r'<script type="application/ld\+json">([^<]*)</script>')


def _news_page(case: Case, slug: str) -> str:
    """The page of a news item, without its JSON-LD block once that is proven to be inert data
    (valid JSON with no '<', so nothing can close the element early)."""
    page = (case.out / NEWS_URL_DIR / slug / "index.html").read_text(encoding="utf-8")
    for data in _JSON_LD.findall(page):
        json.loads(data)
    return _THEME_ICON.sub("", _JSON_LD.sub("", page))


# The theme's own pictograms (templates/icons.html) are inline SVG; the sanitiser lets no
# <svg> of the content through, so these are the only ones a page may hold.
_THEME_ICON = re.compile(
    r'<svg class="icon icon--[a-z-]+" viewBox="0 0 24 24" width="24" height="24" '
    r'aria-hidden="true" focusable="false"[^>]*>(?:(?!<svg|</svg>).)*</svg>',
    re.DOTALL,
)


def _build_news_body(body: str) -> tuple[Run, str | None]:
    """Build the site with a news item of this body; return the run and the item's page."""
    with hostile_site() as case:
        case.write(f"{NEWS_DIR}/bild.png", PNG)
        case.write(f"{NEWS_DIR}/2002-10-23-angriff.md", VALID_NEWS + body + "\n")
        run, _ = _build_case(case)
        page = _news_page(case, "angriff") if run.exit_code == 0 else None
        return run, page


_HTML_TAGS = st.sampled_from(
    [
        *("a", "img", "p", "div", "span", "b", "em", "h1", "h2", "table", "td", "details"),
        *("script", "Script", "IMG", "style", "iframe", "svg", "math", "object", "embed"),
        *("template", "noscript", "textarea", "form", "input", "button", "base", "meta", "link"),
        *("video", "source", "marquee", "frameset", "xmp", "plaintext", "image"),
    ]
)
_HTML_ATTRIBUTES = st.sampled_from(
    [
        *("href", "src", "srcdoc", "srcset", "onclick", "onerror", "onload", "OnMouseOver"),
        *("style", "id", "title", "alt", "class", "lang", "data-x", "formaction", "action"),
        *("xlink:href", "width", "background", "poster", "markdown", "open", "is", "rel"),
    ]
)
_URLS = st.sampled_from(
    [
        "https://example.org/",
        "https://example.org/a b?c=<d>#e",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript&#x3A;alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "%6A%61vascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:image/png;base64,AAAA",
        "bild.png",
        "./bild.png",
        "#ziele",
        "pact:beta",
        "page:impressum",
        "mailto:info@example.org",
        "tel:+49-345-0",
        "//evil.example/x.png",
        "/absolut/",
        "",
        "../index.md#ziele-fuer-2003",
        "../../beta/news/2003-01-05-dritte-meldung.md",
        "fehlt.md",
        "../../../../../../etc/passwd",
        "expression(alert(1))",
        "alert(1)",
    ]
)
_ATTRIBUTE_VALUES = _URLS | st.text(_ONE_LINE, max_size=20)


@st.composite
def raw_html(draw: st.DrawFn) -> str:
    """One raw HTML element with random attributes, quoting and content."""
    tag = draw(_HTML_TAGS)
    attributes = ""
    for name, value in draw(st.lists(st.tuples(_HTML_ATTRIBUTES, _ATTRIBUTE_VALUES), max_size=4)):
        quote = draw(st.sampled_from(['"', "'", ""]))
        attributes += f" {name}={quote}{value}{quote}"
    content = draw(st.text(max_size=20) | st.sampled_from(list(XSS_PAYLOADS.values())))
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>", "/>"]))
    return f"<{tag}{attributes}>{content}{closing}"


_MARKDOWN_BITS = st.sampled_from(
    [
        "# Titel",
        "## Ziele für 2003",
        "### ",
        "* eins\n* zwei\n    * drei",
        "1. eins\n2. zwei",
        "> Zitat\n> > verschachtelt",
        "```\n<script>alert(1)</script>\n```",
        "    eingerückter Code <svg>",
        "`<iframe>`",
        "| a | b |\n|---|:-:|\n| 1 | <b>2</b> |",
        "---",
        "***fett und kursiv***",
        "Text[^1]\n\n[^1]: Fußnote mit [Link](javascript:alert(1))",
        "Begriff\n: Erklärung",
        "*[HTML]: Hypertext",
        "Absatz\n{: #eigene-id .klasse onclick=alert(1) }",
        "Absatz\n{: id=ps_inhalt }",
        "<http://example.org/>",
        "<info@example.org>",
        "&amp; &lt; &#0; &#x110000; &nosuchentity;",
        "\\<script\\>",
        "[leer]()",
        "[x]: javascript:alert(1)\n\n[Klick][x]",
        "![Bild](bild.png)",
        "![Bild](https://example.org/x.png)",
        '<div markdown="1">*kursiv* [x](javascript:alert(1))</div>',
        "<!-- Kommentar <script>alert(1)</script> -->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<?php echo 1; ?>",
        "---\ntitle: zweiter Kopf\n---",
    ]
)


@st.composite
def markdown_links(draw: st.DrawFn) -> str:
    text = draw(st.text(_ONE_LINE, max_size=10).map(lambda t: t.replace("]", "")))
    bang = draw(st.sampled_from(["", "!"]))
    title = draw(st.sampled_from(["", ' "Titel"', ' "a\\" onclick=\\"alert(1)"']))
    return f"{bang}[{text}]({draw(_URLS)}{title})"


MARKDOWN_BODIES = st.lists(
    st.one_of(
        raw_html(),
        _MARKDOWN_BITS,
        markdown_links(),
        st.sampled_from(list(XSS_PAYLOADS.values())),
        st.text(max_size=40),
    ),
    max_size=10,
).flatmap(
    lambda parts: st.lists(st.sampled_from(["\n\n", "\n", " ", ""]), min_size=len(parts)).map(
        lambda separators: "".join(p + s for p, s in zip(parts, separators, strict=False))
    )
)


@pytest.mark.slow  # 30 builds of random input
@_settings(max_examples=30)
@given(MARKDOWN_BODIES)
def test_random_markdown_and_raw_html_never_crash_nor_reach_the_page(body: str) -> None:
    _, page = _build_news_body(body)
    if page is not None:
        assert active_content(page) == [], (body, active_content(page))


@pytest.fixture(scope="module")
def xss_pages() -> Iterator[dict[str, str]]:
    """The page of a news item per payload, all from one build: the sanitiser cleans each
    body on its own, and each item's page shows only its own body."""
    with hostile_site() as case:
        case.write(f"{NEWS_DIR}/bild.png", PNG)
        for number, payload in enumerate(XSS_PAYLOADS.values()):
            front = VALID_NEWS.replace("Zufall", f"Angriff {number}")
            text = f"{front}Vorher.\n\n{payload}\n\nNachher.\n"
            case.write(f"{NEWS_DIR}/2002-10-23-angriff-{number}.md", text)
        run, _ = _build_case(case)
        assert run.exit_code == 0, run.stderr
        yield {name: _news_page(case, f"angriff-{n}") for n, name in enumerate(XSS_PAYLOADS)}


@pytest.mark.parametrize("name", list(XSS_PAYLOADS), ids=list(XSS_PAYLOADS))
def test_xss_payloads_are_sanitised_out_of_the_page(xss_pages: dict[str, str], name: str) -> None:
    page = xss_pages[name]
    assert "Nachher." in page
    assert active_content(page) == []
    page_lower = page.lower()
    for needle in ("<script", "<iframe", "<object", "<embed", "expression(", "<svg"):
        assert needle not in page_lower, needle


def test_xss_payloads_are_sanitised_out_of_every_feed() -> None:
    body = "\n\n".join(["Vorher.", *XSS_PAYLOADS.values(), "Nachher."])
    with hostile_site() as case:
        case.write(f"{NEWS_DIR}/bild.png", PNG)
        case.write(f"{NEWS_DIR}/2002-10-23-angriff.md", VALID_NEWS + body + "\n")
        run, _ = _build_case(case)
        assert run.exit_code == 0, run.stderr
        atom = lxml.etree.parse(str(case.out / "feed.xml"))
        rss = lxml.etree.parse(str(case.out / "rss.xml"))
        feed = json.loads((case.out / "feed.json").read_text(encoding="utf-8"))
    contents = [
        *atom.xpath("//*[local-name()='content' and @type='html']/text()"),
        *rss.xpath("//item/*[local-name()='encoded']/text()"),
        *(item["content_html"] for item in feed["items"]),
    ]
    bodies = [html for html in contents if "Nachher." in html]
    assert len(bodies) == 3, contents
    for html in bodies:
        assert active_content(f"<div>{html}</div>") == []


# --- 3. file names ---------------------------------------------------------------------

_NAME_PARTS = st.sampled_from(
    [
        *("Ärger", "Übung", "Straße", "Maßnahme", "über", "ÄÖÜäöüß", "ẞ", "é", "e\u0301"),
        *("a..b", "..", "...", ".", " ", "  ", "-", "--", "_", "___", "!!!", "?", "%2e%2e"),
        *("Meldung", "MELDUNG", "meldung", "2002-10-22-", "2002-13-45-", "ǅ", "ﬁ", "İ", "ı"),
        *("\u200b", "\u00a0", "😀", "中文", "\u202e", "'", '"', "*", "\\", "|", "<", ">"),
        *("&", "+", "=", ",", ";", "~", "$", "`", "(", ")", "[", "]", "{", "}", "@", "#"),
        *(".leichte-sprache", "index", "impressum", "pakte", "aktuelles", "seite", "404"),
    ]
)
# ':' would make a diagnostic's path ambiguous; '/' and NUL cannot be in a name.
_NAME_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="/\x00:\n\r")
_TRANSFORMS = {
    "same": lambda s: s,
    "NFC": lambda s: unicodedata.normalize("NFC", s),
    "NFD": lambda s: unicodedata.normalize("NFD", s),
    "upper": str.upper,
    "lower": str.lower,
    "title": str.title,
}
MAX_NAME_BYTES = 255  # per file name, on Linux file systems


def _fit(stem: str, suffix: str = ".md") -> str:
    """Cut a stem so that stem + suffix fits the file system's limit of 255 bytes."""
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


@st.composite
def hostile_stems(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["parts", "parts", "long", "leading-dash"]))
    if kind == "long":
        unit = draw(st.sampled_from(["a", "ä", "a\u0308", "ß", "-", "x.", "😀", "A b "]))
        return unit * draw(st.integers(60, 260))
    stem = "".join(draw(st.lists(_NAME_PARTS | st.text(_NAME_CHARS, max_size=6), min_size=1)))
    return f"-{stem}" if kind == "leading-dash" else stem


@st.composite
def file_name_sets(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A folder and a few hostile file names, with case and normalisation twins of the first."""
    folder = draw(st.sampled_from([NEWS_DIR, "content/pages"]))
    stems = draw(st.lists(hostile_stems(), min_size=1, max_size=3))
    twins = draw(st.lists(st.sampled_from(sorted(_TRANSFORMS)), max_size=3))
    names = [_fit(stem) for stem in stems]
    names += [_fit(_TRANSFORMS[twin](stems[0])) for twin in twins]
    return folder, sorted(set(names))


@pytest.mark.slow  # 30 builds of random input
@_settings(max_examples=30)
@given(file_name_sets())
@example((NEWS_DIR, ["___.md", "!!!.md"]))
@example((NEWS_DIR, ["Meldung.md", "meldung.md", "MELDUNG.md"]))
@example((NEWS_DIR, [unicodedata.normalize("NFD", "Ärger.md"), "Ärger.md"]))
@example(("content/pages", ["a..b.md", "-x.md", "--.md", " leer zeichen .md"]))
@example((NEWS_DIR, [_fit("ä" * 130), _fit("ä" * 126 + "b")]))
def test_hostile_file_names_build_or_fail_cleanly(names: tuple[str, list[str]]) -> None:
    folder, files = names
    front_matter = VALID_NEWS if folder == NEWS_DIR else "---\ntitle: Seite\n---\n"
    with hostile_site() as case:
        for name in files:
            case.write(f"{folder}/{name}", front_matter + "Text.\n")
        run, _ = _build_case(case)
        if run.exit_code == 0:
            written = [p.relative_to(case.out).as_posix() for p in case.out.rglob("*")]
            strange = [p for p in written if not re.fullmatch(r"[a-z0-9./_-]+", p)]
            assert strange == [], "output paths must be plain lower-case ASCII"


# --- 4. huge files ---------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_a_clean_error_naming_it() -> None:
    path = f"{NEWS_DIR}/2002-10-24-riesig.md"
    paragraph = "Ein Absatz über den Pakt für Arbeit, der immer weiter geht.\n\n"
    with hostile_site() as case:
        case.write(path, VALID_NEWS + paragraph * (6 * 1024 * 1024 // len(paragraph)))
        run, _ = _build_case(case, limit=5)
    assert run.exit_code == 1
    assert any("file is too large" in line for line in _error_lines(run, path)), run.stderr


HUGE_BUT_ALLOWED = {
    # ~1 MiB of ordinary paragraphs with emphasis and links
    "paragraphs": (
        "Der Pakt für Arbeit Halle trifft sich mit **Merseburg-Querfurt** und der "
        "[Altmark](pact:beta), um *neue Arbeitsplätze* zu schaffen.\n\n",
        1024 * 1024,
    ),
    # links whose address is spelled differently in the source than in the HTML
    "entity-encoded-links": ("[x](&#104;ttps://example.org/)\n\n", 384 * 1024),
}


@pytest.mark.parametrize("kind", list(HUGE_BUT_ALLOWED))
def test_a_huge_but_allowed_file_builds_in_bounded_time(kind: str) -> None:
    paragraph, size = HUGE_BUT_ALLOWED[kind]
    with hostile_site() as case:
        body = paragraph * (size // len(paragraph.encode()))
        case.write(f"{NEWS_DIR}/2002-10-24-lang.md", VALID_NEWS + body + "Ende des Textes.\n")
        run, _ = _build_case(case)
        assert run.exit_code == 0, run.stderr
        assert "Ende des Textes." in _news_page(case, "lang")


# --- 5. YAML bombs ---------------------------------------------------------------------


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines)


YAML_BOMBS = {
    "billion-laughs": _billion_laughs(),
    "billion-laughs-block-style": "\n".join(
        ["b0: &b0\n  - lol\n  - lol\n  - lol"]
        + [f"b{i}: &b{i}\n" + f"  - *b{i - 1}\n" * 10 for i in range(1, 10)]
    ),
    "merge-key-bomb": "\n".join(
        ["m0: &m0 {x: lol}"]
        + [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], y{i}: lol}}" for i in range(1, 30)]
    ),
    "alias-as-key": "k: &k lol\n? *k\n: x",
    "recursive-alias": "r: &r [*r, *r]",
    "deeply-nested-flow-sequences": "x: " + "[" * 100_000 + "]" * 100_000,
    "deeply-nested-flow-mappings": "x: " + "{a: " * 50_000 + "b" + "}" * 50_000,
    "deeply-nested-unclosed": "x: " + "[{" * 100_000,
    "deeply-nested-block-sequences": "x:\n  " + "- " * 100_000 + "lol",
    "too-many-values": "x: [" + ", ".join(["1"] * 60_000) + "]",
}
_BOMB_TARGETS = {
    "front-matter": f"{NEWS_DIR}/2002-10-24-bombe.md",
    "pact-yaml": "content/pacts/beta/pact.yaml",
    "site-yaml": "site.yaml",
}


@pytest.mark.parametrize("target", list(_BOMB_TARGETS))
@pytest.mark.parametrize("bomb", list(YAML_BOMBS))
def test_yaml_bombs_are_a_fast_clean_error(bomb: str, target: str) -> None:
    path = _BOMB_TARGETS[target]
    with hostile_site() as case:
        if target == "front-matter":
            case.write(path, f"---\ntitle: Bombe\ndate: 2002-10-24\n{YAML_BOMBS[bomb]}\n---\nx\n")
        elif target == "pact-yaml":
            case.write(path, f"name: Pakt Beta\n{YAML_BOMBS[bomb]}\n")
        else:
            site_yaml = (case.site / path).read_text(encoding="utf-8")
            case.write(path, f"{site_yaml}\n{YAML_BOMBS[bomb]}\n")
        run, _ = _build_case(case, limit=5)
    assert run.exit_code == 1
    assert any(": error: " in line for line in _error_lines(run, path)), run.stderr


# --- 6. slugs that try to leave the output ---------------------------------------------

ESCAPING_SLUGS = [
    "../../x",
    "../../../../../../../../x",
    "/etc/x",
    "a/b",
    "..",
    ".",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fx",
    "..\\..\\x",
    "x/../../../y",
    "C:\\x",
    "\u2025/x",
    "ｘ",
    "x\x00y",
    "-x-",
    "a" * 121,
]
_SLUG_FILES = {
    "news": f"{NEWS_DIR}/2002-10-24-flucht.md",
    "network-page": "content/pages/flucht.md",
    "pact-page": "content/pacts/alpha/pages/flucht.md",
}


@pytest.mark.parametrize("where", list(_SLUG_FILES))
@pytest.mark.parametrize("slug", ESCAPING_SLUGS, ids=[repr(s)[:24] for s in ESCAPING_SLUGS])
def test_slugs_that_try_to_escape_are_an_error_and_write_nothing(slug: str, where: str) -> None:
    path = _SLUG_FILES[where]
    with hostile_site() as case:
        date = "date: 2002-10-24\n" if where == "news" else ""
        slug_line = 4 if date else 3
        case.write(path, f"---\ntitle: Flucht\n{date}slug: {_dump(slug).strip()}\n---\nx\n")
        bases = [case.out, case.out / NEWS_URL_DIR, case.out / "pakte/alpha"]
        candidates = [Path(os.path.normpath(base / slug)) for base in bases]
        candidates += [Path("/etc/x"), case.root / "x", case.root / "y", case.folder / "x"]
        existed = {p: p.exists() for p in candidates}
        run, _ = _build_case(case)
        assert {p: p.exists() for p in candidates} == existed
    assert run.exit_code == 1
    assert any(
        f":{slug_line}: error: " in line and "cannot be used in a web address" in line
        for line in _error_lines(run, path)
    ), run.stderr


# --- input that once broke the generator ---------------------------------------------


def test_a_wrong_value_with_a_line_break_stays_on_one_diagnostic_line() -> None:
    with hostile_site() as case:
        case.write(f"{NEWS_DIR}/2002-10-24-umbruch.md", VALID_NEWS[:-4] + 'sectors: "a\\nb"\n---\n')
        run, _ = _build_case(case)
    assert run.exit_code == 1
    assert any("a\\nb" in line for line in run.stderr.split("\n")), run.stderr


def test_a_control_character_in_yaml_is_reported_on_one_diagnostic_line() -> None:
    path = f"{NEWS_DIR}/2002-10-24-steuerzeichen.md"
    with hostile_site() as case:
        case.write(path, "---\ntitle: a\x1fb\n---\n")
        run, _ = _build_case(case)
    assert run.exit_code == 1
    assert f"{path}:2: error: the character U+001F is not allowed in YAML" in run.stderr


def test_deeply_nested_markdown_lists_are_a_clean_error() -> None:
    body = "".join("    " * level + "* x\n" for level in range(300))
    run, _ = _build_news_body(body)
    assert run.exit_code == 1
    assert "nests lists or quotes too deeply" in run.stderr
