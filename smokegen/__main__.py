"""``python -m smokegen``."""

import sys

from smokegen.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
