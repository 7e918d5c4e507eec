"""Exception types raised by the dataset loaders."""

from __future__ import annotations


class DatasetFormatError(ValueError):
    """A dataset file or folder does not have the documented layout.

    The layouts are described in ``docs/data-formats.md``; the message names
    the file (and key) at fault.
    """


class UnsafePickleError(DatasetFormatError):
    """A pickled member references a type outside the allowed set."""
