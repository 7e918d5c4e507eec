"""
The benchmark on one's own data folder, and its report
======================================================

Recordings of one's own, stored in the generic paired NPZ format (one
``.npz`` per subject, or one for all: arrays ``eeg``, ``eye``, ``label``,
``subject``, ``session``, ``trial``, one row per window), run through the
same benchmark as the SEED datasets: ``cmcrd bench --dataset paired_npz
--data-root DIR``. This example writes such a folder, runs a small grid
through the Python API behind that command, and reads the report.

The "own data" here are synthetic SEED-V subjects converted to the generic
format, so every number below is on SYNTHETIC DATA: it exercises the
pipeline, it is not a result on real EEG.
"""

# %%
# A folder in the generic paired NPZ format
# -----------------------------------------
# :func:`~cmcrd_plugin.data.write_paired_npz` writes one file from
# :class:`~cmcrd_plugin.data.PairedWindows`; build those from your own
# arrays, ``PairedWindows(eeg=..., eye=..., label=..., subject=...,
# session=..., trial=..., window=...)``.
import tempfile
from pathlib import Path

import matplotlib.image
import matplotlib.pyplot as plt

from cmcrd_plugin.data import load_paired_npz, load_seed_v, write_paired_npz
from cmcrd_plugin.harness.config import load_config
from cmcrd_plugin.harness.report import build_report
from cmcrd_plugin.harness.runner import machine, run_benchmark
from cmcrd_plugin.synthetic import write_seed_v

folder = Path(tempfile.mkdtemp())
subjects = [1, 2, 3]
seed_v = write_seed_v(
    folder / "SEED-V", subjects=subjects, window_fraction=0.3, progress=False
)
recordings = folder / "my_recordings"
for subject in subjects:
    windows = load_seed_v(seed_v, subjects=[subject])
    write_paired_npz(recordings / f"subject_{subject:02d}.npz", windows)
print(sorted(path.name for path in recordings.iterdir()))
mine = load_paired_npz(recordings)
print(f"{len(mine)} windows: EEG {mine.eeg.shape[1:]}, eye {mine.eye.shape[1:]}")

# %%
# A small grid
# ------------
# Settings start from a profile (``quick``, ``full`` or a TOML file of one's
# own) and are overridden by keyword, as options override it on the command
# line. The grid here: 3 subjects x 3 folds by trial x 2 methods, 6 epochs.
# The equivalent command::
#
#     cmcrd bench --dataset paired_npz --data-root my_recordings \
#         --scenarios default --methods eeg_only cmcrd --epochs 6 --jobs 1
config = load_config(
    "quick",
    dataset="paired_npz",
    data_root=recordings,
    scenarios=("default",),
    methods=("eeg_only", "cmcrd"),
    subjects=tuple(subjects),
    epochs=6,
    warmup_epochs=1,
    jobs=1,
    output=folder / "bench",
)
results = run_benchmark(config, progress=False)
print(f"{len(results) // 2} cells, two rows each (best-validation and last epoch)")
print("SYNTHETIC DATA")
print(results[["subject", "fold", "method", "selection", "accuracy"]].head(8))

# %%
# The report
# ----------
# ``cmcrd bench`` writes ``report.md`` after the grid; the same function
# writes it here. Reruns skip finished cells: running ``run_benchmark`` again
# with this ``output`` folder trains nothing.
report = build_report(
    results,
    machine=machine(),
    wall_seconds=results.attrs["wall_seconds"],
    skipped=results.attrs["skipped"],
    output_dir=config.output,
)
text = report.read_text()
print(f"SYNTHETIC DATA  {report.name}, its score and gain tables:\n")
print(text[text.index("## paired_npz") : text.index("## Controls")])

# %%
# The report's figures
# --------------------
figures = sorted((config.output / "figures").glob("*.png"))
fig, axes = plt.subplots(1, len(figures), figsize=(5 * len(figures), 4), squeeze=False)
for ax, path in zip(axes[0], figures, strict=True):
    ax.imshow(matplotlib.image.imread(path))
    ax.set_title(path.name, fontsize=9)
    ax.axis("off")
fig.tight_layout()
