"""Scoring a method against a simulated world's truth: linkage clusters and estimates.

Plain functions over plain data, so benchmarks and tests import them directly; the
``unaccounted evaluate`` commands only read the files and print the results.
"""

from unaccounted.evaluate.clusters import ClusterScores, score_clusters
from unaccounted.evaluate.estimate import EstimateCheck, check_estimates

__all__ = ["ClusterScores", "EstimateCheck", "check_estimates", "score_clusters"]
