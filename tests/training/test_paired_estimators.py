"""What the estimator base gives both trainers: modality keys, roles chosen on
the estimator, probabilities, skorch registration, loading, seeds."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from quick_fit import FAST
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Checkpoint, LoadInitState
from skorch.helper import SliceDict

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier
from cmcrd_plugin.training.unlabeled import unlabeled_batches

ONE_EPOCH = {**FAST, "max_epochs": 1}


@pytest.fixture(scope="module")
def teacher(data):
    torch.manual_seed(0)
    return TeacherClassifier(CMCRDMLP, **ONE_EPOCH).fit(data["eye"], data["y"])


def student(teacher, **kwargs):
    params = {**ONE_EPOCH, "distiller__n_negatives": 64, **kwargs}
    return CMCRDClassifier(CMCRDMLP, teacher=teacher.module_, **params)


def test_predict_proba_returns_probabilities(data, teacher):
    net = student(teacher).fit(data["X"], data["y"])
    for estimator, x in ((net, data["eeg"]), (teacher, data["eye"])):
        proba = estimator.predict_proba(x)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
        assert proba.min() >= 0
        logits = estimator.forward(x).numpy()
        np.testing.assert_allclose(
            proba, torch.softmax(torch.as_tensor(logits), 1).numpy(), rtol=1e-5
        )


@pytest.mark.parametrize("scoring", ["roc_auc_ovr", "neg_log_loss"])
def test_sklearn_probability_scorers_in_grid_search(data, teacher, scoring):
    search = GridSearchCV(
        student(teacher), {"beta": [0.0, 0.02]}, cv=2, refit=False, scoring=scoring
    )
    search.fit(data["X"], data["y"])
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    search = GridSearchCV(
        TeacherClassifier(CMCRDMLP, **ONE_EPOCH),
        {"mcc_weight": [0.0, 1.0]},
        cv=2,
        refit=False,
        scoring=scoring,
    )
    search.fit(SliceDict(eeg=data["eeg"], eye=data["eye"]), data["y"])
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_predict_takes_the_modality_alone_or_paired_data(data, teacher):
    net = student(teacher).fit(data["X"], data["y"])
    np.testing.assert_array_equal(net.predict(data["eeg"]), net.predict(data["X"]))
    np.testing.assert_array_equal(
        teacher.predict(data["eye"]), teacher.predict({"eye": data["eye"]})
    )
    with pytest.raises(KeyError, match=r"student_key='eeg'.*got \['eye'\]"):
        net.predict({"eye": data["eye"]})
    with pytest.raises(ValueError, match=r"student_key='eeg'.*\(62, 5\).*\(33, 1\)"):
        net.predict(data["eye"])  # the other modality's array


def test_teacher_fits_on_paired_data_reading_its_key(data):
    torch.manual_seed(3)
    alone = TeacherClassifier(CMCRDMLP, **ONE_EPOCH).fit(data["eye"], data["y"])
    torch.manual_seed(3)
    paired = TeacherClassifier(CMCRDMLP, **ONE_EPOCH).fit(data["X"], data["y"])
    for a, b in zip(
        alone.module_.parameters(), paired.module_.parameters(), strict=True
    ):
        torch.testing.assert_close(a, b)
    eeg_teacher = TeacherClassifier(CMCRDMLP, teacher_key="eeg", **ONE_EPOCH)
    eeg_teacher.fit(data["X"], data["y"])
    assert (eeg_teacher.module_.n_chans, eeg_teacher.module_.n_times) == (62, 5)
    with pytest.raises(KeyError, match="teacher_key='eye'"):
        TeacherClassifier(CMCRDMLP, **ONE_EPOCH).fit({"eeg": data["eeg"]}, data["y"])


def test_the_same_key_for_both_roles_is_refused(data, teacher):
    with pytest.raises(ValueError, match="both 'eye'"):
        student(teacher, student_key="eye").fit(data["X"], data["y"])


def test_roles_swap_on_the_estimator(data):
    """An eye student from an EEG teacher, on the same paired data."""
    torch.manual_seed(0)
    eeg_teacher = TeacherClassifier(CMCRDMLP, teacher_key="eeg", **ONE_EPOCH)
    eeg_teacher.fit(data["X"], data["y"])
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=eeg_teacher.module_,
        student_key="eye",
        teacher_key="eeg",
        distiller__n_negatives=64,
        **ONE_EPOCH,
    ).fit(data["X"], data["y"])
    assert (net.module_.n_chans, net.module_.n_times) == (33, 1)
    assert net.distiller_.embed_t.in_features == 16  # the EEG teacher's feature
    assert net.predict(data["eye"]).shape == data["y"].shape


def test_a_saved_student_predicts_without_its_teacher(data, teacher, tmp_path):
    net = student(teacher).fit(data["X"], data["y"])
    net.save_params(f_params=tmp_path / "student.pt")
    loaded = CMCRDClassifier(
        CMCRDMLP,
        module__n_chans=62,
        module__n_times=5,
        module__n_outputs=5,
        module__hidden_size=16,
    ).initialize()
    assert loaded.teacher_ is None
    loaded.load_params(f_params=tmp_path / "student.pt")
    np.testing.assert_allclose(
        loaded.predict_proba(data["eeg"]), net.predict_proba(data["eeg"]), rtol=1e-6
    )
    with pytest.raises(ValueError, match="needs teacher="):
        loaded.partial_fit(data["X"], data["y"])


def test_teacher_and_distiller_are_registered_skorch_modules(data, teacher):
    net = student(teacher).fit(data["X"], data["y"])
    assert {"module", "teacher", "distiller"} <= set(net._modules)
    assert {"teacher_", "distiller_"} <= set(net.cuda_dependent_attributes_)
    assert net._criteria == ["criterion"]
    assert net.get_params()["teacher"] is teacher.module_
    # a net trained with device="cuda" unpickles on a machine without CUDA:
    # skorch maps every registered module's tensors to the CPU
    if not torch.cuda.is_available():
        net.device = "cuda"
        with pytest.warns(UserWarning, match="no CUDA devices"):
            restored = pickle.loads(pickle.dumps(net))
        assert str(restored.device) == "cpu"
        assert next(restored.teacher_.parameters()).device.type == "cpu"
        torch.testing.assert_close(
            restored.distiller_.memory_s, net.distiller_.memory_s
        )
        net.device = "cpu"
    # a new teacher through set_params re-creates the frozen copy
    other = TeacherClassifier(CMCRDMLP, **ONE_EPOCH).fit(data["eye"], data["y"])
    net.set_params(teacher=other.module_)
    assert net.teacher_ is not other.module_
    torch.testing.assert_close(
        net.teacher_.final_layer.weight, other.module_.final_layer.weight
    )


def test_resuming_without_the_distiller_state_warns(data, teacher, tmp_path):
    checkpoint = Checkpoint(dirname=str(tmp_path), monitor=None)  # no f_distiller
    net = student(teacher, callbacks=[checkpoint]).fit(data["X"], data["y"])
    assert net.distiller_.n_data > 0
    resumed = student(teacher, callbacks=[LoadInitState(checkpoint)])
    with pytest.warns(UserWarning, match="without f_distiller"):
        resumed.fit(data["X"], data["y"])
    files = {"f_params": tmp_path / "params.pt", "f_optimizer": tmp_path / "opt.pt"}
    net.save_params(**files, f_distiller=tmp_path / "distiller.pt")
    fresh = student(teacher, module__n_chans=62, module__n_times=5, module__n_outputs=5)
    fresh.initialize()
    with pytest.warns(UserWarning, match="without f_distiller"):
        fresh.load_params(**files)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh.load_params(**files, f_distiller=tmp_path / "distiller.pt")


def test_mcc_batches_follow_the_torch_seed():
    X = np.arange(40, dtype=np.float32)[:, None]

    def order(seed):
        torch.manual_seed(seed)
        batches = unlabeled_batches(X, 8)
        return [batches.next()[:, 0].tolist() for _ in range(5)]

    assert order(1) == order(1) != order(2)
    torch.manual_seed(4)
    unlabeled_batches(X, 8)
    after = torch.rand(3)
    torch.manual_seed(4)
    torch.testing.assert_close(after, torch.rand(3))  # the global stream is untouched


def test_no_registry_lookup_during_training(data, teacher, monkeypatch):
    import cmcrd_plugin

    shape = dict(module__n_chans=62, module__n_times=5, module__n_outputs=5)
    net = student(teacher, **shape).initialize()

    def refuse(name):
        raise AssertionError(f"registry consulted for {name!r} after initialize")

    monkeypatch.setattr(cmcrd_plugin, "get_loss", refuse)
    net.partial_fit(data["X"], data["y"])
    assert len(net.history) == 1


def test_accelerate_mixin_is_refused_with_what_to_use_instead():
    from skorch.hf import AccelerateMixin

    class AcceleratedCMCRD(AccelerateMixin, CMCRDClassifier):
        pass

    sizes = dict(module__n_chans=62, module__n_times=5, module__n_outputs=5)
    net = AcceleratedCMCRD(CMCRDMLP, accelerator=object(), **sizes)
    with pytest.raises(TypeError, match="AccelerateMixin is not supported.*Trainer"):
        net.initialize()
