"""Every gallery example (``examples/plot_*.py``) runs to the end, as written.

Each runs in a subprocess of its own, in a temporary working folder, with the
non-interactive matplotlib backend, importing the same ``cmcrd_plugin`` as
this test process. The documentation build (``tox -e docs``) executes them
too; this test keeps them from rotting between builds.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import cmcrd_plugin

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("plot_*.py"))
NEEDS_TORCHEEG = {"plot_torcheeg_trainer.py"}
# each example is meant to take under a minute on 2 cores; this leaves room
# for a busy machine without letting a hung one run forever
TIMEOUT_SECONDS = 300


def test_the_gallery_has_the_seven_examples():
    assert len(SCRIPTS) == 7, [path.name for path in SCRIPTS]


@pytest.mark.timeout(TIMEOUT_SECONDS + 30)
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_example_runs(script, tmp_path):
    if script.name in NEEDS_TORCHEEG:
        pytest.importorskip("torcheeg")
    package_parent = Path(cmcrd_plugin.__file__).resolve().parents[1]
    path = os.pathsep.join(filter(None, [str(package_parent), os.getenv("PYTHONPATH")]))
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONPATH": path,
        "TMPDIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    assert done.returncode == 0, f"{script.name} failed:\n{done.stderr[-4000:]}"
    assert "SYNTHETIC DATA" in done.stdout, f"{script.name} shows unlabelled numbers"
