"""Checks shared by the loaders; every error names the file and key at fault.

One check per concern, used by every format: :func:`check_real_array` (a
trial is a finite ndarray of integers or floats: not a list, not complex,
not text), :func:`check_labels` (whole numbers in the dataset's class
range) and :func:`trial_keys` (keys parsed into trial numbers, refusing
duplicates and trials outside the format's range).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Iterable

import numpy as np

from .errors import DatasetFormatError

REAL_KINDS = "iuf"
"""numpy dtype kinds a dataset array may have: signed, unsigned, float."""


def check_numeric_finite(array: np.ndarray, where: str) -> None:
    """Raise :class:`DatasetFormatError` unless ``array`` is real numbers, finite.

    Complex, boolean, text, object and structured dtypes are refused.
    """
    if array.dtype.kind not in REAL_KINDS:
        raise DatasetFormatError(
            f"{where}: expected numbers (integers or floats), got dtype {array.dtype}"
        )
    if not np.isfinite(array).all():
        raise DatasetFormatError(f"{where}: contains NaN or Inf values")


def check_float32_range(array: np.ndarray, where: str) -> None:
    """Refuse floats beyond float32's range: features are read as float32, where
    they would become Inf."""
    if array.dtype.kind != "f" or array.dtype.itemsize <= 4 or not array.size:
        return  # integers and float32 or narrower always fit
    limit = np.finfo(np.float32).max
    largest = max(array.max(), -array.min())  # no temporary copy of the array
    if largest > limit:
        raise DatasetFormatError(
            f"{where}: values up to {largest:.3g} in magnitude, beyond "
            f"float32's range ({limit:.3g}) that features are read as"
        )


def check_real_array(value: object, where: str, features: bool = True) -> np.ndarray:
    """``value`` if it is a finite ndarray of real numbers, else a DatasetFormatError.

    Checked before any conversion: a nested list is refused as a list, never
    handed to :func:`numpy.asarray`. ``features`` (read as float32) must also
    lie within float32's range.
    """
    if not isinstance(value, np.ndarray):
        raise DatasetFormatError(
            f"{where}: expected a numeric array, got {type(value).__name__}"
        )
    check_numeric_finite(value, where)
    if features:
        check_float32_range(value, where)
    return value


def check_whole_numbers(values: np.ndarray, where: str) -> np.ndarray:
    """``values`` as int64 if they are finite whole numbers (floats like 2.0 too)."""
    check_numeric_finite(values, where)
    whole = values == np.round(values)
    if not whole.all():
        row = int(np.flatnonzero(~whole.reshape(-1))[0])
        raise DatasetFormatError(
            f"{where}: expected integers, got {values.reshape(-1)[row]!r} at row {row}"
        )
    if values.dtype.kind == "f" and np.abs(values).max(initial=0) >= 2**63:
        raise DatasetFormatError(f"{where}: integers beyond the int64 range")
    return values.astype(np.int64)


def check_labels(values: object, classes: range, where: str) -> np.ndarray:
    """Labels as int64 if they are whole numbers in ``classes``.

    Parameters
    ----------
    values : object
        The label array as read from the file.
    classes : range
        The label values the format allows (for example ``range(5)``).
    where : str
        File and key, for error messages.
    """
    labels = check_whole_numbers(check_real_array(values, where, features=False), where)
    outside = (labels < classes.start) | (labels >= classes.stop)
    if outside.any():
        row = int(np.flatnonzero(outside.reshape(-1))[0])
        raise DatasetFormatError(
            f"{where}: label {labels.reshape(-1)[row]} at row {row} is outside "
            f"{classes.start}..{classes.stop - 1}"
        )
    return labels


def trial_keys(
    keys: Iterable[Hashable],
    trial_of: Callable[[Hashable], int | None],
    trials: range,
    where: str,
    what: str = "trials",
) -> dict[int, Hashable]:
    """Map every trial number in ``trials`` to the one key that holds it.

    Parameters
    ----------
    keys : iterable
        The keys of a file (variables, dict keys).
    trial_of : callable
        The trial number a key names, None for keys that name no trial
        (ignored); a ValueError for a key that should but does not.
    trials : range
        The trial numbers the format has.
    where : str
        File (and member), for error messages.
    what : str
        What the missing trials are called in the error ("keys eye_{t} for
        trials": "... keys eye_{t} for trials [3] missing").

    Raises
    ------
    DatasetFormatError
        Naming both keys if two name the same trial, the key if it names a
        trial outside ``trials`` or no trial number at all, and the trials
        no key names.
    """
    found: dict[int, Hashable] = {}
    for key in keys:
        try:
            trial = trial_of(key)
        except ValueError as exc:
            raise DatasetFormatError(f"{where}: key {key!r} {exc}") from None
        if trial is None:
            continue
        if trial not in trials:
            raise DatasetFormatError(
                f"{where}: key {key!r} names trial {trial}, outside the format's "
                f"trials {trials.start}..{trials.stop - 1}"
            )
        if trial in found:
            raise DatasetFormatError(
                f"{where}: keys {found[trial]!r} and {key!r} both name trial {trial}"
            )
        found[trial] = key
    missing = sorted(set(trials) - set(found))
    if missing:
        raise DatasetFormatError(f"{where}: {what} {missing} missing")
    return {trial: found[trial] for trial in trials}


def common_window_count(where: str, **counts: int) -> int:
    """The shortest of the window counts; warns when they differ, errors on 0."""
    n = min(counts.values())
    if n == 0:
        empty = ", ".join(k for k, v in counts.items() if v == 0)
        raise DatasetFormatError(f"{where}: trial has no windows ({empty})")
    if len(set(counts.values())) > 1:
        detail = ", ".join(f"{k} has {v}" for k, v in counts.items())
        warnings.warn(f"{where}: {detail} windows; using the first {n}", stacklevel=3)
    return n


def select_subjects(records: list, subjects, where: str, subject_of=None) -> list:
    """The records of the wanted subjects (all if ``subjects`` is None).

    Raises :class:`DatasetFormatError` listing requested subjects that are not
    there, or if nothing is left.
    """
    subject_of = subject_of or (lambda r: r.subject)
    available = sorted({subject_of(r) for r in records})
    if subjects is not None:
        wanted = {int(s) for s in subjects}
        missing = sorted(wanted - set(available))
        if missing:
            raise DatasetFormatError(
                f"{where}: subjects {missing} not found (available: {available})"
            )
        records = [r for r in records if subject_of(r) in wanted]
    if not records:
        raise DatasetFormatError(f"{where}: no subject files found")
    return records
