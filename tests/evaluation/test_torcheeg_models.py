"""TorchEEG's models in the grid: built, laid out, distilled, trained natively."""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from cmcrd_plugin.evaluation import torcheeg_models
from cmcrd_plugin.evaluation.architectures import expand, survey
from cmcrd_plugin.harness.config import load_config
from cmcrd_plugin.harness.runner import run_benchmark


@pytest.mark.skipif(
    importlib.util.find_spec("torch_scatter") is not None,
    reason="pins TorchEEG 1.1.3 without torch_scatter installed",
)
def test_upstream_torcheeg_models_need_torch_scatter_and_load_without_it():
    plain = subprocess.run(
        [sys.executable, "-c", "import torcheeg.models"], capture_output=True, text=True
    )
    assert plain.returncode != 0 and "torch_scatter" in plain.stderr
    models = torcheeg_models.torcheeg_models()
    assert {"DGCNN", "CCNN", "EEGNet"} <= set(dir(models))
    assert importlib.util.find_spec("torch_scatter") is None  # no stand-in left


def test_the_token_names_every_model_and_the_survey_says_why_one_is_skipped():
    assert expand(("torcheeg", "mlp")) == [*torcheeg_models.names(), "mlp"]
    built, skipped = survey(
        ("torcheeg.DGCNN", "torcheeg.CCNN", "torcheeg.EEGNet"), 62, 5, 3
    )
    assert built == ["torcheeg.DGCNN", "torcheeg.CCNN"]
    assert skipped[0]["arch"] == "torcheeg.EEGNet" and "size" in skipped[0]["reason"]
    with pytest.raises(ValueError, match="torcheeg.DGCNN"):
        torcheeg_models.spec("torcheeg.NoSuchNet")


def test_grid_layout_puts_each_electrode_at_its_seed_position():
    from torcheeg.datasets.constants import SEED_CHANNEL_LOCATION_DICT

    from cmcrd_plugin.data.channels import SEED_CHANNELS

    windows = np.random.default_rng(0).normal(size=(3, 62, 5)).astype(np.float32)
    grid = torcheeg_models.lay_out("torcheeg.CCNN", windows)
    assert grid.shape == (3, 5, 9, 9) and grid.dtype == np.float32
    for i, name in enumerate(SEED_CHANNELS):
        row, col = SEED_CHANNEL_LOCATION_DICT[name]
        np.testing.assert_array_equal(grid[:, :, row, col], windows[:, i])
    assert np.count_nonzero(grid[0, 0]) == 62  # the other grid cells stay empty
    assert torcheeg_models.lay_out("torcheeg.EEGNet", windows).shape == (3, 1, 62, 5)
    with pytest.raises(ValueError, match="62 SEED electrodes"):
        torcheeg_models.lay_out("torcheeg.CCNN", windows[:, :10])


def test_torcheeg_students_and_their_native_trainer_in_a_tiny_grid(tmp_path):
    config = load_config(
        "quick",
        output=tmp_path,
        subjects=(1,),
        scenarios=("default",),
        archs=("torcheeg.DGCNN", "mlp"),
        methods=("eeg_only", "torcheeg_trainer", "cmcrd", "cmcrd_trainer"),
        epochs=1,
        window_fraction=0.25,
        jobs=1,
    )
    table = run_benchmark(config, progress=False)
    assert (table["status"] == "ok").all(), table["error"].unique()
    cells = table.groupby(["arch", "method"]).size()
    assert ("mlp", "torcheeg_trainer") not in cells  # TorchEEG architectures only
    assert cells[("torcheeg.DGCNN", "torcheeg_trainer")] == 2 * 3
    assert cells[("torcheeg.DGCNN", "cmcrd")] == 2 * 3
    assert cells[("torcheeg.DGCNN", "cmcrd_trainer")] == 2 * 3
    for method in ("torcheeg_trainer", "cmcrd_trainer"):
        native = table[table["method"] == method].pivot(
            index="fold", columns="selection", values="accuracy"
        )
        # one epoch: the best validation epoch is the last one
        np.testing.assert_allclose(native["validation"], native["last_epoch"])
        assert native.gt(0).all().all()
