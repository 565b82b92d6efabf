"""partial_cached: a part of many pages rendered once per distinct variables."""

from __future__ import annotations

import jinja2
import pytest

from pactsite.render.theme import make_partial_cache


def _environment(templates: dict[str, str]) -> tuple[jinja2.Environment, list[str]]:
    """An environment like the build's, counting how often the partial is rendered."""
    rendered: list[str] = []
    env = jinja2.Environment(
        loader=jinja2.DictLoader(templates), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.globals["count"] = lambda name: rendered.append(name) or ""
    env.globals["partial_cached"] = make_partial_cache(env)
    return env, rendered


def test_a_partial_is_rendered_once_per_distinct_variables() -> None:
    env, rendered = _environment(
        {
            "part.html": "{{ count(current) }}\n  <b>{{ current }}</b>\n",
            "page.html": "[{{ partial_cached('part.html', current=current) }}]",
        }
    )
    pages = [env.get_template("page.html").render(current=c) for c in ["a", "b", "a", "a"]]
    assert pages == ["[<b>a</b>]", "[<b>b</b>]", "[<b>a</b>]", "[<b>a</b>]"]
    assert rendered == ["a", "b"]


def test_a_partial_sees_only_its_variables_not_the_page_data() -> None:
    env, _ = _environment(
        {
            "part.html": "{{ page_url }}",
            "page.html": "{{ partial_cached('part.html') }}",
        }
    )
    with pytest.raises(jinja2.UndefinedError, match="page_url"):
        env.get_template("page.html").render(page_url="/a/")


def test_a_partial_is_markup_and_its_variables_are_escaped_once() -> None:
    env, _ = _environment(
        {
            "part.html": "<i>{{ name }}</i>",
            "page.html": "{{ partial_cached('part.html', name=name) }}",
        }
    )
    assert env.get_template("page.html").render(name="<x>") == "<i>&lt;x&gt;</i>"


def test_variables_named_in_another_order_give_the_same_text() -> None:
    env, rendered = _environment(
        {
            "part.html": "{{ count(a ~ b) }}{{ a }}-{{ b }}",
            "other.html": "{{ count('other') }}{{ b }}+{{ a }}",
            "page.html": "{{ partial_cached('part.html', a=1, b=2) }} "
            "{{ partial_cached('part.html', b=2, a=1) }} "
            "{{ partial_cached('other.html', a=1, b=2) }} "
            "{{ partial_cached('part.html', a=1, b=2) }}",
        }
    )
    assert env.get_template("page.html").render() == "1-2 1-2 2+1 1-2"
    assert rendered.count("12") <= 2 and rendered.count("other") == 1
