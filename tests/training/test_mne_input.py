"""An mne.Epochs holding EEG and eye-tracking channels, as braindecode takes
Epochs: each model reads its modality's channels and is sized from them."""

import mne
import numpy as np
import pytest
from braindecode.models import ShallowFBCSPNet

from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

SETTINGS = dict(max_epochs=2, batch_size=8, train_split=None, verbose=0)


@pytest.fixture(scope="module")
def epochs():
    """40 two-second epochs at 100 Hz: 4 EEG, 2 gaze and 1 pupil channels;
    the pupil level and the EEG amplitude carry the class."""
    rng = np.random.default_rng(0)
    n, sfreq, n_times = 40, 100.0, 200
    y = np.arange(n) % 2
    eeg = rng.normal(size=(n, 4, n_times)) * (1 + y[:, None, None]) * 1e-5
    gaze = rng.normal(500, 20, size=(n, 2, n_times))
    pupil = (1000 + 200 * y[:, None, None]) + rng.normal(size=(n, 1, n_times))
    info = mne.create_info(
        ["C3", "C4", "Cz", "Pz", "xpos_left", "ypos_left", "pupil_left"],
        sfreq,
        ["eeg"] * 4 + ["eyegaze"] * 2 + ["pupil"],
    )
    events = np.c_[np.arange(n) * n_times, np.zeros(n, int), y]
    data = np.concatenate([eeg, gaze, pupil], axis=1)
    return mne.EpochsArray(data, info, events=events, verbose="error"), y


def test_an_epochs_with_eeg_and_eye_channels_trains_a_teacher_and_a_student(epochs):
    epochs, y = epochs
    teacher = TeacherClassifier(
        ShallowFBCSPNet, teacher_key="eye", **SETTINGS, module__final_conv_length="auto"
    ).fit(epochs, y)
    assert teacher.module_.n_chans == 3  # sized from the eye channels
    assert [c["ch_name"] for c in teacher.module_.chs_info][-1] == "pupil_left"
    student = CMCRDClassifier(
        ShallowFBCSPNet,
        teacher=teacher.module_,
        **SETTINGS,
        module__final_conv_length="auto",
        distiller__n_negatives=10,
    ).fit(epochs, y)
    assert student.module_.n_chans == 4 and student.module_.sfreq == 100.0
    eeg_only = epochs.copy().pick("eeg")
    assert student.predict(eeg_only).shape == (len(y),)  # EEG only at test time
    assert 0 <= student.score(eeg_only, y) <= 1


def test_a_missing_modality_is_named_with_the_types_present(epochs):
    epochs, y = epochs
    net = TeacherClassifier(ShallowFBCSPNet, teacher_key="eye", **SETTINGS)
    with pytest.raises(ValueError, match="no channel of modality 'eye'.*'eeg'"):
        net.fit(epochs.copy().pick("eeg"), y)


def test_modalities_are_chosen_on_the_estimator(epochs):
    epochs, y = epochs
    net = TeacherClassifier(
        ShallowFBCSPNet,
        teacher_key="gaze",
        modalities={"gaze": ["eyegaze"], "eeg": ["eeg"]},
        **SETTINGS,
        module__final_conv_length="auto",
    ).fit(epochs, y)
    assert net.module_.n_chans == 2  # the gaze channels alone


def test_a_windows_dataset_of_a_raw_with_eeg_and_eye_channels(epochs):
    from braindecode.datasets import BaseConcatDataset, RawDataset
    from braindecode.preprocessing import create_windows_from_events

    epochs, y = epochs
    data = np.concatenate(list(epochs.get_data()), axis=1)  # 40 x 2 s, back to back
    raw = mne.io.RawArray(data, epochs.info, verbose="error")
    onsets = np.arange(len(y)) * 2.0
    raw.set_annotations(mne.Annotations(onsets, 2.0, [f"c{c}" for c in y]))
    dataset = BaseConcatDataset([RawDataset(raw, {"subject": 1})])
    windows = create_windows_from_events(
        dataset, mapping={"c0": 0, "c1": 1}, preload=True
    )
    teacher = TeacherClassifier(
        ShallowFBCSPNet, teacher_key="eye", **SETTINGS, module__final_conv_length="auto"
    ).fit(windows, None)  # the labels are the windows'
    assert teacher.module_.n_chans == 3
    student = CMCRDClassifier(
        ShallowFBCSPNet,
        teacher=teacher.module_,
        **SETTINGS,
        module__final_conv_length="auto",
        distiller__n_negatives=10,
    ).fit(windows, None)
    assert student.module_.n_chans == 4
    assert student.predict(windows).shape == (len(y),)
