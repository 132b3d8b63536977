"""``python -m smokegen``."""

import os
import sys

# ``python -m`` puts the current folder first on sys.path: run from a project's root, a project
# module named like one smokegen imports (a top-level ``json.py``) would be imported into
# smokegen's own process. smokegen is installed; the current folder has nothing of it.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from smokegen.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
