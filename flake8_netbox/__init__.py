"""flake8-netbox: lint NetBox's configuration.py without executing it.

Kept import-free on purpose: flake8 imports this package for every run, also in repositories
without a single NetBox configuration.
"""

__version__ = "0.2.0"
