"""Accounts of abuse ("testimonies") and the incidents they describe (docs/testimonies.md).

This package holds what needs no store: the incident vocabulary shipped with the package
(``incident_types.csv``), the rules that check a testimony's text and dates and decide what
a reader sees of it (``text.py``), how an incident's corroboration is graded with the
workspace's grading rules (``grade.py``), and the rules that suggest people, places, dates,
units, sums and incident types from a Russian text (``extract.py``). The services
(``service/testimonies.py``, ``service/suggestions.py``) keep them in the store.
"""
