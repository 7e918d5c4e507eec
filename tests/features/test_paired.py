import mne
import numpy as np
import pytest
from eye_recordings import annotate, blank, make_eye_raw

from cmcrd_plugin.data import load_paired_npz, write_paired_npz
from cmcrd_plugin.features import (
    EYE_FEATURE_NAMES,
    MissingEyeDataWarning,
    paired_from_epochs,
    paired_from_raw,
)

SFREQ = 200.0
SECONDS = 48.0


def recording(pupil=1000.0):
    """4 EEG channels (channel 1 with alpha) + two eyes; trials at 0, 16, 32 s."""
    rng = np.random.default_rng(0)
    t = np.arange(int(SECONDS * SFREQ)) / SFREQ
    eeg = rng.normal(scale=5e-6, size=(4, len(t)))
    eeg[1] += 20e-6 * np.sin(2 * np.pi * 10 * t)
    raw = make_eye_raw(SECONDS, sfreq=SFREQ, eeg=eeg, pupil=pupil)
    raw.set_annotations(
        mne.Annotations([0.0, 16.0, 32.0], [12.0] * 3, ["happy", "sad", "happy"])
    )
    return annotate(raw, [(1.0, 0.3, "fixation"), (17.0, 0.2, "BAD_blink")])


def test_raw_and_events_to_paired_windows_round_trip(tmp_path):
    raw = recording()
    events, event_id = mne.events_from_annotations(raw, verbose=False)
    result = paired_from_raw(
        raw,
        events,
        {"happy": 1, "sad": 0},
        event_id=event_id,
        trial_duration=12.0,
        subject=7,
        session=1,
    )
    windows = result.windows
    assert len(windows) == 9 and result.n_dropped == 0
    assert windows.eeg.shape == (9, 4, 5) and windows.eeg.dtype == np.float32
    assert windows.eye.shape == (9, len(EYE_FEATURE_NAMES))
    assert windows.label.tolist() == [1] * 3 + [0] * 3 + [1] * 3
    assert windows.trial.tolist() == [0] * 3 + [1] * 3 + [2] * 3
    assert windows.window.tolist() == [0, 1, 2] * 3
    assert (windows.subject == 7).all() and (windows.session == 1).all()
    assert (windows.eeg[:, 1, 2] > windows.eeg[:, 0, 2] + 1).all()  # alpha
    assert np.isfinite(windows.eeg).all() and np.isfinite(windows.eye).all()
    back = load_paired_npz(write_paired_npz(tmp_path / "s7.npz", windows))
    for name in ("eeg", "eye", "label", "subject", "session", "trial", "window"):
        np.testing.assert_array_equal(getattr(back, name), getattr(windows, name))


def test_dropped_windows_leave_both_modalities():
    raw = recording()
    blank(raw, 20.0, 23.0)  # trial 1, window 1: 75 % of the eye samples
    events, event_id = mne.events_from_annotations(raw, verbose=False)
    with pytest.warns(MissingEyeDataWarning):
        result = paired_from_raw(
            raw, events, {"happy": 1, "sad": 0}, event_id=event_id, trial_duration=12
        )
    assert result.n_dropped == 1 and len(result.windows) == 8
    assert len(result.windows.eeg) == len(result.windows.eye) == 8
    assert result.windows.window.tolist() == [0, 1, 2, 0, 2, 0, 1, 2]


def test_epochs_to_paired_windows_with_codes_and_trials():
    raw = recording()
    event_id = {"happy": 1, "sad": 2}
    events, _ = mne.events_from_annotations(
        raw, event_id, chunk_duration=4.0, verbose=False
    )
    epochs = mne.Epochs(
        raw,
        events,
        event_id,
        tmin=0.0,
        tmax=4.0 - 1 / SFREQ,
        baseline=None,
        preload=True,
        reject_by_annotation=False,
        verbose=False,
    )
    labels = {event_id["happy"]: 1, event_id["sad"]: 0}  # keyed by code
    trial = np.repeat([0, 1, 2], 3)
    result = paired_from_epochs(epochs, labels, trial=trial, subject=2)
    windows = result.windows
    assert windows.eeg.shape == (9, 4, 5)
    assert windows.label.tolist() == [1] * 3 + [0] * 3 + [1] * 3
    assert windows.window.tolist() == [0, 1, 2] * 3
    assert np.isfinite(windows.eye).all()
    one_trial_each = paired_from_epochs(epochs, {"happy": 1, "sad": 0}).windows
    assert one_trial_each.trial.tolist() == list(range(9))
    only_sad = paired_from_epochs(epochs, {"sad": 0}).windows
    assert len(only_sad) == 3
    with pytest.raises(ValueError, match="no epoch"):
        paired_from_epochs(epochs, {"angry": 2})


def test_class_difference_in_pupil_reaches_the_paired_eye_features():
    events = np.array([[0, 0, 1]])
    low = paired_from_raw(recording(900.0), events, {1: 0}, trial_duration=12.0)
    high = paired_from_raw(recording(1300.0), events, {1: 1}, trial_duration=12.0)
    column = EYE_FEATURE_NAMES.index("pupil_mean")
    assert (high.windows.eye[:, column] - low.windows.eye[:, column]).min() > 350


def test_a_synthetic_eeg_and_eyelink_session_becomes_a_paired_npz(tmp_path):
    """The whole path of one's own recordings: two files, paired on their
    shared events, windows of features, the generic .npz the commands read."""
    import mne

    from cmcrd_plugin.data import load_paired_npz, write_paired_npz
    from cmcrd_plugin.data.recordings import pair_recordings, read_eeg, read_eye
    from cmcrd_plugin.features.paired import paired_from_raw
    from cmcrd_plugin.synthetic import write_recordings

    files = write_recordings(tmp_path / "rec", n_trials=3, trial_seconds=12, seed=3)
    raw = pair_recordings(read_eeg(files.eeg), read_eye(files.eye))
    starts = {f"trial_start/{k + 1}": k for k in range(3)}
    events, event_id = mne.events_from_annotations(raw, starts, verbose="error")
    trial_labels = {name: int(files.labels[k]) for name, k in starts.items()}
    paired = paired_from_raw(
        raw, events, trial_labels, trial_duration=12.0, event_id=event_id, subject=1
    )
    windows = paired.windows
    assert len(windows) == 3 * 3 - paired.n_dropped  # three 4-s windows per trial
    assert windows.eeg.shape[1:] == (raw.get_channel_types().count("eeg"), 5)
    path = write_paired_npz(tmp_path / "own" / "sub-01.npz", windows)
    again = load_paired_npz(path)
    assert (again.label == windows.label).all()
