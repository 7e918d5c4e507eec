"""Windows as braindecode models read them: ``(n_chans, n_times)``.

braindecode models read a window as ``(n_chans, n_times)``, so

- a plain feature vector per window, such as an eye-movement vector, would
  have no time axis (and a matrix of them, (n_windows, d), would be read as
  ``n_chans = n_windows``): it gets a time axis of length 1,
  ``n_chans = d, n_times = 1``;
- braindecode's own 4-D layout of windows, ``(n, n_chans, n_times, 1)``,
  loses its trailing axis, so that a model fitted on such windows predicts
  on them too.

:func:`as_windows` is the one place where this happens; the data layer
keeps windows as they are stored.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import torch

Array = TypeVar("Array", np.ndarray, torch.Tensor)


def as_windows(x: Array, batched: bool = True) -> Array:
    """``x`` laid out as ``(n, n_chans, n_times)`` windows (one, unbatched).

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
        ``x[..., 0]`` (a view) when a window is ``(n_chans, n_times, 1)``,
        otherwise ``x`` itself.
    """
    if not isinstance(x, np.ndarray | torch.Tensor):
        return x
    window_ndim = x.ndim - 1 if batched else x.ndim
    if window_ndim == 1:
        return x[..., None]
    if window_ndim == 3 and x.shape[-1] == 1:
        return x[..., 0]
    return x
