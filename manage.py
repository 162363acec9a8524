#!/usr/bin/env python
"""Django's usual entry point; ``strada`` (installed with the package) is the same command."""

from strada.__main__ import main

if __name__ == "__main__":
    main()
