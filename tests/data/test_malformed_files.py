"""Property tests: malformed files only ever raise the documented exception type.

Each example starts from a well-formed file set and applies one or two random
defects (a dropped or extra key, an array of random shape, dtype or values, a
wrong window count, garbage bytes, a few-KB pickle of nested lists, a missing
member) at a random place; the loader must then either load or raise
``DatasetFormatError``, within the timeout.
"""

import pickle
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.io
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmcrd_plugin.data import DatasetFormatError, load_seed, load_seed_iv, load_seed_v
from cmcrd_plugin.formats import seed, seed_iv, seed_v

# hard_timeout: after a timeout Hypothesis would go on to shrink (and hang again)
pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("hard_timeout")]

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)


@st.composite
def arrays(draw, shape=None):
    shape = draw(shapes) if shape is None else shape
    kind = draw(st.sampled_from(["float", "int", "special", "text"]))
    size = int(np.prod(shape)) if shape else 1
    if kind == "text":
        return np.full(shape, "x")
    if kind == "special":
        values = draw(
            st.lists(
                st.sampled_from([0.0, np.nan, np.inf, -np.inf]),
                min_size=size,
                max_size=size,
            )
        )
        return np.asarray(values, dtype=float).reshape(shape)
    values = draw(st.lists(st.floats(-5, 5), min_size=size, max_size=size))
    return np.asarray(values, dtype=float if kind == "float" else int).reshape(shape)


def shared_nested_list(depth: int = 40) -> list:
    """2**depth rows in a pickle of a few hundred bytes: np.asarray never ends."""
    nested: list = [[0.0]]
    for _ in range(depth):
        nested = [nested, nested]
    return nested


NESTED_LIST_PICKLE = pickle.dumps({0: shared_nested_list()})


def damage(draw, table: dict, keys: list, row_shape: tuple) -> None:
    """Apply one random defect to ``table`` (a dict of arrays) in place."""
    key = draw(st.sampled_from(keys))
    defect = draw(
        st.sampled_from(["drop", "extra", "random", "length", "values", "nested"])
    )
    if defect == "drop":
        table.pop(key, None)
    elif defect == "extra":
        table[f"extra_{key}" if isinstance(key, str) else key + 1000] = draw(arrays())
    elif defect == "random":
        table[key] = draw(arrays())
    elif defect == "length":
        table[key] = np.ones((draw(st.integers(0, 4)), *row_shape))
    elif defect == "nested":
        table[key] = shared_nested_list()
    else:
        old = table.get(key)  # a nested list (an earlier defect) is not measured
        n = len(np.atleast_1d(old)) if isinstance(old, np.ndarray) else 2
        table[key] = draw(arrays(shape=(n, *row_shape)))


def quietly(load):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            load()
        except DatasetFormatError:
            pass


@settings(SETTINGS, max_examples=200)
@given(st.data())
def test_seed_v_malformed(data):
    draw = data.draw
    eeg_folder, eye_folder = seed_v.EEG_FOLDER, seed_v.EYE_FOLDER
    tables = {
        (eeg_folder, "data"): {k: np.ones((2, 310)) for k in range(45)},
        (eye_folder, "data"): {k: np.ones((2, 33)) for k in range(45)},
        (eeg_folder, "label"): {k: np.full(2, 1.0) for k in range(45)},
        (eye_folder, "label"): {k: np.full(2, 1.0) for k in range(45)},
    }
    shapes_ = {eeg_folder: (310,), eye_folder: (33,)}
    raw = {}
    for _ in range(draw(st.integers(1, 2))):
        where = draw(st.sampled_from(sorted(tables)))
        if draw(st.integers(0, 9)) == 0:
            raw[where] = draw(
                st.sampled_from(
                    [b"", b"garbage", pickle.dumps([1, 2]), NESTED_LIST_PICKLE]
                )
            )
        else:
            row = () if where[1] == "label" else shapes_[where[0]]
            damage(draw, tables[where], list(range(45)), row)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in shapes_:
            (root / folder).mkdir()
            members = {
                m: raw.get((folder, m), pickle.dumps(tables[(folder, m)]))
                for m in ("data", "label")
            }
            if draw(st.integers(0, 19)) == 0:
                members.pop(draw(st.sampled_from(["data", "label"])))
            np.savez(root / folder / seed_v.subject_file(1), **members)
        quietly(lambda: load_seed_v(root))


@SETTINGS
@given(st.data())
def test_seed_iv_malformed(data):
    draw = data.draw
    eeg = {f"de_LDS{t}": np.ones((62, 2, 5)) for t in range(1, 25)}
    eye = {f"eye_{t}": np.ones((31, 2)) for t in range(1, 25)}
    for _ in range(draw(st.integers(1, 2))):
        table, row = draw(st.sampled_from([(eeg, (62, 5)), (eye, (31,))]))
        key = draw(st.sampled_from(sorted(table)))
        defect = draw(st.sampled_from(["drop", "random", "values", "length"]))
        if defect == "drop":
            table.pop(key)
        elif defect == "random":
            table[key] = draw(arrays())
        elif defect == "values":
            table[key] = draw(arrays(shape=(row[0], 2, *row[1:])))
        else:
            table[key] = np.ones((row[0], draw(st.integers(0, 3)), *row[1:]))
    garbage = draw(st.integers(0, 9)) == 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        name = seed_iv.file_name(subject=1, session=1)
        for folder, content in (
            (seed_iv.EEG_FEATURE_FOLDER, eeg),
            (seed_iv.EYE_FOLDER, eye),
        ):
            (root / folder / "1").mkdir(parents=True)
            path = root / folder / "1" / name
            if garbage and folder == seed_iv.EYE_FOLDER:
                path.write_bytes(b"MATLAB 5.0 MAT-file garbage")
            else:
                scipy.io.savemat(path, {k: v for k, v in content.items() if v.size})
        quietly(lambda: load_seed_iv(root))


@SETTINGS
@given(st.data())
def test_seed_multimodal_malformed(data):
    draw = data.draw
    bands = {b: np.ones((3, 62)) for b in ("delta", "theta", "alpha", "beta", "gamma")}
    labels = np.array([2.0, 1.0, 0.0])
    eye = {"train_data_eye": np.ones((3, 33)), "test_data_eye": np.ones((3, 33))}
    for _ in range(draw(st.integers(1, 2))):
        target = draw(st.sampled_from(["bands", "labels", "eye", "eye_bytes"]))
        if target == "bands":
            damage(draw, bands, sorted(bands), (62,))
        elif target == "eye" and isinstance(eye, dict):
            damage(draw, eye, sorted(eye), (33,))
        elif target == "labels":
            labels = draw(arrays())
        elif target == "eye_bytes":
            eye = draw(st.one_of(st.binary(max_size=12), st.just(NESTED_LIST_PICKLE)))
    with tempfile.TemporaryDirectory() as tmp:
        record = seed.SEEDRecord.at(
            Path(tmp) / seed.RELEASE_FOLDER / seed.DEFAULT_LANGUAGE, 1, 1
        )
        record.eeg_path.parent.mkdir(parents=True)
        record.eye_path.parent.mkdir(parents=True)
        np.savez(
            record.eeg_path,
            train_data=pickle.dumps(bands),
            test_data=pickle.dumps(bands),
            train_label=labels,
            test_label=labels,
        )
        payload = eye if isinstance(eye, bytes) else pickle.dumps(eye)
        record.eye_path.write_bytes(payload)
        quietly(lambda: load_seed(Path(tmp)))
