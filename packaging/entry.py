"""The bundle's program: the same entry as the installed `kpdesk` command."""

import sys

from kpdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
