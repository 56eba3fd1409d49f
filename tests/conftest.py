import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# An unhandled libcst node type in the evaluator raises instead of becoming unknown (also in
# the flake8 processes the tests start, which inherit the environment).
os.environ.setdefault("FLAKE8_NETBOX_STRICT", "1")
