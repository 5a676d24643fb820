#!/usr/bin/env python3
"""Run the skilldoc command line from a checkout, without installing: ``python cli.py --help``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from skilldoc.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
