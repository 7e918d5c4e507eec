"""Fixtures of the loader tests."""

import faulthandler
import os

import pytest


@pytest.fixture
def hard_timeout(request, capsys):
    """End the test run if the test runs 1 s past its ``timeout`` mark.

    pytest-timeout's methods need the interpreter: its signal handler or its
    timer thread runs only between bytecodes, so neither stops a C loop that
    holds the GIL (``np.asarray`` of a nested list), and a Hypothesis test
    goes on to shrink (and hang again) after the first timeout. faulthandler's
    watchdog is a C thread: it prints every thread's stack to the real stderr
    and exits.
    """
    marker = request.node.get_closest_marker("timeout")
    seconds = (marker.args[0] if marker else 20) + 1
    with capsys.disabled():  # the real stderr, not the capture file
        stderr = os.fdopen(os.dup(2), "w")
    faulthandler.dump_traceback_later(seconds, exit=True, file=stderr)
    yield
    faulthandler.cancel_dump_traceback_later()
    stderr.close()
