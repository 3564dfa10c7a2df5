"""``python -m crmsim.cli ...`` is ``crmsim ...``."""

import sys

from crmsim.cli import main

sys.exit(main())
