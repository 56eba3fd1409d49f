import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# An unhandled libcst node type in the evaluator raises instead of becoming unknown (also in
# the flake8 processes the tests start, which inherit the environment).
os.environ.setdefault("FLAKE8_NETBOX_STRICT", "1")

# CI draws the same property-test examples on every run (`NBX_HYPOTHESIS_PROFILE=ci`, set by
# .ci/run), so that its verdict is the one a local `bash .ci/run` gives; the campaigns in
# docs/reliability.md and plain local runs keep drawing new examples.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("NBX_HYPOTHESIS_PROFILE") == "ci":
    _hypothesis_settings.load_profile("ci")
