"""`python -m app` is the same program as the `cueflow` command."""

import sys

from app.cli import main

sys.exit(main())
