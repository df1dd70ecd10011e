"""Hypothesis profiles: ``default``, ``ci`` (loaded when CI is set) and ``thorough``.

Choose one with HYPOTHESIS_PROFILE=thorough (1,000 examples per property).
"""

import os

from hypothesis import HealthCheck, settings

_ci = settings.get_profile("ci")
settings.register_profile("ci", _ci, deadline=None)
settings.register_profile(
    "default", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", deadline=None, max_examples=1000, suppress_health_check=[HealthCheck.too_slow]
)

_profile = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
settings.load_profile(_profile)
