"""``python -m crmsim.grading release|grade ...`` (same as ``crmsim release|grade``)."""

import sys

from crmsim.grading.cli import main

if __name__ == "__main__":
    sys.exit(main())
