"""The network as a graph: pacts as nodes, cross-links between their pages as weighted edges."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from pactsite.model import EntryKey, Site

SIZE = 560
RADIUS = 200


@dataclass(frozen=True, slots=True)
class Node:
    """A pact placed on the picture."""

    key: str
    label: str
    color: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Edge:
    """Links between the pages of two pacts, in both directions."""

    first: Node
    second: Node
    links: int


@dataclass(frozen=True, slots=True)
class Graph:
    """The whole picture: its size, nodes and edges."""

    size: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def network_graph(site: Site, backlinks: Mapping[EntryKey, tuple[EntryKey, ...]]) -> Graph:
    """Place the pacts on a circle and count the links between each pair of pacts."""
    count = max(len(site.pacts), 1)
    nodes = {
        pact.key: Node(
            key=pact.key,
            label=pact.short_name,
            color=pact.color or "#3d4f63",
            x=round(SIZE / 2 + RADIUS * math.sin(2 * math.pi * i / count), 1),
            y=round(SIZE / 2 - RADIUS * math.cos(2 * math.pi * i / count), 1),
        )
        for i, pact in enumerate(site.pacts)
    }
    weights: dict[tuple[str, str], int] = {}
    for target, sources in backlinks.items():
        for source in sources:
            pair = tuple(sorted((_pact_of(site, source), _pact_of(site, target))))
            if pair[0] and pair[1] and pair[0] != pair[1]:
                key = (pair[0], pair[1])
                weights[key] = weights.get(key, 0) + 1
    edges = tuple(
        Edge(nodes[a], nodes[b], links)
        for (a, b), links in sorted(weights.items())
        if a in nodes and b in nodes
    )
    return Graph(size=SIZE, nodes=tuple(nodes.values()), edges=edges)


def _pact_of(site: Site, key: EntryKey) -> str:
    entry = site.entries.get(key)
    if entry is not None:
        return entry.pact or ""
    return key if any(p.key == key for p in site.pacts) else ""
