"""What each graph transform does (the shared contract is in tests/test_modal_invariants.py):
edge indices stay valid, labels and features stay with their nodes and edges."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, InvalidInput
from augmentlab.graph import Graph

TRANSFORMS = [al.graph.EdgeDrop(rate=0.4), al.graph.EdgeAdd(rate=0.4), al.graph.EdgePerturb(rate=0.4),
              al.graph.NodeDrop(rate=0.4), al.graph.SubgraphSample(ratio=0.5),
              al.graph.FeatureMask(rate=0.4)]


def _karate() -> Graph:
    """The karate club with node features that name each node (column 0 = the node's original
    id) and edge features that name each edge (its two original end points)."""
    g = Graph.from_networkx(nx.karate_club_graph(), feature=None, label=None)
    ids = np.arange(g.num_nodes, dtype=np.float64)
    return g.replace(node_features=np.stack([ids, ids * 10], axis=1),
                     edge_features=g.edge_index.T.astype(np.float64),
                     node_labels=np.arange(g.num_nodes) % 3)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=lambda t: t.name)
def test_indices_valid_and_everything_stays_with_its_node(transform: al.Transform) -> None:
    g = _karate()
    for seed in range(6):
        out = transform(graph=g, label="club", seed=seed)
        h = out["graph"]
        assert out["label"] == "club"  # the graph-level label passes through
        assert h.edge_index.min(initial=0) >= 0 and h.edge_index.max(initial=-1) < h.num_nodes
        original = h.node_features[:, 1] / 10  # which original node each node is (never masked
        if transform.name != "graph.FeatureMask":  # in both columns at once by chance here)
            original = h.node_features[:, 0]
            np.testing.assert_array_equal(h.node_labels, original.astype(int) % 3)
        if transform.name in ("graph.NodeDrop", "graph.SubgraphSample", "graph.EdgeDrop"):
            # every edge is an original edge, between the original nodes its features name
            ends = original[h.edge_index].T
            np.testing.assert_array_equal(ends, h.edge_features)
            old = set(map(tuple, g.edge_index.T.tolist()))
            assert set(map(tuple, ends.astype(int).tolist())) <= old
        # undirected graphs stay undirected: every edge has its reverse
        pairs = set(map(tuple, h.edge_index.T.tolist()))
        assert all((v, u) in pairs for u, v in pairs)


def test_what_each_transform_changes() -> None:
    g = _karate()
    pairs = g.num_edges // 2
    dropped = al.graph.EdgeDrop(rate=0.5)(graph=g, seed=0)["graph"]
    assert 0.35 * pairs < pairs - dropped.num_edges // 2 < 0.65 * pairs and dropped.num_nodes == 34
    added = al.graph.EdgeAdd(rate=0.25)(graph=g, seed=0)["graph"]
    assert added.num_edges == g.num_edges + 2 * round(0.25 * pairs)
    assert len(set(map(tuple, added.edge_index.T.tolist()))) == added.num_edges  # no duplicates
    assert not (added.edge_index[0] == added.edge_index[1]).any()  # no self-loops
    new_features = added.edge_features[g.num_edges:]
    np.testing.assert_allclose(new_features, np.tile(g.edge_features.mean(axis=0), (len(new_features), 1)))
    perturbed = al.graph.EdgePerturb(rate=0.3)(graph=g, seed=0)["graph"]
    assert perturbed.num_edges == g.num_edges and perturbed != g
    sub = al.graph.SubgraphSample(ratio=0.5)(graph=g, seed=0)["graph"]
    assert sub.num_nodes == 17 and nx.is_connected(sub.to_networkx(directed=False))  # one walk
    masked = al.graph.FeatureMask(rate=0.5, mode="entry")(graph=g, seed=0)["graph"]
    assert 0.3 < (masked.node_features == 0).mean() < 0.7
    bare = Graph(np.array([[0], [1]]), 2)
    assert al.graph.FeatureMask()(graph=bare, seed=0)["graph"] == bare  # nothing to mask


def test_networkx_round_trip() -> None:
    src = nx.Graph()
    src.add_node("a", x=[1.0, 2.0], y=1)
    src.add_node("b", x=[3.0, 4.0], y=0)
    src.add_edge("a", "b", w=[0.5])
    g = Graph.from_networkx(src, edge_feature="w")
    assert g.num_nodes == 2 and g.edge_index.tolist() == [[0, 1], [1, 0]]
    np.testing.assert_array_equal(g.node_features, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(g.edge_features, [[0.5], [0.5]])
    back = g.to_networkx(directed=False)
    assert sorted(back.edges) == [(0, 1)] and back.nodes[0]["y"] == 1
    np.testing.assert_array_equal(back.nodes[1]["x"], [3.0, 4.0])


def test_bad_graphs_are_refused() -> None:
    with pytest.raises(InvalidInput, match="outside 0..2"):
        Graph(np.array([[0], [3]]), 3)
    with pytest.raises(InvalidInput, match=r"integer \(2, E\)"):
        Graph(np.array([[0.0], [1.0]]), 2)
    with pytest.raises(InvalidInput, match="node_labels has 2 rows for 3 nodes"):
        Graph(np.zeros((2, 0), int), 3, node_labels=np.array([0, 1]))
    with pytest.raises(InvalidInput, match="edge_features has 0 rows for 1 edges"):
        Graph(np.array([[0], [1]]), 2, edge_features=np.zeros((0, 2)))
    with pytest.raises(InvalidInput, match="expected an augmentlab.graph.Graph"):
        al.Compose([al.graph.EdgeDrop()])(graph=nx.path_graph(3))
    with pytest.raises(InvalidConfig, match="undirected"):
        al.graph.EdgeDrop(undirected="yes")  # type: ignore[arg-type]
