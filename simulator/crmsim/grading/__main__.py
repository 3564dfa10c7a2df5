"""``python -m crmsim.grading release|grade ...`` (same as ``crmsim release|grade``)."""

import sys

from crmsim.cli.grading import main

if __name__ == "__main__":
    sys.exit(main())
