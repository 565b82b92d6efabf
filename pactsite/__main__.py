"""Run pactsite as `python -m pactsite`."""

from __future__ import annotations

from pactsite.cli import main

main()
