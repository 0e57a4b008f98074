"""The dashboard of ``countersign serve``: reviewers' queues, the friction budget, decisions,
break-glass, the ledgers and insight, as server-rendered pages (Jinja2 + htmx, vendored) over one
JSON API, for people signed in with GitHub or through a trusted proxy.

    worker --records.save--> PostgreSQL <--views (SQL)-- api (JSON) / pages (HTML)
                                 ^                            |
                                 +--actions (approve, send back: queued for a worker)--+

Who may see: a person on a roster of the installation; who may act: the roster at the base,
checked again by the worker with the library's own approval rules. Importing does no work.
"""
