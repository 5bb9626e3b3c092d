"""``python -m caucmap`` is the ``caucmap`` command."""

import sys

from caucmap.cli import main

sys.exit(main())
