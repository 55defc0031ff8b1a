"""The web application: server-rendered pages and a JSON API over the service.

``create_app(workspace, actor)`` (in :mod:`unaccounted.web.app`) builds the FastAPI
application; ``unaccounted serve`` runs it. The web layer calls ``unaccounted.service``
only: no logic about records, persons or estimates lives here.
"""
