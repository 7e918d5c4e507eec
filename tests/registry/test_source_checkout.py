"""The built-ins work from a source checkout, with no installed metadata."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fake_distribution import install_fake_distribution

import cmcrd_plugin

# The key of the student (EEG) input in the dict CMCRDClassifier fits on.
STUDENT_KEY = "eeg"

# Run in a fresh interpreter: hide the installed ``cmcrd-plugin`` distribution
# (its dist-info and entry points) from importlib.metadata, then import the
# package from a bare copy of its source.
CHECK = """
import importlib.metadata as metadata
import sys
from pathlib import Path

source_root, student_key = Path(sys.argv[1]), sys.argv[2]
_discover = metadata.Distribution.discover.__func__


def _visible(dist):
    return (dist.metadata["Name"] or "").lower().replace("_", "-") != "cmcrd-plugin"


@classmethod
def discover(cls, **kwargs):
    return (d for d in _discover(cls, **kwargs) if _visible(d))


metadata.Distribution.discover = discover
try:
    metadata.distribution("cmcrd-plugin")
except metadata.PackageNotFoundError:
    pass
else:
    raise AssertionError("the installed cmcrd-plugin metadata is still visible")
assert not [
    ep
    for ep in metadata.entry_points(group="cmcrd_plugin")
    if ep.module.startswith("cmcrd_plugin.")
]

import numpy as np

import cmcrd_plugin

assert Path(cmcrd_plugin.__file__).is_relative_to(source_root), cmcrd_plugin.__file__
registry = cmcrd_plugin.get_registry()
assert registry.failures == [], registry.failures
for name in ("cmcrd", "crd", "kd", "mcc", "none"):
    assert registry.component("loss", name).builtin, name
assert cmcrd_plugin.available("loader") == ["paired_npz", "seed", "seed_iv", "seed_v"]
third_party = registry.component("loss", "half_l1")
assert third_party.distribution == "fake-cmcrd-losses", third_party

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier

rng = np.random.default_rng(0)
n = 24
eeg = rng.standard_normal((n, 4, 5)).astype(np.float32)
eye = rng.standard_normal((n, 6, 1)).astype(np.float32)
y = np.arange(n) % 3
teacher = CMCRDMLP(n_outputs=3, n_chans=6, n_times=1, hidden_size=8)
net = CMCRDClassifier(
    CMCRDMLP,
    teacher=teacher,
    max_epochs=1,
    batch_size=8,
    train_split=None,
    verbose=0,
    module__hidden_size=8,
)
net.fit({student_key: eeg, "eye": eye}, y)
assert type(net.distiller_).__name__ == "CMCRDLoss"
assert len(net.history) == 1
print("source checkout OK")
"""


def test_builtins_work_from_a_source_checkout_without_metadata(tmp_path):
    source_root = tmp_path / "src"
    shutil.copytree(
        Path(cmcrd_plugin.__file__).parent,
        source_root / "cmcrd_plugin",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    # a third-party plugin still comes in through its entry point
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    install_fake_distribution(
        plugins,
        "fake-cmcrd-losses",
        "fake_cmcrd_losses",
        """
        from cmcrd_plugin.registry import hookimpl

        @hookimpl
        def cmcrd_losses():
            return {"half_l1": "math:fabs"}
        """,
    )
    script = tmp_path / "check.py"
    script.write_text(CHECK)
    result = subprocess.run(
        [sys.executable, str(script), str(source_root), STUDENT_KEY],
        cwd=tmp_path,
        env={
            **os.environ,
            "OMP_NUM_THREADS": "1",
            "PYTHONPATH": os.pathsep.join([str(source_root), str(plugins)]),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "source checkout OK" in result.stdout
