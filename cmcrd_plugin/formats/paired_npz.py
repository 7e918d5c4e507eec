"""The generic paired NPZ format: a lab's own EEG + eye recordings, any feature shape.

Layout (``docs/data-formats.md``, section "Generic paired NPZ: your own
recordings")::

    <file>.npz                 one file holding every window, or
    <root>/<any name>.npz      a folder of such files (for example one per
                               subject), read in name order and stacked

Each file is a plain ``np.savez`` archive (no pickles) of one-dimensional id
arrays and two feature arrays, all with one row per window:

* ``eeg``: (n_windows, ...) floats, any per-window shape (for example 310 DE
  values, (62, 5) DE, or (62, 800) raw samples);
* ``eye``: (n_windows, ...) floats, any per-window shape;
* ``label``: (n_windows,) class ids 0..n_classes - 1;
* ``subject``, ``session``, ``trial``: (n_windows,) integer ids;
* ``window`` (optional): (n_windows,) index of the window within its trial;
  when absent, windows are numbered 0, 1, ... in file order within each
  (subject, session, trial).

Id and label arrays may be stored as floats holding whole numbers (as MATLAB
exports them). Files whose name starts with a dot (temporary files) are
skipped.
"""

from __future__ import annotations

import re

FILE_SUFFIX = ".npz"
FILE_PATTERN = re.compile(r"^[^.].*\.npz$")
"""Names of the files read from a folder (hidden and temporary files are not)."""

FEATURE_ARRAYS = ("eeg", "eye")
"""Per-window features, float, shape (n_windows, ...)."""
ID_ARRAYS = ("label", "subject", "session", "trial")
"""Required per-window integers, shape (n_windows,)."""
WINDOW_ARRAY = "window"
"""Optional per-window integer: the window's index within its trial."""
REQUIRED_ARRAYS = FEATURE_ARRAYS + ID_ARRAYS
TRIAL_KEY = ("subject", "session", "trial")
"""The ids that name one trial; windows are numbered within it."""

FEATURE_DTYPE = "float32"
"""Features are loaded (and written) as this dtype."""
ID_DTYPE = "int64"
"""Labels and ids are loaded (and written) as this dtype."""
