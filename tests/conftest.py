"""Shared test set-up: the fixture builders in tests/fixtures are importable as ``make_fixtures``."""

import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
