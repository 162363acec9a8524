"""Printing for the benchmarks: progress lines and the report go to standard output at once."""

from __future__ import annotations

import sys


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
