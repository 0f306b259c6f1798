"""What the hub (hub/) and headquarters (cloud/) share: table conventions, migrations, generated docs.

It imports neither of them (an import-linter contract in pyproject.toml), so each stays free of the other.
"""
