"""``python -m netx.cni``: the netx-ipam CNI plugin."""

import sys

from .plugin import main

sys.exit(main())
