"""Feature vectors as braindecode inputs: a window's (d,) vector becomes (d, 1).

braindecode models read a window as ``(n_chans, n_times)``, so a plain
feature vector per window, such as an eye-movement vector, would have no
time axis (and a matrix of them, (n_windows, d), would be read as
``n_chans = n_windows``). :func:`with_time_axis` gives such vectors a time
axis of length 1: ``n_chans = d, n_times = 1``. It is the one place where
this happens; the data layer keeps eye vectors as they are stored.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import torch

Array = TypeVar("Array", np.ndarray, torch.Tensor)


def with_time_axis(x: Array, batched: bool = True) -> Array:
    """``x`` with a trailing axis of length 1 when its windows are vectors.

    Parameters
    ----------
    x : ndarray or Tensor
        Windows, ``(n, ...)`` when ``batched``, or one window.
    batched : bool
        Whether the first axis of ``x`` runs over windows.

    Returns
    -------
    ndarray or Tensor
        ``x[..., None]`` (a view) when a window of ``x`` is a vector,
        otherwise ``x`` itself.
    """
    vector_ndim = 2 if batched else 1
    if isinstance(x, np.ndarray | torch.Tensor) and x.ndim == vector_ndim:
        return x[..., None]
    return x
