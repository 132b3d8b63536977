"""``python -m smokegen``."""

import sys

from smokegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
