import numpy as np
import pytest

from cmcrd_plugin.data import DatasetFormatError
from cmcrd_plugin.data.validation import (
    check_labels,
    check_real_array,
    check_whole_numbers,
    trial_keys,
)


def number_after_x(key):
    return int(key[1:]) if key.startswith("x") else None


def test_trial_keys_map_each_trial_to_its_one_key_and_ignore_others():
    keys = ["x2", "x1", "notes", "x3"]
    assert trial_keys(keys, number_after_x, range(1, 4), "f") == {
        1: "x1",
        2: "x2",
        3: "x3",
    }


@pytest.mark.parametrize(
    "keys, match",
    [
        (["x1", "x01", "x2"], "f: keys 'x1' and 'x01' both name trial 1"),
        (["x1", "x2", "x3"], r"f: key 'x3' names trial 3, outside the format's"),
        (["x0", "x1", "x2"], r"f: key 'x0' names trial 0, outside .* 1\.\.2"),
        (["x1"], r"f: trials \[2\] missing"),
        (["x1", "xy"], r"f: key 'xy' invalid literal"),
    ],
)
def test_trial_keys_refuse_duplicates_outsiders_and_gaps(keys, match):
    with pytest.raises(DatasetFormatError, match=match):
        trial_keys(keys, number_after_x, range(1, 3), "f")


@pytest.mark.parametrize(
    "value, match",
    [
        ([1.0], "expected a numeric array, got list"),
        (
            np.ones(2) + 1j,
            r"expected numbers \(integers or floats\), got dtype complex",
        ),
        (np.array([1, 2], dtype=object), "got dtype object"),
        (np.array(["1"]), "got dtype <U1"),
        (np.array([True]), "got dtype bool"),
        (np.array([np.nan]), "NaN or Inf"),
        (np.array([1.0, -1e40]), r"1e\+40 in magnitude, beyond float32's range"),
    ],
)
def test_check_real_array_refuses_all_but_finite_real_arrays(value, match):
    with pytest.raises(DatasetFormatError, match=rf"^f\[k\]: .*{match}"):
        check_real_array(value, "f[k]")


def test_check_real_array_returns_real_arrays_unchanged():
    for dtype in (np.int8, np.uint16, np.float32, np.float64):
        value = np.ones(3, dtype=dtype)
        assert check_real_array(value, "f") is value


@pytest.mark.parametrize(
    "value, match",
    [
        ([7.0], "label 7 at row 0 is outside 0..4"),
        ([0, -1], "label -1 at row 1 is outside 0..4"),
        ([1e12], "label 1000000000000 at row 0 is outside 0..4"),
        ([2.5], r"expected integers, got .*2\.5.* at row 0"),
        ([1e300], "beyond the int64 range"),
    ],
)
def test_check_labels_refuses_what_is_no_class_id(value, match):
    with pytest.raises(DatasetFormatError, match=match):
        check_labels(np.asarray(value), range(5), "f")


def test_check_labels_returns_int64_class_ids():
    labels = check_labels(np.array([0.0, 4.0, 2.0]), range(5), "f")
    assert labels.dtype == np.int64 and labels.tolist() == [0, 4, 2]
    assert check_whole_numbers(np.array([-3.0]), "f").tolist() == [-3]
