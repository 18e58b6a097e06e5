"""``python -m reports``: fiches territoriales and map snapshots from the command line."""

import sys

from reports.cli import main

if __name__ == "__main__":  # batch workers import this module again: do not run it there
    sys.exit(main())
