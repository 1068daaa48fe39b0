"""`Graph`: the plain representation graph transforms work on, and conversion to and from
networkx."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.kinds import register_kinds
from ..core.optional import require

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Graph"]


@dataclass(frozen=True, eq=False)
class Graph:
    """A graph as arrays: ``edge_index`` ``(2, E)`` int node indices (directed edges; store both
    directions for an undirected graph), ``num_nodes``, optional ``node_features`` ``(N, F)``,
    ``edge_features`` ``(E, G)`` and ``node_labels`` (one per node). Checked when built: every
    edge index within ``[0, num_nodes)``, every per-node and per-edge array the right length.

    Example:
        >>> g = Graph(np.array([[0, 1], [1, 2]]), 3, node_labels=np.array([0, 1, 1]))
        >>> g.num_edges, g.subgraph(np.array([1, 2])).edge_index.tolist()
        (2, [[0], [1]])
    """

    edge_index: np.ndarray
    num_nodes: int
    node_features: np.ndarray | None = None
    edge_features: np.ndarray | None = None
    node_labels: np.ndarray | None = None

    def __post_init__(self) -> None:
        ei = np.asarray(self.edge_index)
        if ei.size == 0:
            ei = ei.reshape(2, 0)
        if ei.ndim != 2 or ei.shape[0] != 2 or ei.dtype.kind not in "iu":
            raise InvalidInput(f"graph: edge_index must be an integer (2, E) array, got "
                               f"{ei.dtype} {ei.shape}")
        n = self.num_nodes
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise InvalidInput(f"graph: num_nodes must be an int >= 0, got {n!r}")
        if ei.size and (ei.min() < 0 or ei.max() >= n):
            bad = int(ei.max()) if ei.max() >= n else int(ei.min())
            raise InvalidInput(f"graph: edge_index refers to node {bad}, outside 0..{n - 1}")
        object.__setattr__(self, "edge_index", ei.astype(np.int64, copy=False))
        object.__setattr__(self, "num_nodes", int(n))
        for name, count in (("node_features", n), ("node_labels", n), ("edge_features", ei.shape[1])):
            value = getattr(self, name)
            if value is None:
                continue
            arr = np.asarray(value)
            if len(arr) != count:
                raise InvalidInput(f"graph: {name} has {len(arr)} rows for {count} "
                                   f"{'edges' if name == 'edge_features' else 'nodes'}")
            if name != "node_labels" and (arr.dtype.kind != "f" or arr.ndim != 2):
                raise InvalidInput(f"graph: {name} must be a float (rows, features) array, got "
                                   f"{arr.dtype} {arr.shape}")
            object.__setattr__(self, name, arr)

    def parts(self) -> tuple[Any, ...]:
        """Everything the graph holds, in a fixed order (what equality compares)."""
        return (self.num_nodes, self.edge_index, self.node_features, self.edge_features,
                self.node_labels)

    def __eq__(self, other: object) -> bool:
        """Equal when every part is equal, dtype included (same bytes)."""
        if not isinstance(other, Graph):
            return NotImplemented
        for a, b in zip(self.parts(), other.parts(), strict=True):
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                        and a.dtype == b.dtype and a.shape == b.shape
                        and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")):
                    return False
            elif a != b:
                return False
        return True

    # mutable arrays inside: not hashable
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extras = [f"{name} {getattr(self, name).shape}" for name in
                  ("node_features", "edge_features", "node_labels") if getattr(self, name) is not None]
        return f"Graph({self.num_nodes} nodes, {self.num_edges} edges{''.join(', ' + e for e in extras)})"

    @property
    def num_edges(self) -> int:
        return int(self.edge_index.shape[1])

    def replace(self, **changes: Any) -> Graph:
        """A new graph with some parts replaced (checked again)."""
        parts: dict[str, Any] = {"edge_index": self.edge_index, "num_nodes": self.num_nodes,
                 "node_features": self.node_features, "edge_features": self.edge_features,
                 "node_labels": self.node_labels}
        parts.update(changes)
        return Graph(**parts)

    def with_edges(self, keep: np.ndarray) -> Graph:
        """The graph with only the edges at indices (or mask) `keep`, their features with them."""
        return self.replace(edge_index=self.edge_index[:, keep],
                            edge_features=None if self.edge_features is None else self.edge_features[keep])

    def subgraph(self, nodes: np.ndarray) -> Graph:
        """The subgraph induced by `nodes` (sorted node ids), renumbered ``0..len(nodes)-1``:
        the edges between kept nodes, features and labels of the kept nodes."""
        nodes = np.asarray(nodes, dtype=np.int64)
        new_id = np.full(self.num_nodes, -1, dtype=np.int64)
        new_id[nodes] = np.arange(len(nodes))
        src, dst = self.edge_index
        keep = (new_id[src] >= 0) & (new_id[dst] >= 0)
        return Graph(new_id[self.edge_index[:, keep]], len(nodes),
                     None if self.node_features is None else self.node_features[nodes],
                     None if self.edge_features is None else self.edge_features[keep],
                     None if self.node_labels is None else self.node_labels[nodes])

    # -- networkx ---------------------------------------------------------------------------------
    @classmethod
    def from_networkx(cls, g: nx.Graph, *, feature: str | None = "x", edge_feature: str | None = None,
                      label: str | None = "y") -> Graph:
        """From a networkx graph: nodes numbered in ``g.nodes`` order, an undirected edge stored
        in both directions; node attribute `feature` (a vector) and `label`, edge attribute
        `edge_feature`, taken when every node (edge) has them.

        Example:
            >>> import networkx as nx
            >>> Graph.from_networkx(nx.path_graph(3)).edge_index.tolist()
            [[0, 1, 1, 2], [1, 0, 2, 1]]
        """
        _networkx()
        index = {node: i for i, node in enumerate(g.nodes)}
        src, dst, edge_rows = [], [], []
        for u, v, data in g.edges(data=True):
            pairs = [(u, v)] if g.is_directed() else [(u, v), (v, u)]
            for a, b in pairs:
                src.append(index[a])
                dst.append(index[b])
                if edge_feature is not None and edge_feature in data:
                    edge_rows.append(np.atleast_1d(np.asarray(data[edge_feature], dtype=np.float64)))
        nodes = list(g.nodes(data=True))
        feats = labels = None
        if feature is not None and nodes and all(feature in d for _, d in nodes):
            feats = np.stack([np.atleast_1d(np.asarray(d[feature], dtype=np.float64)) for _, d in nodes])
        if label is not None and nodes and all(label in d for _, d in nodes):
            labels = np.asarray([d[label] for _, d in nodes])
        edges = np.array([src, dst], dtype=np.int64).reshape(2, -1)
        edge_feats = np.stack(edge_rows) if edge_rows and len(edge_rows) == edges.shape[1] else None
        return cls(edges, len(nodes), feats, edge_feats, labels)

    def to_networkx(self, *, directed: bool = True) -> nx.Graph:
        """A networkx ``DiGraph`` (or ``Graph``) with nodes ``0..N-1`` carrying ``x`` and ``y``
        and edges carrying ``edge_attr``.

        Example:
            >>> g = Graph(np.array([[0], [1]]), 2).to_networkx()
            >>> sorted(g.edges)
            [(0, 1)]
        """
        nx = _networkx()
        out = nx.DiGraph() if directed else nx.Graph()
        for i in range(self.num_nodes):
            attrs: dict[str, Any] = {}
            if self.node_features is not None:
                attrs["x"] = self.node_features[i]
            if self.node_labels is not None:
                attrs["y"] = self.node_labels[i].item() if hasattr(self.node_labels[i], "item") \
                    else self.node_labels[i]
            out.add_node(i, **attrs)
        for e, (u, v) in enumerate(self.edge_index.T.tolist()):
            attrs = {} if self.edge_features is None else {"edge_attr": self.edge_features[e]}
            out.add_edge(u, v, **attrs)
        return out


def _networkx() -> Any:
    return require("networkx", "graph", "Graph.from_networkx / to_networkx")


def check_graph_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``graph`` fields: each an `augmentlab.graph.Graph` (checked when built).

    Example:
        >>> check_graph_fields({"graph": {"edges": []}}, {"graph": "graph"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: graph: expected an augmentlab.graph.Graph, got dict ...
    """
    for key, kind in kinds.items():
        if kind == "graph" and not isinstance(fields[key], Graph):
            raise InvalidInput(f"{key}: expected an augmentlab.graph.Graph, got "
                               f"{type(fields[key]).__name__} (Graph.from_networkx converts a "
                               "networkx graph)")


register_kinds(("graph",), check_graph_fields)
