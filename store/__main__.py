"""``python -m store``: the store's command line (see :mod:`store.cli`)."""

import sys

from store.cli import main

sys.exit(main())
