"""The cache manifest keys transforms on their state and files on their content."""

import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("torcheeg")

from torcheeg import transforms  # noqa: E402

from cmcrd_plugin.torcheeg_datasets.manifest import (  # noqa: E402
    CacheKeyError,
    fingerprint_files,
    offline_transform_keys,
    transform_key,
)

CUSTOM = '''
class Scale:
    """A user's transform: its repr shows a memory address."""

    def __init__(self, factor, channels):
        self.factor = factor
        self.channels = channels

    def __call__(self, *, eeg, **kwargs):
        return {"eeg": eeg[self.channels] * self.factor}
'''

KEYS = """
import sys
from torcheeg import transforms
from user_transforms import Scale
from cmcrd_plugin.torcheeg_datasets.manifest import transform_key

for t in [
    Scale(2.0, [1, 2, 3]),
    transforms.Compose([
        transforms.PickElectrode(list(range(10))),
        transforms.BandDifferentialEntropy(band_dict={"alpha": [8, 14]}),
    ]),
]:
    print(transform_key(t, "offline_transform"))
"""


def key(transform) -> str:
    return transform_key(transform, "offline_transform")


def test_transforms_are_keyed_on_their_attributes_not_their_repr():
    first, second = (
        transforms.PickElectrode(list(range(10))),
        transforms.PickElectrode(list(range(10, 20))),
    )
    assert repr(first) == repr(second)  # TorchEEG elides the list: [Ellipsis]
    assert key(first) != key(second)
    assert key(first) == key(transforms.PickElectrode(list(range(10))))
    assert key(first).startswith("torcheeg.transforms.numpy.pick.PickElectrode#")
    bands = transforms.BandDifferentialEntropy(band_dict={"alpha": [8, 14]})
    other = transforms.BandDifferentialEntropy(band_dict={"alpha": [8, 13]})
    assert key(bands) != key(other)
    grid = transforms.ToGrid({"FP1": (0, 3), "FP2": (0, 5)})
    assert key(grid) != key(transforms.ToGrid({"FP1": (0, 3), "FP2": (0, 4)}))
    # nested transforms and arrays are walked too
    assert key(transforms.Compose([first])) != key(transforms.Compose([second]))
    mean = transforms.MeanStdNormalize(mean=np.zeros(5), axis=0)
    assert key(mean) != key(transforms.MeanStdNormalize(mean=np.ones(5), axis=0))
    assert key(None) is None


def test_a_custom_transform_keys_the_same_in_another_process(tmp_path, monkeypatch):
    (tmp_path / "user_transforms.py").write_text(CUSTOM)
    monkeypatch.syspath_prepend(str(tmp_path))
    from user_transforms import Scale

    here = [
        key(Scale(2.0, [1, 2, 3])),
        key(
            transforms.Compose(
                [
                    transforms.PickElectrode(list(range(10))),
                    transforms.BandDifferentialEntropy(band_dict={"alpha": [8, 14]}),
                ]
            )
        ),
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    there = subprocess.run(
        [sys.executable, "-c", KEYS],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout.split()
    assert there == here
    assert "0x" not in here[0] and here[0].startswith("user_transforms.Scale#")
    assert key(Scale(2.0, [1, 2, 4])) != here[0]


def test_a_function_holding_transform_needs_a_cache_key():
    with pytest.raises(CacheKeyError, match=r"offline_transform\.lambd.*cache_key"):
        key(transforms.Lambda(lambda x: x * 2))
    with pytest.raises(CacheKeyError, match=r"eye_offline_transform\.transforms\[1\]"):
        offline_transform_keys(
            None,
            transforms.Compose([transforms.ToTensor(), transforms.Lambda(abs)]),
            None,
        )
    assert offline_transform_keys(transforms.Lambda(abs), None, "abs-v1") == {
        "cache_key": "abs-v1"
    }
    with pytest.raises(ValueError, match="cache_key"):
        offline_transform_keys(None, None, "")


def test_files_are_keyed_on_their_content(tmp_path):
    path = tmp_path / "s.mat"
    path.write_bytes(b"a" * 100)
    first = fingerprint_files([path])
    stat = path.stat()
    path.write_bytes(b"b" * 100)  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime
    assert path.stat().st_size == stat.st_size
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    second = fingerprint_files([path], known=first)
    assert second[0]["blake2b"] != first[0]["blake2b"]
    # an unchanged file is not read again: its recorded hash is reused
    memo = [{**second[0], "blake2b": "recorded"}]
    assert fingerprint_files([path], known=memo)[0]["blake2b"] == "recorded"


def test_partials_are_keyed_on_their_arguments_and_c_state_is_refused():
    import functools
    import random

    from torcheeg import transforms as tt

    from cmcrd_plugin.torcheeg_datasets.manifest import CacheKeyError, describe

    first = describe(functools.partial(tt.MeanStdNormalize, axis=0), "t")
    second = describe(functools.partial(tt.MeanStdNormalize, axis=1), "t")
    assert first != second
    for opaque in (random.Random(1), functools.partial(np.clip, a_min=0)):
        with pytest.raises(CacheKeyError, match="cache_key"):
            describe(opaque, "t")
