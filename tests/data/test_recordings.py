"""Two recordings of one session, EEG and eye tracker, paired on shared events."""

import mne
import numpy as np
import pytest

from cmcrd_plugin.data.recordings import (
    MISSING,
    RecordingError,
    mark_missing,
    pair_recordings,
    read_eeg,
    read_eye,
    shared_event_times,
)

TRIGGERS = [2.0 + 7.0 * k for k in range(8)]  # trial onsets in the EEG's clock


def eeg_recording(sfreq=200.0, seconds=60.0):
    info = mne.create_info(["Fz", "Cz", "Pz"], sfreq, "eeg")
    n = int(seconds * sfreq)
    data = np.random.default_rng(0).normal(scale=1e-5, size=(3, n))
    raw = mne.io.RawArray(data, info, verbose="error")
    raw.set_annotations(
        mne.Annotations(
            TRIGGERS, [0.0] * len(TRIGGERS), [f"trial{k % 4}" for k in range(8)]
        )
    )
    return raw


def eye_recording(sfreq=500.0, seconds=62.0, offset=1.3, drift=1e-4, blink=None):
    """An eye tracker that started ``offset`` s before the EEG, its clock
    running ``drift`` faster; pupil = 4 + 0.1 * EEG time (a known ramp)."""
    info = mne.create_info(
        ["xpos_left", "ypos_left", "pupil_left"],
        sfreq,
        ["eyegaze", "eyegaze", "pupil"],
    )
    n = int(seconds * sfreq)
    t_eye = np.arange(n) / sfreq
    t_eeg = t_eye / (1 + drift) - offset  # the EEG's time of each eye sample
    data = np.vstack([np.full(n, 500.0), np.full(n, 300.0), 4 + 0.1 * t_eeg])
    raw = mne.io.RawArray(data, info, verbose="error")
    onsets = [(t + offset) * (1 + drift) for t in TRIGGERS]
    raw.set_annotations(
        mne.Annotations(onsets, [0.0] * 8, [f"trial{k % 4}" for k in range(8)])
    )
    return raw


def test_the_eye_tracker_is_brought_onto_the_eegs_clock():
    eeg, eye = eeg_recording(), eye_recording()
    paired = pair_recordings(eeg, eye)
    assert paired.info["sfreq"] == 200.0
    assert paired.get_channel_types() == ["eeg"] * 3 + ["eyegaze"] * 2 + ["pupil"]
    pupil = paired.get_data(picks="pupil_left")[0]
    expected = 4 + 0.1 * paired.times  # the ramp, in the EEG's time
    middle = slice(200, -200)
    assert np.abs(pupil[middle] - expected[middle]).max() < 2e-3
    trials = [a for a in paired.annotations if a["description"] == "trial0"]
    assert len(trials) == 2  # the shared events once, as the EEG has them
    assert len(eye.times) == int(62 * 500)  # the inputs are not changed


def test_blinks_are_interpolated_and_tracking_loss_is_marked():
    eye = eye_recording()
    eye.load_data()
    data = eye.get_data()
    data[:, 5000:5100] = np.nan  # a blink: 0.2 s
    data[:, 20000:20500] = np.nan  # tracking lost: 1 s, no blink event
    eye = mne.io.RawArray(data, eye.info, verbose="error").set_annotations(
        eye.annotations
    )
    # as MNE's EyeLink reader writes a blink: naming the eye's channels
    eye.annotations.append(5000 / 500, 100 / 500, "BAD_blink", ch_names=[eye.ch_names])
    paired = pair_recordings(eeg_recording(), eye)
    assert np.isfinite(paired.get_data()).all()  # NaN never reaches a model
    missing = [a for a in paired.annotations if a["description"] == MISSING]
    assert len(missing) == 1 and missing[0]["duration"] == pytest.approx(1.0, 0.01)
    assert "blink" in paired.annotations.description  # MNE renames BAD_blink


def test_recordings_without_shared_events_or_eye_channels_are_refused():
    eeg, eye = eeg_recording(), eye_recording()
    eye.set_annotations(mne.Annotations([1.0], [0.0], ["other"]))
    with pytest.raises(RecordingError, match="share no events to align them on"):
        pair_recordings(eeg, eye, where=("a.fif", "b.asc"))
    with pytest.raises(RecordingError, match="b.asc: no eye-tracking channels"):
        pair_recordings(eeg, eeg_recording(), where=("a.fif", "b.asc"))
    eye = eye_recording()
    eye.annotations.delete(0)
    with pytest.raises(RecordingError, match="'trial0' occurs 2 times in a.fif"):
        shared_event_times(eeg, eye, where=("a.fif", "b.asc"))


def test_an_all_missing_eye_channel_is_refused():
    eye = eye_recording()
    eye.load_data()
    data = eye.get_data()
    data[2] = np.nan
    eye = mne.io.RawArray(data, eye.info, verbose="error")
    with pytest.raises(RecordingError, match="pupil_left.*no valid sample"):
        mark_missing(eye)


def test_files_are_read_by_mne_and_named_in_errors(tmp_path):
    path = tmp_path / "eeg_raw.fif"
    eeg_recording().save(path, verbose="error")
    assert read_eeg(path).get_channel_types() == ["eeg"] * 3
    with pytest.raises(RecordingError, match="eeg_raw.fif: no eye-tracking channels"):
        read_eye(path)
    eye_path = tmp_path / "eye_raw.fif"
    eye_recording().save(eye_path, verbose="error")
    assert "pupil" in read_eye(eye_path).get_channel_types()
    with pytest.raises(RecordingError, match="eye_raw.fif: no EEG channels"):
        read_eeg(eye_path)
    bad = tmp_path / "broken.asc"
    bad.write_text("not an EyeLink file\n")
    with pytest.raises(RecordingError, match="broken.asc: not an eye-tracker"):
        read_eye(bad)


def test_the_synthetic_eeg_and_eyelink_files_pair(tmp_path):
    from collections import Counter

    from cmcrd_plugin.synthetic import write_recordings

    files = write_recordings(tmp_path, n_trials=3, trial_seconds=10, seed=2)
    eeg, eye = read_eeg(files.eeg), read_eye(files.eye)
    paired = pair_recordings(eeg, eye, where=(str(files.eeg), str(files.eye)))
    assert paired.info["sfreq"] == eeg.info["sfreq"]
    assert {"eeg", "eyegaze", "pupil"} <= set(paired.get_channel_types())
    assert np.isfinite(paired.get_data()).all()
    counts = Counter(paired.annotations.description)
    assert counts["trial_start/1"] == 1  # the shared events once
    assert counts["blink"] > 0 and counts["fixation"] > 0
    # the trial onsets are where the EEG has them
    eeg_onsets = [a["onset"] for a in eeg.annotations if a["description"] == "sync"]
    paired_onsets = [
        a["onset"] for a in paired.annotations if a["description"] == "sync"
    ]
    assert np.allclose(eeg_onsets[: len(paired_onsets)], paired_onsets)
