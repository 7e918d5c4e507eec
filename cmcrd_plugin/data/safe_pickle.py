"""A restricted unpickler for the pickles inside SEED-family dataset files.

SEED-V stores pickled dicts inside ``.npz`` members and the SEED multimodal
release ships bare pickles; the TorchEEG caches store pickled samples. All of
them hold numpy arrays, alone or in dicts (keyed by numbers or strings).
Unpickling a hostile file with :mod:`pickle` runs arbitrary code, and even a
pickle of plain containers can be a trap: a few kilobytes of nested lists
that share their items expand to billions of elements when numpy converts
them. :func:`safe_loads` admits only what the real files hold:

* globals: numpy's array, scalar and dtype reconstructors only;
* containers: dicts (nested at most :data:`MAX_DICT_DEPTH` deep) whose values
  are numpy arrays (not of object dtype), numpy scalars, numbers or strings;
  lists, tuples and sets are refused;
* size: the arrays together hold no more bytes than the pickle itself (what
  a pickle that stores its data inline always satisfies).
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from ..files import open_regular_file
from .errors import DatasetFormatError, UnsafePickleError

MAX_DICT_DEPTH = 4
"""Dicts nest at most this deep (the real files: 1)."""

# (module, name) pairs a SEED-family pickle may reference. numpy moved its
# core module to ``numpy._core`` in 2.0; files written by either are accepted.
_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        *(
            (module, name)
            for module in ("numpy.core.multiarray", "numpy._core.multiarray")
            for name in ("_reconstruct", "scalar")
        ),
        *(
            (module, "_frombuffer")
            for module in ("numpy.core.numeric", "numpy._core.numeric")
        ),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),  # bytes in protocol-2 pickles
        ("builtins", "bytearray"),
        ("collections", "OrderedDict"),
    }
)
_LEAVES = (np.generic, int, float, str, bytes, bytearray, type(None))
"""Values admitted besides arrays and dicts (bool is an int)."""


def _bytearray_of_data(source: Any = b"", *args: Any) -> bytearray:
    """``bytearray`` as pickles use it: from data, never ``bytearray(10**12)``."""
    if not isinstance(source, (bytes, bytearray, str)):
        raise UnsafePickleError(
            f"refusing bytearray({type(source).__name__}); only bytearrays of "
            "stored data are allowed"
        )
    return bytearray(source, *args)


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, source: str) -> None:
        super().__init__(file)
        self._source = source

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "bytearray"):
            return _bytearray_of_data
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise UnsafePickleError(
            f"{self._source}: refusing to unpickle {module}.{name}; only dicts of "
            "numpy arrays are allowed in dataset pickles"
        )


def _check_content(content: Any, size: int, source: str) -> None:
    """Raise unless ``content`` is arrays / scalars in bounded dicts (see module)."""
    seen: set[int] = set()
    total = 0
    stack = [(content, 0, "")]
    while stack:
        value, depth, at = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        where = f"{source}{at}"
        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                raise UnsafePickleError(
                    f"{where}: refusing an array of dtype {value.dtype}; dataset "
                    "arrays hold numbers"
                )
            total += value.nbytes
        elif isinstance(value, dict):
            if depth == MAX_DICT_DEPTH:
                raise UnsafePickleError(
                    f"{where}: dicts nested deeper than {MAX_DICT_DEPTH}"
                )
            for key, item in value.items():
                if not isinstance(key, _LEAVES):
                    raise UnsafePickleError(
                        f"{where}: refusing a key of type {type(key).__name__}"
                    )
                stack.append((item, depth + 1, f"{at}[{key!r}]"))
        elif isinstance(value, np.generic) and value.dtype.hasobject:
            raise UnsafePickleError(f"{where}: refusing an object scalar")
        elif not isinstance(value, _LEAVES):
            raise UnsafePickleError(
                f"{where}: refusing a {type(value).__name__}; dataset pickles hold "
                "numpy arrays, alone or in dicts"
            )
    if total > size:
        raise UnsafePickleError(
            f"{source}: its arrays hold {total} bytes, more than the {size}-byte "
            "pickle could store"
        )


def safe_loads(data: bytes, source: str = "<bytes>") -> Any:
    """Unpickle ``data`` admitting only numpy arrays and their dicts.

    Parameters
    ----------
    data : bytes
        The pickle.
    source : str
        File (and member) name used in error messages.

    Raises
    ------
    UnsafePickleError
        If the pickle references any other type or callable, holds lists,
        tuples, sets or object arrays, nests dicts too deep, or decodes to
        more array bytes than it holds.
    DatasetFormatError
        If the bytes are not a valid pickle.
    """
    try:
        content = _RestrictedUnpickler(io.BytesIO(data), source).load()
    except UnsafePickleError as exc:
        if str(exc).startswith(source):
            raise
        raise UnsafePickleError(f"{source}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - any decoding failure is a format error
        raise DatasetFormatError(f"{source}: not a readable pickle ({exc!r})") from exc
    _check_content(content, len(data), source)
    return content


def safe_load_file(path: str | Path) -> Any:
    """:func:`safe_loads` the whole content of the regular file at ``path``."""
    with open_regular_file(path, DatasetFormatError) as file:
        data = file.read()
    return safe_loads(data, source=str(path))
