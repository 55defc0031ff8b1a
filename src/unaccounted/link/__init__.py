"""Linkage: scored record pairs (Splink), clusters that are people, reviewers' judgements."""
