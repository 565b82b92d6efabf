"""`.pactsite/next-build.txt`: when the site should be built again, for a scheduled build hook."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from pactsite.content.config import SiteConfig
from pactsite.i18n import Text, t
from pactsite.outputs import OutputFile

NEXT_BUILD_FILE = PurePosixPath(".pactsite/next-build.txt")


def describe_change(moment: dt.datetime | None, config: SiteConfig) -> Text:
    """The human line: `next change: 2003-01-15 16:00 Europe/Berlin` (or `none`)."""
    if moment is None:
        return t("next change: none")
    when = f"{moment:%Y-%m-%d %H:%M} {config.timezone}"
    return t("next change: {moment}", moment=when)


def build_next_build(moment: dt.datetime | None, config: SiteConfig) -> OutputFile:
    """The next moment the output changes: ISO 8601 with offset, then the human line."""
    first = moment.isoformat() if moment is not None else "none"
    text = f"{first}\n{describe_change(moment, config)}\n"
    return OutputFile(NEXT_BUILD_FILE, text.encode("utf-8"))
