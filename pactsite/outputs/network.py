"""What the pacts' own websites embed: the network as JSON and a bar without JavaScript."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import jinja2

from pactsite.content.config import SiteConfig
from pactsite.model import Site
from pactsite.outputs import OutputFile
from pactsite.urls import UrlScheme

NETWORK_FOLDER = PurePosixPath("netzwerk")
LATEST_NEWS = 5


def network_data(site: Site, config: SiteConfig, urls: UrlScheme) -> dict[str, Any]:
    """The pacts and the latest news, with absolute URLs, for the embeddable bar."""
    return {
        "network": {"title": config.title, "url": urls.absolute("/")},
        "pacts": [
            {
                "key": p.key,
                "name": p.name,
                "short_name": p.short_name,
                "url": urls.absolute(urls.pact(p.key)),
                "website": p.website,
                "color": p.color,
            }
            for p in site.pacts
        ],
        "news": [
            {
                "title": n.title,
                "url": urls.absolute(urls.entry(n)),
                "date": n.date.isoformat(),
                "pact": n.pact,
            }
            for n in site.news[:LATEST_NEWS]
        ],
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class WebsiteCheck:
    """Whether a pact's own website answered when links were last checked, and when."""

    pact: str
    url: str
    answered: bool
    checked: dt.date


def website_checks(
    site: Site, answers: Mapping[str, tuple[bool, dt.date]]
) -> tuple[WebsiteCheck, ...]:
    """Each pact's website that a link check asked, with its answer (`answers` by address).

    Only what the check found: a pact whose website was not asked is left out, and with no
    check at all there is nothing to show.
    """
    return tuple(
        WebsiteCheck(pact=p.key, url=p.website, answered=answer[0], checked=answer[1])
        for p in site.pacts
        if p.website and (answer := answers.get(p.website.strip().partition("#")[0]))
    )


def build_network_files(
    site: Site, config: SiteConfig, urls: UrlScheme, env: jinja2.Environment
) -> list[OutputFile]:
    """Write `/netzwerk/pakte.json` and `/netzwerk/leiste.html` (the bar for an iframe)."""
    data = network_data(site, config, urls)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    folder = PurePosixPath(urls.root.lstrip("/")) / NETWORK_FOLDER
    page_url = f"/{folder}/leiste.html"
    bar = env.get_template("leiste.html").render(data=data, page_url=page_url)
    return [
        OutputFile(folder / "pakte.json", text.encode("utf-8")),
        OutputFile(folder / "leiste.html", bar.encode("utf-8"), "leiste.html"),
    ]
