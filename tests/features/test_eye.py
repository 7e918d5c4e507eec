import mne
import numpy as np
import pytest
from eye_recordings import annotate, blank, eye_names, make_eye_raw

from cmcrd_plugin.features.eye import (
    EYE_FEATURE_NAMES,
    MissingEyeDataWarning,
    eye_channels,
    eye_features,
)

COLUMN = {name: i for i, name in enumerate(EYE_FEATURE_NAMES)}


def column(result, name):
    return result.features[:, COLUMN[name]]


def test_names_are_documented_in_the_module_table():
    import cmcrd_plugin.features.eye as eye

    assert len(EYE_FEATURE_NAMES) == len(set(EYE_FEATURE_NAMES)) == 25
    for name in EYE_FEATURE_NAMES:
        assert f" {name} " in eye.__doc__


@pytest.mark.parametrize("eyes", [("left", "right"), ("left",), ("right",)])
def test_shapes_dtype_finite_for_monocular_and_binocular(eyes):
    raw = annotate(make_eye_raw(eyes=eyes), [(1.0, 0.3, "fixation")], eyes)
    result = eye_features(raw)
    assert result.features.shape == (5, 25) and result.features.dtype == np.float32
    assert np.isfinite(result.features).all()
    assert result.n_dropped == 0 and result.kept.all()
    assert column(result, "pupil_mean") == pytest.approx(1000, abs=5)


def test_binocular_features_are_the_two_eyes_mean():
    raw = make_eye_raw()
    raw._data[raw.ch_names.index("pupil_right")] += 200
    assert column(eye_features(raw), "pupil_mean") == pytest.approx(1100, abs=5)


def test_eye_layout_from_names_or_loc():
    raw = make_eye_raw()
    assert eye_channels(raw.info) == {
        "left": ("xpos_left", "ypos_left", "pupil_left"),
        "right": ("xpos_right", "ypos_right", "pupil_right"),
    }
    info = mne.create_info(["gx", "gy", "p"], 100.0, ["eyegaze", "eyegaze", "pupil"])
    mne.preprocessing.eyetracking.set_channel_types_eyetrack(
        info_holder := mne.io.RawArray(np.zeros((3, 10)), info, verbose=False),
        {
            "gx": ("eyegaze", "px", "left", "x"),
            "gy": ("eyegaze", "px", "left", "y"),
            "p": ("pupil", "au", "left"),
        },
    )
    assert eye_channels(info_holder.info) == {"left": ("gx", "gy", "p")}
    eeg_only = mne.create_info(["C3"], 100.0, ["eeg"])
    with pytest.raises(ValueError, match="eyegaze/pupil"):
        eye_channels(eeg_only)


def test_events_durations_counts_rates_and_amplitude():
    raw = make_eye_raw()
    for name in ("xpos_left", "xpos_right"):
        a, b = raw.time_as_index([1.5, 1.55])
        raw._data[raw.ch_names.index(name), b:] += 100  # a 100 px saccade
    annotate(
        raw,
        [
            (0.5, 0.3, "fixation"),
            (1.0, 0.5, "fixation"),
            (1.5, 0.05, "saccade"),
            (5.0, 0.2, "BAD_blink"),
            (6.0, 0.4, "BAD_blink"),
        ],
    )
    blank(raw, 5.0, 5.2)
    blank(raw, 6.0, 6.4)
    result = eye_features(raw)
    first, second = result.features[0], result.features[1]
    f = {name: first[i] for name, i in COLUMN.items()}
    assert f["fixation_count"] == 2  # the two eyes' annotations are one event
    assert f["fixation_duration_mean"] == pytest.approx(0.4)
    assert f["fixation_duration_std"] == pytest.approx(0.1)
    assert f["fixation_duration_max"] == pytest.approx(0.5)
    assert f["fixation_rate"] == pytest.approx(0.5)
    assert f["saccade_count"] == 1 and f["saccade_duration_mean"] == pytest.approx(0.05)
    assert f["saccade_amplitude_mean"] == pytest.approx(100, abs=1)
    assert f["saccade_amplitude_std"] == 0
    assert f["fixation_dispersion_x_mean"] > 0
    assert f["blink_count"] == 0 and f["blink_duration_mean"] == 0  # none: 0
    s = {name: second[i] for name, i in COLUMN.items()}
    assert s["blink_count"] == 2 and s["blink_rate"] == pytest.approx(0.5)
    assert s["blink_duration_mean"] == pytest.approx(0.3)
    assert s["saccade_count"] == 0 and s["saccade_amplitude_mean"] == 0
    assert np.isfinite(result.features).all()


def test_too_missing_windows_are_dropped_counted_and_warned():
    raw = annotate(make_eye_raw(), [(8.0, 3.0, "BAD_blink")])
    blank(raw, 8.0, 11.0)  # window 2 (8-12 s): 75 % missing
    with pytest.warns(MissingEyeDataWarning, match="1 of 5 windows dropped"):
        result = eye_features(raw, max_missing=0.5)
    assert result.kept.tolist() == [True, True, False, True, True]
    assert result.n_dropped == 1 and len(result.features) == 4
    assert result.missing_fraction[2] == pytest.approx(0.75)
    kept = eye_features(raw, max_missing=0.8)  # interpolated, then kept
    assert kept.n_dropped == 0 and np.isfinite(kept.features).all()


def test_nan_outside_blinks_is_filled_and_an_eye_without_data_left_out():
    raw = make_eye_raw()
    raw._data[raw.ch_names.index("pupil_right")] += 200
    blank(raw, 0.0, 4.0, eyes=("right",))  # the right eye lost in window 0
    blank(raw, 4.5, 4.6, eyes=("left",))  # a loss no annotation marks
    result = eye_features(raw, max_missing=0.6)
    assert np.isfinite(result.features).all()
    pupil = column(result, "pupil_mean")
    assert pupil[0] == pytest.approx(1000, abs=5)  # the left eye alone
    assert pupil[1] == pytest.approx(1100, abs=5)


def test_a_class_difference_in_pupil_level_shows_in_pupil_mean():
    calm = eye_features(make_eye_raw(pupil=900.0))
    aroused = eye_features(make_eye_raw(pupil=1300.0))
    assert (column(aroused, "pupil_mean") - column(calm, "pupil_mean")).min() > 350
    assert column(calm, "pupil_std") == pytest.approx(column(aroused, "pupil_std"))


def test_epochs_give_the_raw_windows_features():
    raw = annotate(
        make_eye_raw(first_samp=37),
        [(1.0, 0.3, "fixation"), (1.5, 0.05, "saccade"), (5.0, 0.2, "blink")],
    )
    epochs = mne.make_fixed_length_epochs(
        raw, 4.0, preload=True, reject_by_annotation=False, verbose=False
    )
    np.testing.assert_allclose(
        eye_features(epochs).features, eye_features(raw).features, rtol=1e-5
    )
    with pytest.raises(TypeError, match="Epochs are the windows"):
        eye_features(epochs, window=4.0)


def test_epochs_dropped_by_mne_for_blinks_are_reported():
    raw = annotate(make_eye_raw(), [(5.0, 0.2, "BAD_blink")])
    epochs = mne.make_fixed_length_epochs(raw, 4.0, preload=True, verbose=False)
    with pytest.warns(MissingEyeDataWarning, match="1 epochs were dropped"):
        result = eye_features(epochs)
    assert len(result.features) == 4


def test_explicit_onsets_and_windows_outside_raise():
    raw = make_eye_raw()
    result = eye_features(raw, window=2.0, onsets=[0.0, 3.0, 10.0])
    assert result.features.shape == (3, 25)
    with pytest.raises(ValueError, match="outside"):
        eye_features(raw, window=4.0, onsets=[18.0])
    assert eye_names(["left"]) == ["xpos_left", "ypos_left", "pupil_left"]
