"""A third-party package adds a distiller through an entry point, end to end."""

import pickle
import textwrap

import numpy as np
import pytest
import torch
from quick_fit import FAST
from sklearn.base import clone
from skorch.callbacks import Checkpoint, LoadInitState

import cmcrd_plugin
from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

PLUGIN = """
import torch
from torch import nn

from cmcrd_plugin.losses.base import Distiller
from cmcrd_plugin.registry import hookimpl


class CentreDistiller(Distiller):
    '''Pull projected student features to running class centres of the teacher.'''

    default_weight = 0.5

    def __init__(self, student_dim, teacher_dim, momentum=0.9):
        super().__init__(student_dim, teacher_dim)
        self.momentum = momentum
        self.proj = nn.Linear(student_dim, teacher_dim)
        self.register_buffer("centres", torch.zeros(0, teacher_dim))

    def set_training_labels(self, labels):
        super().set_training_labels(labels)
        self.centres = torch.zeros(int(labels.max()) + 1, self.teacher_dim)

    def forward(self, f_s, f_t, logits_s, logits_t, y, index):
        loss = ((self.proj(f_s) - self.centres[y]) ** 2).mean()
        if self.training:
            with torch.no_grad():
                sums = torch.zeros_like(self.centres).index_add_(0, y, f_t)
                counts = torch.bincount(y, minlength=len(self.centres))
                seen = counts > 0
                means = sums[seen] / counts[seen, None]
                m = self.momentum
                self.centres[seen] = m * self.centres[seen] + (1 - m) * means
        return loss


@hookimpl
def cmcrd_losses():
    return {"centre": CentreDistiller}
"""


@pytest.fixture
def centre_plugin(tmp_path, monkeypatch):
    pkg = tmp_path / "site"
    pkg.mkdir()
    (pkg / "centre_distiller.py").write_text(textwrap.dedent(PLUGIN))
    info = pkg / "centre_distiller-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: centre-distiller\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[cmcrd_plugin]\ncentre = centre_distiller\n"
    )
    monkeypatch.syspath_prepend(str(pkg))
    cmcrd_plugin.get_registry(reload=True)
    yield
    monkeypatch.undo()
    cmcrd_plugin.get_registry(reload=True)


def test_third_party_distiller_by_name_clone_pickle_and_resume(
    centre_plugin, data, tmp_path
):
    X, y = data["X"], data["y"]
    teacher = TeacherClassifier(CMCRDMLP, **FAST).fit(X["eye"], y).module_
    assert cmcrd_plugin.get_registry().component("loss", "centre").distribution == (
        "centre-distiller"
    )

    checkpoint = Checkpoint(dirname=str(tmp_path), monitor=None, f_distiller="d.pt")
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=teacher,
        distiller="centre",
        distiller__momentum=0.5,
        callbacks=[("ckpt", checkpoint)],
        **FAST,
    )
    assert net.distill_weight == 0.5  # the plugin's default weight
    net.fit(X, y)
    assert type(net.distiller_).__name__ == "CentreDistiller"
    assert net.distiller_.momentum == 0.5 and net.distiller_.centres.abs().sum() > 0
    assert {id(p) for p in net.distiller_.parameters()} <= {
        id(p) for g in net.optimizer_.param_groups for p in g["params"]
    }

    cloned = clone(net)
    assert (
        cloned.distiller == "centre"
        and cloned.get_params()["distiller__momentum"] == 0.5
    )

    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_allclose(
        restored.predict_proba(X["eeg"]), net.predict_proba(X["eeg"]), rtol=1e-6
    )
    torch.testing.assert_close(restored.distiller_.centres, net.distiller_.centres)

    resumed = CMCRDClassifier(
        CMCRDMLP,
        teacher=teacher,
        distiller="centre",
        distiller__momentum=0.5,
        callbacks=[("load", LoadInitState(checkpoint))],
        **{**FAST, "max_epochs": 0},
    )
    resumed.fit(X, y)  # zero epochs: only the state is loaded
    torch.testing.assert_close(resumed.distiller_.centres, net.distiller_.centres)
    torch.testing.assert_close(
        resumed.distiller_.proj.weight, net.distiller_.proj.weight
    )
