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
        3: [1, 2.0, "x"],
    }
    loaded = safe_loads(pickle.dumps(data, protocol=protocol))
    assert loaded.keys() == data.keys()
    np.testing.assert_array_equal(loaded[0], data[0])
    assert (
        loaded[1].dtype == np.int64 and loaded[2] == 2.5 and loaded[3] == [1, 2.0, "x"]
    )


def test_garbage_is_a_format_error_naming_the_file(tmp_path):
    path = tmp_path / "eye_file"
    path.write_bytes(b"not a pickle at all")
    with pytest.raises(DatasetFormatError, match="eye_file"):
        safe_load_file(path)
