import os
import pickle

import numpy as np
import pytest

from cmcrd_plugin.data import (
    DatasetFormatError,
    UnsafePickleError,
    safe_load_file,
    safe_loads,
)
from cmcrd_plugin.data.safe_pickle import MAX_DICT_DEPTH


class _Hostile:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_hostile_pickle_is_refused_without_executing(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({0: _Hostile(marker)})
    with pytest.raises(UnsafePickleError, match="posix.system|os.system"):
        safe_loads(payload, source="evil.pkl")
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_numpy_dicts_round_trip_with_every_protocol(protocol):
    data = {
        0: np.arange(12.0).reshape(3, 4),
        1: np.array([1, 2, 3], dtype=np.int64),
        "train_data_eye": np.ones((2, 33), dtype=np.float32),
        2: np.float64(2.5),
        3: {"nested": np.zeros(2), "count": 3, "name": "x"},
    }
    loaded = safe_loads(pickle.dumps(data, protocol=protocol))
    assert loaded.keys() == data.keys()
    np.testing.assert_array_equal(loaded[0], data[0])
    assert loaded[1].dtype == np.int64 and loaded[2] == 2.5
    assert loaded[3]["count"] == 3 and loaded[3]["name"] == "x"
    np.testing.assert_array_equal(loaded[3]["nested"], np.zeros(2))


def test_garbage_is_a_format_error_naming_the_file(tmp_path):
    path = tmp_path / "eye_file"
    path.write_bytes(b"not a pickle at all")
    with pytest.raises(DatasetFormatError, match="eye_file"):
        safe_load_file(path)


def shared_nested_list(depth: int) -> list:
    """A list of 2**depth leaves in a pickle of a few hundred bytes."""
    inner: list = [0.0]
    for _ in range(depth):
        inner = [inner, inner]
    return inner


@pytest.mark.timeout(20)
@pytest.mark.usefixtures("hard_timeout")  # np.asarray of it never returns
def test_a_few_kb_nested_list_is_refused_at_once():
    payload = pickle.dumps({0: shared_nested_list(60)})
    assert len(payload) < 4096
    with pytest.raises(UnsafePickleError, match=r"evil\.pkl\[0\]: refusing a list"):
        safe_loads(payload, source="evil.pkl")


@pytest.mark.parametrize(
    "content, match",
    [
        ([np.zeros(3)], "refusing a list"),
        ({0: (np.zeros(3),)}, r"\[0\]: refusing a tuple"),
        ({0: {1, 2}}, "refusing a set"),
        ({0: np.array([[1], "x"], dtype=object)}, "dtype object"),
        ({(1, 2): np.zeros(1)}, "key of type tuple"),
    ],
)
def test_only_arrays_and_their_dicts_are_admitted(content, match):
    with pytest.raises(UnsafePickleError, match=match):
        safe_loads(pickle.dumps(content), source="f")


def test_dict_nesting_is_bounded():
    content = np.zeros(1)
    for _ in range(MAX_DICT_DEPTH):
        content = {0: content}
    safe_loads(pickle.dumps(content))
    with pytest.raises(UnsafePickleError, match="nested deeper than"):
        safe_loads(pickle.dumps({0: content}))


class _Reduce:
    """Pickles as ``function(*args)``: a hand-made hostile pickle."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def test_decoded_size_is_bounded_by_the_pickle():
    # a 100-byte pickle asking numpy for 10**8 uninitialised floats
    payload = pickle.dumps(_Reduce(np.ndarray, (10**8,), "f8"), protocol=2)
    with pytest.raises(UnsafePickleError, match="more than the .*-byte pickle"):
        safe_loads(payload, source="big.pkl")
    # bytearray(10**12) would allocate and zero a terabyte
    payload = pickle.dumps(_Reduce(bytearray, 10**12))
    with pytest.raises(UnsafePickleError, match=r"big\.pkl: refusing bytearray\(int\)"):
        safe_loads(payload, source="big.pkl")
