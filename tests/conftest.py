"""Test-wide settings: hypothesis profiles.

`ci` is loaded when CI=true, `dev` otherwise; HYPOTHESIS_PROFILE=<name> overrides both.
Both profiles keep the default tier to minutes; long campaigns are marked `fuzz_long`.
"""

import os

from hypothesis import HealthCheck, settings

# Deploying contracts inside examples is slow by design; speed is measured by benchmarks instead.
_SLOW_FIXTURES_OK = [HealthCheck.too_slow]

settings.register_profile(
    "dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=_SLOW_FIXTURES_OK,
)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=_SLOW_FIXTURES_OK,
)


def _profile_name() -> str:
    if explicit := os.environ.get("HYPOTHESIS_PROFILE"):
        return explicit
    return "ci" if os.environ.get("CI", "").lower() == "true" else "dev"


settings.load_profile(_profile_name())
