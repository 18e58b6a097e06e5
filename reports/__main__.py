"""``python -m reports``: fiches territoriales and map snapshots from the command line."""

import sys

from reports.cli import main

sys.exit(main())
