"""Shared test configuration: deterministic hypothesis, an isolated TUTOR_HOME."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "tutor",
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
settings.load_profile("tutor")

#: The lecture's example graph, L = (a*b + c) * f, for the tests' lesson files
#: (``from conftest import LECTURE_GRAPH``): written once, not pasted into each file.
LECTURE_GRAPH = """\
a = 2.0
b = -3.0
c = 10.0
e = a * b
d = e + c
f = -2.0
L = d * f
"""

#: The smallest useful lesson, L = a * b with two gradient questions, for tests that
#: need a valid file to put beside a hostile one (``from conftest import TINY_LESSON``).
TINY_LESSON = """\
format = 1
id = "tiny"
title = "Tiny"
graph = \"\"\"
a = 2.0
b = -3.0
L = a * b
\"\"\"
[[steps]]
ask = "grad"
node = "a"
[[steps]]
ask = "grad"
node = "b"
"""


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test ever touches the real user's progress database."""
    home = tmp_path_factory.mktemp("tutor-home")
    monkeypatch.setenv("TUTOR_HOME", str(home))
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    return home
