import torch
from braindecode import EEGClassifier
from quick_fit import FAST

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import TeacherClassifier

SHAPE = dict(module__n_chans=33, module__n_times=1, module__n_outputs=5)


def _saved(net, tmp_path):
    files = {f"f_{p}": tmp_path / f"{p}.pt" for p in ("params", "optimizer")}
    net.save_params(**files)
    return files


def test_partial_fit_after_load_params_trains_the_loaded_teacher(data, tmp_path):
    net = TeacherClassifier(CMCRDMLP, **FAST).fit(data["eye"], data["y"])
    files = _saved(net, tmp_path)
    resumed = TeacherClassifier(CMCRDMLP, **FAST, **SHAPE).initialize()
    resumed.load_params(**files)
    module, optimizer = resumed.module_, resumed.optimizer_
    for a, b in zip(module.parameters(), net.module_.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    resumed.partial_fit(data["eye"], data["y"])
    assert resumed.module_ is module and resumed.optimizer_ is optimizer


def test_plain_eegclassifier_would_have_started_afresh(data, tmp_path):
    """The braindecode behaviour KeepInitializedNet corrects (if this starts to
    fail, braindecode fixed it and the mixin can go)."""
    settings = {k: v for k, v in FAST.items() if not k.startswith("module__")}
    eye = data["eye"][:, :, None]  # plain braindecode reads (n, n_chans, n_times)
    net = EEGClassifier(CMCRDMLP, **settings).fit(eye, data["y"])
    files = _saved(net, tmp_path)
    plain = EEGClassifier(CMCRDMLP, **settings, **SHAPE).initialize()
    plain.load_params(**files)
    module = plain.module_
    plain.partial_fit(eye, data["y"])
    assert plain.module_ is not module


def test_weights_set_by_hand_after_initialize_are_trained_on(data):
    """Pre-trained weights put into the module, then partial_fit: kept."""
    net = TeacherClassifier(CMCRDMLP, **FAST, **SHAPE).initialize()
    with torch.no_grad():
        net.module_.final_layer.bias.fill_(7.0)
    module = net.module_
    net.set_params(lr=0.0)  # no update: what was set stays visible
    net.partial_fit(data["eye"], data["y"])
    assert net.module_ is module
    torch.testing.assert_close(module.final_layer.bias, torch.full((5,), 7.0))
