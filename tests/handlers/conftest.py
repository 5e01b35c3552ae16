"""Fixtures of the handler tests: the seeded citizen side of `citizen_kit.py`."""

from __future__ import annotations

import zwbot_tests_citizen_kit as kit

citizen_side = kit.citizen_side
citizen_side_any_db = kit.citizen_side_any_db
