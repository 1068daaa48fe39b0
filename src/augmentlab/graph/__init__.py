"""Graph augmentation on a ``graph`` field holding a `Graph` (edge index, node and edge features,
node labels; `Graph.from_networkx` / `to_networkx` convert). Graph-level labels travel in
``label`` untouched. Transform names carry the ``graph.`` prefix in pipeline files."""

from .structure import Graph
from .transforms import EdgeAdd, EdgeDrop, EdgePerturb, FeatureMask, NodeDrop, SubgraphSample

__all__ = ["EdgeAdd", "EdgeDrop", "EdgePerturb", "FeatureMask", "Graph", "NodeDrop",
           "SubgraphSample"]
