"""The synthetic EEG + EyeLink session, read back with MNE's own readers."""

import sys
import warnings

import mne
import numpy as np
import pytest

from cmcrd_plugin.data.channels import SEED_CHANNELS
from cmcrd_plugin.synthetic import write_recordings
from cmcrd_plugin.synthetic.folder import SyntheticDataError
from cmcrd_plugin.synthetic.recordings import recording_paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SMALL = dict(n_trials=3, trial_seconds=12.0, eeg_sfreq=200.0, eye_sfreq=250)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A binocular session with a large drift (so that it is measurable)."""
    return write_recordings(
        tmp_path_factory.mktemp("rec"),
        clock_offset=1.25,
        clock_drift_ppm=800.0,
        **SMALL,
    )


def _read_eye(path):
    """``read_raw_eyelink``, failing on any warning MNE issues about the file
    (MNE's warnings are RuntimeWarnings; pandas' deprecations of MNE's calls
    are not about the file)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw = mne.io.read_raw_eyelink(path, verbose="error")
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    return raw


def _onsets(raw, prefix):
    ann = raw.annotations
    keep = np.array([d.startswith(prefix) for d in ann.description])
    return ann.onset[keep], ann.description[keep]


def test_eeg_reads_back_with_channels_triggers_and_positions(session):
    raw = mne.io.read_raw_fif(session.eeg, verbose="error")
    types = raw.get_channel_types()
    assert raw.ch_names[:62] == list(SEED_CHANNELS)
    assert types.count("eeg") == 62 and types[62] == "stim" and len(types) == 63
    assert raw.info["sfreq"] == 200.0
    assert "SYNTHETIC" in raw.info["description"]
    assert raw.get_montage() is not None
    assert not np.isnan(raw.get_montage().get_positions()["ch_pos"]["CB1"]).any()
    onsets, descriptions = _onsets(raw, "trial_start/")
    assert list(descriptions) == ["trial_start/1", "trial_start/2", "trial_start/3"]
    np.testing.assert_allclose(np.diff(onsets), 12.0 + 3.0)
    events = mne.find_events(raw, verbose="error")
    trial_events = events[events[:, 2] < 100]
    np.testing.assert_array_equal(trial_events[:, 2], [1, 2, 3])
    np.testing.assert_allclose(trial_events[:, 0] / 200.0, onsets)
    assert (events[:, 2] == 255).sum() > 20  # sync pulses


def test_eyelink_file_reads_back_with_gaze_pupil_and_ocular_events(session):
    raw = _read_eye(session.eye)
    assert raw.ch_names == [
        "xpos_left",
        "ypos_left",
        "pupil_left",
        "xpos_right",
        "ypos_right",
        "pupil_right",
    ]
    assert raw.get_channel_types() == ["eyegaze", "eyegaze", "pupil"] * 2
    assert raw.info["sfreq"] == 250
    descriptions = set(raw.annotations.description)
    assert {"BAD_blink", "fixation", "saccade", "sync"} <= descriptions
    assert {f"trial_start/{k}" for k in (1, 2, 3)} <= descriptions
    # each blink lies inside a saccade of the same eye, gaze missing, pupil 0
    ann = raw.annotations
    blinks = [a for a in ann if a["description"] == "BAD_blink"]
    saccades = [a for a in ann if a["description"] == "saccade"]
    assert blinks
    gaze, times = raw.get_data(picks="xpos_left", return_times=True)
    pupil = raw.get_data(picks="pupil_left")[0]
    for blink in blinks:
        assert any(
            s["onset"] < blink["onset"]
            and blink["onset"] + blink["duration"] < s["onset"] + s["duration"]
            and s["ch_names"] == blink["ch_names"]
            for s in saccades
        )
        end = blink["onset"] + blink["duration"] - 0.5 / 250  # last sample's time
        inside = (times > blink["onset"] - 1e-6) & (times < end)
        assert np.isnan(gaze[0, inside]).all() and (pupil[inside] == 0).all()
    outside = ~np.isnan(gaze[0])
    assert outside.mean() > 0.9 and (pupil[outside] > 500).all()


@pytest.mark.parametrize("eye", ["left", "right"])
def test_monocular_files_hold_one_eye(tmp_path, eye):
    rec = write_recordings(tmp_path, eye=eye, n_eeg_channels=8, **SMALL)
    raw = _read_eye(rec.eye)
    assert raw.ch_names == [f"xpos_{eye}", f"ypos_{eye}", f"pupil_{eye}"]
    assert "BAD_blink" in raw.annotations.description
    eeg = mne.io.read_raw_fif(rec.eeg, verbose="error")
    assert len(mne.pick_types(eeg.info, eeg=True)) == 8


def test_shared_triggers_recover_the_clock_offset_and_drift(session):
    eeg = mne.io.read_raw_fif(session.eeg, preload=True, verbose="error")
    eye = _read_eye(session.eye)
    t_eeg, d_eeg = _onsets(eeg, "")
    t_eye, d_eye = _onsets(eye, ("trial_", "sync"))
    assert list(d_eeg) == list(d_eye) and len(t_eeg) > 20
    slope, intercept = np.polyfit(t_eeg, t_eye, 1)
    assert slope - 1 == pytest.approx(800e-6, rel=0.05)
    assert intercept == pytest.approx(1.25, abs=2e-3)
    # MNE's realignment: the eye data resampled onto the EEG's clock
    mne.preprocessing.eyetracking.interpolate_blinks(eye, interpolate_gaze=True)
    mne.preprocessing.realign_raw(eeg, eye, t_eeg, t_eye, verbose="error")
    assert eye.info["sfreq"] == eeg.info["sfreq"]
    assert abs(eye.times[-1] - eeg.times[-1]) < 0.01
    realigned, _ = _onsets(eye, "trial_start/")
    eeg_onsets, _ = _onsets(eeg, "trial_start/")
    # 15 s between trials: 12 ms more on the eye tracker's clock before
    np.testing.assert_allclose(np.diff(realigned), np.diff(eeg_onsets), atol=1e-3)


def test_trials_file_maps_triggers_to_labels_and_settings(session):
    trials = tomllib.loads(session.trials.read_text())
    assert trials["synthetic"] is True
    assert trials["classes"] == ["negative", "neutral", "positive"]
    assert [t["label"] for t in trials["trials"]] == list(session.labels)
    assert [t["start"] for t in trials["trials"]] == [
        f"trial_start/{k}" for k in (1, 2, 3)
    ]
    assert trials["settings"]["clock_drift_ppm"] == 800.0
    assert sorted(session.labels) == [0, 1, 2]


def test_the_class_shows_in_pupil_and_eeg_band_power(tmp_path):
    rec = write_recordings(tmp_path, **{**SMALL, "n_trials": 6})
    eye = _read_eye(rec.eye)
    pupil = eye.get_data(picks="pupil_left")[0]
    eeg = mne.io.read_raw_fif(rec.eeg, preload=True, verbose="error")
    eeg_onsets, _ = _onsets(eeg, "trial_start/")
    eye_onsets, _ = _onsets(eye, "trial_start/")
    pupil_by_class = {0: [], 1: [], 2: []}
    alpha_by_class = {0: [], 1: [], 2: []}
    picks = mne.pick_channels(eeg.ch_names, ["O1", "OZ", "O2", "PZ"])
    for label, t_eye, t_eeg in zip(rec.labels, eye_onsets, eeg_onsets, strict=True):
        window = slice(int((t_eye + 2) * 250), int((t_eye + 11) * 250))
        values = pupil[window]
        pupil_by_class[label].append(values[values > 0].mean())
        x = eeg.get_data(picks=picks, tmin=t_eeg + 1, tmax=t_eeg + 11)
        psd, freqs = mne.time_frequency.psd_array_welch(
            x, 200.0, fmin=1, fmax=45, verbose="error"
        )
        alpha = psd[:, (freqs >= 8) & (freqs <= 13)].sum(1)
        alpha_by_class[label].append((alpha / psd.sum(1)).mean())
    fixations = eye.annotations[
        [
            d == "fixation" and "xpos_left" in c
            for d, c in zip(
                eye.annotations.description, eye.annotations.ch_names, strict=True
            )
        ]
    ]
    fixation_by_class = {0: [], 1: [], 2: []}
    for label, t_eye in zip(rec.labels, eye_onsets, strict=True):
        during = (fixations.onset > t_eye) & (fixations.onset < t_eye + 12)
        fixation_by_class[label].extend(fixations.duration[during])
    pupil_means = [np.mean(pupil_by_class[c]) for c in range(3)]
    alpha_means = [np.mean(alpha_by_class[c]) for c in range(3)]
    # negative > positive > neutral pupil; neutral has the most alpha
    assert pupil_means[0] > pupil_means[2] + 30 > pupil_means[1] + 60
    assert alpha_means[1] > max(alpha_means[0], alpha_means[2]) * 1.3
    # fixations are longest in neutral trials, shortest in negative ones
    assert np.mean(fixation_by_class[1]) > np.mean(fixation_by_class[0]) + 0.02


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    a = write_recordings(tmp_path / "a", seed=3, **SMALL)
    b = write_recordings(tmp_path / "b", seed=3, **SMALL)
    c = write_recordings(tmp_path / "c", seed=4, **SMALL)
    assert a.eye.read_bytes() == b.eye.read_bytes() != c.eye.read_bytes()
    assert a.trials.read_bytes() == b.trials.read_bytes()
    assert a.eeg.read_bytes() == b.eeg.read_bytes()
    eeg = [mne.io.read_raw_fif(r.eeg, verbose="error").get_data() for r in (a, b, c)]
    np.testing.assert_array_equal(eeg[0], eeg[1])
    assert not np.allclose(eeg[0], eeg[2])


def test_existing_files_are_refused_unless_overwrite(tmp_path):
    eeg, eye, trials = recording_paths(tmp_path, 2)
    eye.write_text("mine")
    with pytest.raises(SyntheticDataError, match="sub-02_eyetrack.asc"):
        write_recordings(tmp_path, subject=2, **SMALL)
    assert eye.read_text() == "mine" and not eeg.exists() and not trials.exists()
    rec = write_recordings(tmp_path, subject=2, overwrite=True, **SMALL)
    assert rec.eye == eye and eye.read_text().startswith("** CONVERTED FROM")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sub-02_eeg.fif",
        "sub-02_eyetrack.asc",
        "sub-02_trials.toml",
    ]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"eye": "both"}, "eye must be one of"),
        ({"eye_sfreq": 300}, "eye_sfreq must be one of"),
        ({"clock_offset": 2.5}, "rest_seconds must exceed"),
        ({"n_trials": 0}, "n_trials must be"),
    ],
)
def test_bad_arguments_are_refused_before_writing(tmp_path, bad, message):
    with pytest.raises(SyntheticDataError, match=message):
        write_recordings(tmp_path, **{**SMALL, **bad})
    assert not list(tmp_path.iterdir())
