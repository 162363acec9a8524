"""Strada's benchmarks: ``make bench`` (``python -m bench``) prints figures beside their floors.

Every benchmark runs in its own process on a fresh, throw-away data directory and database, and
compares the real code path with the floor: the same rows written or read by plain SQL in the same
run, on the same database settings. Ratios hold on a noisy machine where absolute figures do not.
See docs/performance.md.
"""
