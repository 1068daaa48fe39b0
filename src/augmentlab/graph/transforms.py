"""Graph augmentations of GraphCL (You et al. 2020) and friends: EdgeDrop, EdgeAdd, EdgePerturb,
NodeDrop, SubgraphSample (a random walk's induced subgraph), FeatureMask. Each draws from a
recorded seed; node labels, node and edge features stay with their nodes and edges."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.kinds import field_of
from ..core.params import check_choice, check_prob
from ..core.rng import integer, kernel_rng
from ..core.sample import Sample
from ..core.transform import Transform
from .structure import Graph

__all__ = ["EdgeAdd", "EdgeDrop", "EdgePerturb", "FeatureMask", "NodeDrop", "SubgraphSample"]


def _pair_ids(edge_index: np.ndarray, undirected: bool) -> np.ndarray:
    """An id per edge, the same for (u, v) and (v, u) when `undirected`: edges that go or stay
    together."""
    src, dst = edge_index
    if undirected:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    return src * (int(edge_index.max(initial=0)) + 1) + dst


def _drop_edges(g: Graph, rate: float, rng: np.random.Generator, undirected: bool,
                count: int | None = None) -> tuple[Graph, int]:
    """`g` without a share `rate` of its edges (or exactly `count` edge pairs); returns the graph
    and the number of pairs dropped."""
    if g.num_edges == 0:
        return g, 0
    ids = _pair_ids(g.edge_index, undirected)
    pairs, inverse = np.unique(ids, return_inverse=True)
    if count is None:
        drop = rng.random(len(pairs)) < rate
    else:
        drop = np.zeros(len(pairs), dtype=bool)
        drop[rng.choice(len(pairs), min(count, len(pairs)), replace=False)] = True
    return g.with_edges(~drop[inverse]), int(drop.sum())


def _add_edges(g: Graph, count: int, rng: np.random.Generator, undirected: bool) -> Graph:
    """`g` with up to `count` new edges between distinct nodes not yet linked (both directions
    when `undirected`); their features are the mean of the existing edges' (zeros if none)."""
    n = g.num_nodes
    if n < 2 or count <= 0:
        return g
    existing = set(_pair_ids(g.edge_index, undirected).tolist()) if g.num_edges else set()
    width = max(int(g.edge_index.max(initial=0)), n - 1) + 1
    added: list[tuple[int, int]] = []
    for _ in range(20 * count):  # rejection sampling; a dense graph may not have room
        if len(added) == count:
            break
        u, v = (int(a) for a in rng.integers(0, n, 2))
        key = (min(u, v), max(u, v)) if undirected else (u, v)
        pid = key[0] * width + key[1]
        if u == v or pid in existing:
            continue
        existing.add(pid)
        added.append((u, v))
    if not added:
        return g
    new = np.array(added, dtype=np.int64).T
    if undirected:
        new = np.concatenate([new, new[::-1]], axis=1)
    feats = g.edge_features
    if feats is not None:
        fill = feats.mean(axis=0) if len(feats) else np.zeros(feats.shape[1])
        feats = np.concatenate([feats, np.tile(fill, (new.shape[1], 1))])
    return g.replace(edge_index=np.concatenate([g.edge_index, new], axis=1), edge_features=feats)


class GraphTransform(Transform):
    """A graph transform: changes the ``graph`` field from a recorded seed."""

    _abstract = True
    fields = frozenset({"graph"})

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        field_of(sample, "graph", "a graph: pass graph=augmentlab.graph.Graph(...)")
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def apply_graph(self, g: Graph, params: dict[str, Any]) -> Graph:
        return self.change(g, kernel_rng(params["seed"]))

    def change(self, g: Graph, rng: np.random.Generator) -> Graph:
        raise NotImplementedError


class EdgeTransform(GraphTransform):
    """Edge transforms: a `rate`, and whether an edge and its reverse count as one
    (``undirected``)."""

    _abstract = True

    def __init__(self, *, rate: float = 0.2, undirected: bool = True, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_prob(self.name, "rate", rate)
        if not isinstance(undirected, bool):
            raise InvalidConfig(f"{self.name}: undirected={undirected!r} must be true or false")
        self.undirected = undirected

    def pairs(self, g: Graph) -> int:
        """How many edges there are, counting an edge and its reverse once when undirected."""
        return g.num_edges // 2 if self.undirected else g.num_edges


class EdgeDrop(EdgeTransform):
    """Remove each edge with probability `rate` (with ``undirected=True``, an edge and its
    reverse go together). Nodes stay.

    Example:
        >>> import networkx as nx, augmentlab as al
        >>> g = al.graph.Graph.from_networkx(nx.complete_graph(10))
        >>> out = al.graph.EdgeDrop(rate=0.5)(graph=g, seed=0)["graph"]
        >>> out.num_nodes, out.num_edges < g.num_edges, out.num_edges % 2
        (10, True, 0)
    """

    name = "graph.EdgeDrop"

    def change(self, g: Graph, rng: np.random.Generator) -> Graph:
        return _drop_edges(g, self.rate, rng, self.undirected)[0]


class EdgeAdd(EdgeTransform):
    """Add ``rate`` x the number of edges (pairs, with ``undirected=True``) of new edges between
    nodes not linked yet; new edges get the mean of the existing edges' features.

    Example:
        >>> import networkx as nx, augmentlab as al
        >>> g = al.graph.Graph.from_networkx(nx.path_graph(10))
        >>> al.graph.EdgeAdd(rate=0.5)(graph=g, seed=0)["graph"].num_edges - g.num_edges  # 4 pairs
        8
    """

    name = "graph.EdgeAdd"

    def change(self, g: Graph, rng: np.random.Generator) -> Graph:
        return _add_edges(g, int(round(self.rate * self.pairs(g))), rng, self.undirected)


class EdgePerturb(EdgeTransform):
    """GraphCL's edge perturbation: drop a share `rate` of the edges and add as many new ones
    (the edge count stays, the structure changes).

    Example:
        >>> import networkx as nx, augmentlab as al
        >>> g = al.graph.Graph.from_networkx(nx.cycle_graph(20))
        >>> al.graph.EdgePerturb(rate=0.3)(graph=g, seed=0)["graph"].num_edges == g.num_edges
        True
    """

    name = "graph.EdgePerturb"

    def change(self, g: Graph, rng: np.random.Generator) -> Graph:
        dropped, count = _drop_edges(g, self.rate, rng, self.undirected,
                                     count=int(round(self.rate * self.pairs(g))))
        return _add_edges(dropped, count, rng, self.undirected)


class NodeDrop(GraphTransform):
    """Remove each node with probability `rate` (at least one kept) and the edges touching it;
    the rest is renumbered in order, node labels and features going with their nodes.

    Example:
        >>> import numpy as np, networkx as nx, augmentlab as al
        >>> g = al.graph.Graph.from_networkx(nx.path_graph(8)).replace(node_labels=np.arange(8))
        >>> out = al.graph.NodeDrop(rate=0.5)(graph=g, seed=0)["graph"]
        >>> out.num_nodes < 8, bool(out.edge_index.max() < out.num_nodes)
        (True, True)
    """

    name = "graph.NodeDrop"

    def __init__(self, *, rate: float = 0.2, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_prob(self.name, "rate", rate)

    def change(self, g: Graph, rng: np.random.Generator) -> Graph:
        if g.num_nodes == 0:
            return g
        keep = rng.random(g.num_nodes) >= self.rate
        if not keep.any():
            keep[rng.integers(0, g.num_nodes)] = True
        return g.subgraph(np.flatnonzero(keep))


class SubgraphSample(GraphTransform):
    """The subgraph induced by the nodes a random walk visits (GraphCL's subgraph view): from a
    random node, step to a random neighbour (restarting from a random visited node when it
    cannot go on) until `ratio` of the nodes are visited or no unvisited node is reachable.

    Example:
        >>> import networkx as nx, augmentlab as al
        >>> g = al.graph.Graph.from_networkx(nx.grid_2d_graph(5, 5))
        >>> al.graph.SubgraphSample(ratio=0.4)(graph=g, seed=0)["graph"].num_nodes
        10
    """

    name = "graph.SubgraphSample"

    def __init__(self, *, ratio: float = 0.5, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.ratio = check_prob(self.name, "ratio", ratio)

    def change(self, g: Graph, rng: np.random.Generator) -> Graph:
        n = g.num_nodes
        if n == 0:
            return g
        want = max(1, int(round(self.ratio * n)))
        src, dst = g.edge_index
        neighbours: list[list[int]] = [[] for _ in range(n)]
        for u, v in zip(src.tolist(), dst.tolist(), strict=True):
            neighbours[u].append(v)
            neighbours[v].append(u)
        current = int(rng.integers(0, n))
        visited = [current]
        seen = {current}
        stalls = 0
        while len(visited) < want and stalls < 20 * n:
            options = neighbours[current]
            if not options:
                current = visited[int(rng.integers(0, len(visited)))]
                stalls += 1
                continue
            current = options[int(rng.integers(0, len(options)))]
            if current in seen:
                stalls += 1
            else:
                seen.add(current)
                visited.append(current)
                stalls = 0
        return g.subgraph(np.array(sorted(seen)))


class FeatureMask(GraphTransform):
    """Zero node features: whole feature columns each with probability `rate`
    (``mode="column"``, GRACE's masking) or single entries (``mode="entry"``). A graph without
    node features is left as it is.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> g = al.graph.Graph(np.zeros((2, 0), int), 3, node_features=np.ones((3, 50)))
        >>> x = al.graph.FeatureMask(rate=0.5)(graph=g, seed=0)["graph"].node_features
        >>> bool(np.all((x == 0).all(axis=0) | (x == 1).all(axis=0)))  # whole columns
        True
    """

    name = "graph.FeatureMask"

    def __init__(self, *, rate: float = 0.2, mode: str = "column", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_prob(self.name, "rate", rate)
        self.mode = check_choice(self.name, "mode", mode, ("column", "entry"))

    def change(self, g: Graph, rng: np.random.Generator) -> Graph:
        x = g.node_features
        if x is None:
            return g
        shape = (1, x.shape[1]) if self.mode == "column" else x.shape
        return g.replace(node_features=np.where(rng.random(shape) < self.rate, 0.0, x))
