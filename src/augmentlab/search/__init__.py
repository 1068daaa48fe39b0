"""Policy search with Optuna, judged by the measure harness on a validation split carved from the
training data (the test split is never seen during the search).

Example:
    >>> from augmentlab.search import SearchSpace
    >>> SearchSpace("randaugment").size()
    15
"""

from .compare import final_evaluation, policy_strategies
from .spaces import SPACES, SearchSpace
from .study import PolicySearch, SearchResult, search_view

__all__ = ["SPACES", "PolicySearch", "SearchResult", "SearchSpace", "final_evaluation",
           "policy_strategies", "search_view"]
