"""``python -m relmap``: see ``relmap.cli``."""

import sys

from relmap.cli import main

sys.exit(main())
