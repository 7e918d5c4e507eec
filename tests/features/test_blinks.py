import numpy as np
import pytest
from eye_recordings import annotate, blank, make_eye_raw

from cmcrd_plugin.features.blinks import (
    fill_missing,
    interpolate_blinks,
    missing_fraction,
)


def test_blink_interpolation_fills_the_pupil_gap_linearly():
    raw = annotate(make_eye_raw(), [(5.0, 0.2, "BAD_blink")])
    blank(raw, 5.0, 5.2)
    pupil = raw.ch_names.index("pupil_left")
    before = raw.get_data()[pupil].copy()
    interpolate_blinks(raw, buffer=0.05)
    after = raw.get_data()[pupil]
    assert np.isfinite(after).all()
    a, b = raw.time_as_index([4.95, 5.25])
    line = np.linspace(before[a - 1], before[b + 1], b - a + 3)[1:-1]
    assert after[a : b + 1] == pytest.approx(line, rel=1e-3)
    # MNE's way: the annotation loses its BAD_ prefix; gaze stays missing
    assert "blink" in raw.annotations.description
    assert np.isnan(raw.get_data()[raw.ch_names.index("xpos_left")]).any()


def test_blink_annotations_without_channel_names_apply_to_every_eye_channel():
    raw = make_eye_raw()
    raw.set_annotations(raw.annotations.__class__([5.0], [0.2], ["BAD_blink"]))
    blank(raw, 5.0, 5.2)
    interpolate_blinks(raw, interpolate_gaze=True)
    assert np.isfinite(raw.get_data()).all()


def test_without_blinks_nothing_changes():
    raw = make_eye_raw()
    data = raw.get_data().copy()
    interpolate_blinks(raw)
    np.testing.assert_array_equal(raw.get_data(), data)


def test_missing_fraction_and_fill():
    x = np.arange(40, dtype=float).reshape(2, 2, 10)
    x[0, 0, 3:6] = np.nan
    x[1, 1, :] = np.nan
    assert missing_fraction(x) == pytest.approx([3 / 20, 10 / 20])
    filled = fill_missing(x)
    np.testing.assert_allclose(filled[0, 0], np.arange(10.0))
    assert np.isnan(filled[1, 1]).all()  # nothing to fill from
    x[0, 1, :2] = np.nan
    assert fill_missing(x)[0, 1, :2] == pytest.approx([12, 12])  # edge held
    assert np.isnan(x[0, 0, 3])  # a copy


def test_fill_works_on_non_contiguous_windows():
    x = np.arange(20, dtype=float).reshape(10, 2).T[None]  # (1, 2, 10), a view
    x = x.copy().transpose(0, 1, 2)
    y = np.asfortranarray(np.where(np.arange(10) == 4, np.nan, x))
    assert np.isfinite(fill_missing(y)).all()
