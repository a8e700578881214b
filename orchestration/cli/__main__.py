"""`python -m orchestration.cli`: the same as the `ree-tracker` command."""

import sys

from orchestration.cli.main import main

sys.exit(main())
