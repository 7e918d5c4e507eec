"""A restricted unpickler for the pickles inside SEED-family dataset files.

SEED-V stores pickled dicts inside ``.npz`` members and the SEED multimodal
release ships bare pickles. Unpickling a hostile file with :mod:`pickle` runs
arbitrary code; :func:`safe_loads` admits only what those files contain:
dicts, lists, tuples, strings, numbers and numpy arrays / scalars / dtypes.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

from .errors import DatasetFormatError, UnsafePickleError

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


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, source: str) -> None:
        super().__init__(file)
        self._source = source

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise UnsafePickleError(
            f"{self._source}: refusing to unpickle {module}.{name}; only dicts, "
            "numbers, strings and numpy arrays are allowed in dataset pickles"
        )


def safe_loads(data: bytes, source: str = "<bytes>") -> Any:
    """Unpickle ``data`` admitting only plain containers and numpy arrays.

    Parameters
    ----------
    data : bytes
        The pickle.
    source : str
        File (and member) name used in error messages.

    Raises
    ------
    UnsafePickleError
        If the pickle references any other type or callable.
    DatasetFormatError
        If the bytes are not a valid pickle.
    """
    try:
        return _RestrictedUnpickler(io.BytesIO(data), source).load()
    except UnsafePickleError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoding failure is a format error
        raise DatasetFormatError(f"{source}: not a readable pickle ({exc!r})") from exc


def safe_load_file(path: str | Path) -> Any:
    """:func:`safe_loads` the whole content of the file at ``path``."""
    path = Path(path)
    return safe_loads(path.read_bytes(), source=str(path))
