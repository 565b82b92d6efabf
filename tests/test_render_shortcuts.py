"""The speed-ups of body rendering and auditing change nothing they produce."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pactsite.render import audit, markup
from pactsite.render.audit import BodySource

# Pieces of Markdown that the inline patterns and block processors look for, and prose.
ATOMS = [
    "*", "**", "_", "__", "`", "``", "[", "]", "(", ")", "![", "<", ">", "&", "&amp;", "&#91;",
    "\\", "\\*", "\\[", "  \n", "\n", "\n\n", "# ", "- ", "1. ", "> ", "    ", "\t", "|", " | ",
    "---", ":", "[^1]", "[^1]: Fußnote\n", "*[EU]: Europäische Union\n", "EU", "[TOC]",
    "\n[TOC]\n", '<div markdown="1">', "</div>", "<b>", "</b>", "<!-- c -->", "https://a.de",
    "<https://a.de>", "<a@b.de>", "[x]: /u\n", "[x]", "[x][]", "{: #id .c }", "~~~", "```",
    "Begriff\n: Erklärung\n", "Wort", " ", "Straße", "<script>x</script>", "&nbsp;", "\x02",
    "| a | b |\n| --- | :-: |\n| 1 | 2 |\n", "Spalte | Wert\n--- | ---\n", "[l](pact:a/b#c)",
    '[l](../x.md "t")', "![Bild](bild.png)", "<img src=x onerror=y>", "* * *\n", "___\n",
]  # fmt: skip
LINES = [
    "# Titel", "## Zwei ##", "#######", "#x", "> Zitat", "   > x", ": Erklärung", "Begriff",
    "| a | b |", "|---|---|", "a | b", "--- | ---", "|a", "a|", "\\|", "`|`", "---", "___",
    "* * *", "- - -", "*[EU]: Europäische Union", "[^1]: Fußnote", "[^1]", "[ref]: /u 'T'",
    "[ref]", "[ref]:/u", "*[EU]:E", "[^1]:x", "    Code", "~~~", "```py", "- a", "  - b",
    "1. x", "2) y", "Text mit - Strich",
    "", "", "<div>", "</div>", "[TOC]", "x  ", "a: b", "Titel", "===", "&copy;", "<p>roh</p>",
]  # fmt: skip
SETTINGS = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
texts = st.one_of(
    st.lists(st.sampled_from(ATOMS), max_size=60).map("".join),
    st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from(["", "", *ATOMS])), max_size=30).map(
        lambda pairs: "\n".join(line + atom for line, atom in pairs)
    ),
    st.text(max_size=200),
)
FAST = markup.make_renderer()
STOCK = markup.make_renderer(shortcuts=False)


def _rendered(renderer: object, text: str) -> object:
    assert isinstance(renderer, type(FAST))
    try:
        body = markup.render_markdown(renderer, text, 3)
    except RecursionError:
        return "RecursionError"
    warnings = audit.audit_body(body, BodySource("content/x.md", text, 3))
    return dataclasses.astuple(body), [dataclasses.astuple(w) for w in warnings]


@given(texts)
@SETTINGS
def test_the_fast_renderer_writes_what_python_markdown_writes(text: str) -> None:
    assert _rendered(FAST, text) == _rendered(STOCK, text)


RENDERERS = markup.Renderers()


@given(texts)
@SETTINGS
def test_a_converter_without_the_extensions_a_text_cannot_use_writes_the_same(text: str) -> None:
    assert _rendered(RENDERERS.for_text(text), text) == _rendered(STOCK, text)


def test_a_plain_text_is_converted_without_the_optional_extensions() -> None:
    plain = RENDERERS.for_text("## Ziele\n\nDer Pakt: 12 Partner, *viele* [Projekte](x.md).\n")
    assert "table" not in plain.parser.blockprocessors
    assert "footnote" not in plain.inlinePatterns and "attr_list" not in plain.treeprocessors
    assert "deflist" in plain.parser.blockprocessors  # its mark, ":", is too common to test
    table = RENDERERS.for_text("a | b\n--- | ---\n1 | 2\n")
    assert "table" in table.parser.blockprocessors and "footnote" not in table.inlinePatterns


@pytest.mark.parametrize(
    "text",
    [
        "Siehe <https://a.de>; `Code` und **fett**, dann [Link](../x.md#a).",
        "[TOC]\n\n# Eins\n\n## Zwei\n\n> [TOC]\n",
        "Name | Wert\n--- | ---\na | b\n\n|a|\n|-|\n",
        "*[EU]: Europäische Union\n\nDie EU fördert.[^1]\n\n[^1]: Laut Quelle.\n",
        "[ref]\n\n[ref]: /ziel 'Titel'\n",
        "- - -\n\nText\n***\n",
        "Begriff\n: Erklärung\n",
        "> " * 40 + "tief",
        "[a]:/b\n\n[a]\n",
        "*[EU]:Europa\n\nEU\n",
        "Text[^a]\n\n[^a]:x\n",
        "#x\n\n>x\n\nBegriff\n:   Erklärung\n\nx|y\n-|-\n\n|x\n|-\n",
        "***\n\n___\n\n- - -\n",
    ],
)
def test_the_fast_renderer_keeps_what_each_shortcut_skips_for(text: str) -> None:
    assert _rendered(FAST, text) == _rendered(STOCK, text)


def test_every_shortcut_applies_to_the_installed_python_markdown() -> None:
    """A Python-Markdown that changed a processor gets it unshortened: re-check it then."""
    blocks = {type(p).__name__ for p in FAST.parser.blockprocessors}
    trees = {type(p).__name__ for p in FAST.treeprocessors}
    shortcuts = {faster.__name__ for faster, _ in markup._BLOCK_SHORTCUTS.values()}
    assert shortcuts <= blocks
    assert {"_SkippingInlineProcessor", "_Toc", "_TocGate"} <= trees
    assert "is_block_level" in vars(FAST)  # the remembering one, in place of the method
    inline = [markup.NEEDED_TEXT.get(markup._regex_of(p)) for p in FAST.inlinePatterns]
    assert None not in inline


TAGS = [
    '<a href="x">', '<a href="&amp;y&quot;">', "</a>", "<h2>", "</h2>", "</h3>", "<table>",
    "<th>", '<img src="s" alt="a&lt;">', "<img src='x'>", '<a title="a>b">', "Text", " ",
    "&amp;", "&lt;", "&", "<!-- c -->", "<", ">", "<br/>", "<br>", "<script>", "</script>",
    '<a  href="x">', '<A HREF="x">', "\n", '<a href="">', "<a href>", "<h1 >", "<?x>",
    '<a\xa0href="x">', '<img src="x" alt="">', '<a href="x" href="y">', '<p id="x">',
]  # fmt: skip


def _parsed(html: str) -> audit._Found:
    reader = audit._Reader()
    reader.feed(html)
    return reader.found


@given(st.lists(st.sampled_from(TAGS), max_size=40).map("".join))
@SETTINGS
def test_the_fast_audit_scan_finds_what_the_html_parser_finds(html: str) -> None:
    found = audit._scan(html)
    assert found is None or found == _parsed(html)


def test_the_fast_audit_scan_reads_sanitised_bodies_and_gives_up_on_others() -> None:
    body = markup.render_markdown(FAST, "## A\n\n[Mehr](x.pdf) ![](b.png)\n\n|a|\n|-|\n", 1)
    assert audit._scan(body.html) == _parsed(body.html)
    assert audit._scan("<p>a<!-- b --></p>") is None
    assert audit._scan("<p title='x'>a</p>") is None


RAW = [
    "<p>", "</p>", '<a href="javascript:x">', '<a href="/a" id="gut">', '<h2 id="x_y">', "</h2>",
    '<img src="b.png" onerror="x">', "<script>alert(1)</script>", "<!-- c -->", '<td style="a">',
    '<div class="footnote">', '<span id="Groß">', "Text & mehr", "<", "&amp;", "<table><tr><td>",
    '<a href="pact:a/b" class="footnote-ref">', "<svg><path/></svg>", '<ol start="3">',
]  # fmt: skip


@given(st.lists(st.sampled_from(RAW), max_size=30).map("".join))
@SETTINGS
def test_the_prepared_sanitiser_cleans_as_nh3_clean_does(html: str) -> None:
    assert markup.sanitize(html) == markup._clean(html, markup._filter_attribute)
