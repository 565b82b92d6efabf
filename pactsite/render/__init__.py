"""Rendering: Markdown bodies to HTML, links resolved and checked, the theme's templates."""
