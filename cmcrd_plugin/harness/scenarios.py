"""The benchmark's scenarios: the data as they are, and the controls.

``default`` is the dataset as it is. The others are CONTROLS, reported as
such: scenarios built to show an effect, so that a reader can see the
harness find a gain where privileged information exists and none where it
does not (:mod:`cmcrd_plugin.synthetic.controls`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ControlData:
    """A control with synthetic data of its own.

    Attributes
    ----------
    dataset : str
        The description its files are read with (``seed_v``, ``paired_npz``).
    writer : str
        Its writer, a function of :mod:`cmcrd_plugin.synthetic` called as
        the dataset writers are.
    file : str or None
        The file inside its folder to read (the generic format's ``.npz``).
    """

    dataset: str
    writer: str
    file: str | None = None


SCENARIOS = ("default", "negative_control", "positive_control", "wide_positive_control")

#: the scenarios with data of their own; the negative control changes the
#: teacher, not the data
CONTROL_DATA = {
    # SEED-V files: 12 of 62 channels informative
    "positive_control": ControlData("seed_v", "write_positive_control_seed_v"),
    # 310 DE values + 1,240 class-free features, generic paired format
    "wide_positive_control": ControlData(
        "paired_npz", "write_wide_positive_control", "windows.npz"
    ),
}

#: what each control is for (the report's words)
CONTROL_PURPOSES = {
    "positive_control": (
        "SEED-format EEG in which only 12 of the 62 channels carry the emotional "
        "state, while the eye features carry it cleanly: the eye teacher has "
        "privileged information to pass on, and the harness should detect a gain."
    ),
    "wide_positive_control": (
        "The same state with 1,240 class-free nuisance features appended to the "
        "310 EEG features (generic paired format): a gain should be detected."
    ),
    "negative_control": (
        "The teacher is trained (and the student distils) on eye features "
        "permuted across the training windows, so they tell nothing about the "
        "label: the case a user with a weak eye tracker meets. The teacher is "
        "near chance on validation; a student has nothing to gain from it and "
        "should not lose to EEG-only."
    ),
}
