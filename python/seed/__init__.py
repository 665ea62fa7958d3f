"""The seed's eight concurrency scenarios on CPython: asyncio, threads and processes.

One module per scenario (race, ordering, futures, pools, bridge, threads, scheduling, queue),
each with the experiment itself, its invariant checks and the text a person reads; the rest
is shared: the command line (cli), the report envelope and its text (report), Ctrl-C
(interrupt), the seeded generator the Rust scenarios use (fastrand) and the record of what
ran on which thread (timeline). Run a scenario with `python3 python/demos.py race`.
"""
