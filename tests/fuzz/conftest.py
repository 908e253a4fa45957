"""Hypothesis profiles for the fuzz suite.

`ci` (the default, what `.ci/run` runs): 1,000 examples per command, action and autocomplete,
derandomised so that CI is repeatable. `explore` draws new random examples on every run;
`quick` is for iterating (`HYPOTHESIS_PROFILE=quick`).
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,  # the machine is shared; timings are measured in bench/, never asserted
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                           HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.register_profile("ci", max_examples=1000, derandomize=True, **_COMMON)
settings.register_profile("explore", max_examples=1000, **_COMMON)
settings.register_profile("quick", max_examples=50, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
