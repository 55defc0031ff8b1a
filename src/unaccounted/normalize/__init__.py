"""Normalization: raw record values to canonical fields and matching keys."""
