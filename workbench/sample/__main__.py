"""``python -m workbench.sample --out data/``: write the sample data (:mod:`workbench.sample`)."""

import sys

from .files import main

if __name__ == "__main__":
    sys.exit(main())
