"""``python -m augmentlab``: the ``augmentlab`` command (the same as ``augmentlab.cli:main``)."""

import sys

from .cli import main

if __name__ == "__main__":  # importing this module (tests import every module) runs nothing
    sys.exit(main())
