import sys

from hwgen.cli import main

sys.exit(main())
