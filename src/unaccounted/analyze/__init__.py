"""Analyze: persons into unit alias groups, status-transition tables, unit and region
dossiers and the concealment report; see docs/resolve.md."""

from unaccounted.analyze.run import Analysis, analyze

__all__ = ["Analysis", "analyze"]
