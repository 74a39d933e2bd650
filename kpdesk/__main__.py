import sys

from kpdesk.cli import main

sys.exit(main())
