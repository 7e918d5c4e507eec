import json

import numpy as np
import pytest
import torch
from torch import nn

from cmcrd_plugin.data.normalization import FeatureScaler
from cmcrd_plugin.evaluation.saved_models import (
    SavedModelError,
    load_models,
    save_models,
    settings_path,
)


def _saved(tmp_path, kind="teacher"):
    torch.manual_seed(0)
    models = {"a": nn.Linear(3, 2), "b": nn.Linear(3, 2)}
    rng = np.random.default_rng(0)
    scalers = {k: FeatureScaler().fit(rng.normal(size=(10, 3))) for k in models}
    settings = {"kind": kind, "models": {"a": {"n": 1}, "b": {"n": 2}}}
    path = save_models(
        tmp_path / "m.pt",
        {k: m.state_dict() for k, m in models.items()},
        scalers,
        settings,
    )
    return path, models, scalers, settings


def test_saved_models_round_trip(tmp_path):
    path, models, scalers, settings = _saved(tmp_path)
    assert settings_path(path) == tmp_path / "m.json"
    saved = load_models(path, "teacher")
    assert saved.settings == settings
    for key, model in models.items():
        for name, value in model.state_dict().items():
            torch.testing.assert_close(saved.states[key][name], value)
        x = np.ones((2, 3))
        np.testing.assert_allclose(
            saved.scalers[key].transform(x), scalers[key].transform(x)
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.pt"]


def test_load_models_refuses_the_other_kind_and_damaged_files(tmp_path):
    path, *_ = _saved(tmp_path)
    with pytest.raises(SavedModelError, match="a saved 'teacher', not a 'student'"):
        load_models(path, "student")
    sidecar = settings_path(path)
    text = sidecar.read_text()
    sidecar.write_text(json.dumps({"kind": "teacher", "models": {"a": {}}}))
    with pytest.raises(SavedModelError, match=r"holds models \['a', 'b'\], m.json"):
        load_models(path, "teacher")
    sidecar.write_text("{")
    with pytest.raises(SavedModelError, match="m.json: not a settings file"):
        load_models(path, "teacher")
    sidecar.write_text(text)
    with pytest.raises(SavedModelError, match="the settings of a saved teacher; give"):
        load_models(sidecar, "teacher")  # the .json instead of the .pt
    path.write_bytes(b"not a torch file")
    with pytest.raises(SavedModelError, match="m.pt: not a saved teacher") as error:
        load_models(path, "teacher")
    assert "\n" not in str(error.value)  # torch's advice is several lines
    path.unlink()
    with pytest.raises(SavedModelError, match="m.pt: no such file"):
        load_models(path, "teacher")
