"""Ask Pagefind and pactsite's search each query of tests/test_search_quality.py's table.

Prints a Markdown table: did each find all the expected pages (and the expected first one),
and how many results. How to run it (docs/search.md, "Compared with Pagefind"):

    make build                                   # public/ with pactsite's index
    cp -r public /tmp/pf/site && rm -r /tmp/pf/site/suchindex
    sed -i 's/tabindex="-1" data-search/tabindex="-1" data-pagefind-body data-search/' \
        $(grep -rl '<main' /tmp/pf/site)             # Pagefind indexes the same pages
    (cd /tmp/pf && npm install pagefind@1.6.0 && npx pagefind --site site)
    .venv/bin/python scripts/compare_search_with_pagefind.py
"""

import sys
from pathlib import Path

sys.path.insert(0, "tests")
from playwright.sync_api import Page, expect, sync_playwright
from test_search import all_result_urls
from test_search_quality import TABLE

from conftest import CHROMIUM_ARGS
from static_server import serve

PAGEFIND_SITE = Path("/tmp/pf/site")
ASK_PAGEFIND = """async (q) => {
  const result = await window.pf.search(q);
  const data = await Promise.all(result.results.map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def ours(page: Page, base: str, query: str) -> list[str]:
    """The addresses pactsite's search page shows for a query, all of them."""
    page.goto(base + "/suche/")
    page.get_by_label("Suchbegriff").fill(query)
    expect(page.get_by_role("status")).to_contain_text(f"„{query}“")
    return all_result_urls(page) if page.locator("#ps_search_results > li").count() else []


def main() -> None:
    """Print the table."""
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        with serve(PAGEFIND_SITE) as pbase, serve(Path("public")) as obase:
            pagefind = browser.new_page()
            pagefind.goto(pbase + "/suche/")
            pagefind.evaluate(
                "async () => { window.pf = await import('/pagefind/pagefind.js');"
                " await window.pf.init(); }"
            )
            page = browser.new_page()
            for query, proves, pages, first in TABLE:
                theirs = [
                    u.removesuffix("index.html") for u in pagefind.evaluate(ASK_PAGEFIND, query)
                ]
                mine = ours(page, obase, query)
                rows.append((query, proves, mine, theirs, pages, first))
        browser.close()
    print("| query | proves | pactsite | results | Pagefind | results | Pagefind misses |")
    print("|---|---|---|---|---|---|---|")
    passed = [0, 0]
    for query, proves, mine, theirs, pages, first in rows:
        verdicts = []
        for n, found in enumerate((mine, theirs)):
            good = pages <= set(found) and (first is None or found[:1] == [first])
            passed[n] += good
            verdicts.append("yes" if good else "NO")
        misses = ", ".join(sorted(pages - set(theirs))) or (
            "(order)" if verdicts[1] == "NO" else ""
        )
        print(
            f"| {query} | {proves} | {verdicts[0]} | {len(mine)} | {verdicts[1]} | {len(theirs)}"
            f" | {misses} |"
        )
    print(f"\npactsite: {passed[0]} of {len(rows)}; Pagefind: {passed[1]} of {len(rows)}")


if __name__ == "__main__":
    main()
