"""``python -m augmentlab.cli``: the ``augmentlab`` command."""

import sys

from . import main

if __name__ == "__main__":  # importing this module (tests import every module) runs nothing
    sys.exit(main())
