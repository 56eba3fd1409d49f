"""``python -m flake8_netbox``: the same as the ``flake8-netbox`` command."""

import sys

from flake8_netbox.cli import main

sys.exit(main())
