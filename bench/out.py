"""Printing for the benchmarks: progress lines and the report go to standard output at once; and
running one benchmark in a process of its own (a fresh Strada), collecting its JSON result."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Report = Callable[[dict[str, Any]], tuple[list[str], list[str]]]


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_module(module: str, options: list[str], database_url: str = "") -> dict[str, Any]:
    """``python -m <module> --out FILE <options>`` in its own process; the JSON it wrote."""
    with tempfile.TemporaryDirectory(prefix="strada-bench-out-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", module, "--out", str(out), *options]
        if database_url:
            command += ["--database-url", database_url]
        subprocess.run(command, cwd=ROOT, check=True)
        return dict(json.loads(out.read_text(encoding="utf-8")))


def section_lines(report: Report, result: dict[str, Any]) -> list[str]:
    """A benchmark's report lines, then a line per missed target."""
    lines, missed = report(result)
    return lines + [f"  missed: {m}" for m in missed]
