"""``countersign serve``: the GitHub App that runs the gate on every pull request.

    GitHub --webhook--> web (verify signature, record delivery once, queue a job, 2xx)
                          |
                    PostgreSQL (deliveries, procrastinate jobs, decisions, the ledgers)
                          |
                        worker (fetch the head into a bare mirror, evaluate with the library,
                                record reviews as forge-proven sign-offs, post the check run
                                and the one comment) <-- reconcile, every few minutes

Web replicas and workers keep no state of their own: a mirror is a cache, and every decision,
delivery and approval is in PostgreSQL. Importing this package does no work.
"""
