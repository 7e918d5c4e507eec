"""Peak memory of a CMCRD run vs an EEG-only run at the cross-subject size.

Each run trains one epoch of the paper's MLP on n = 27,000 random DE windows
(the leave-one-subject-out size: 15 SEED-V-like subjects) in a fresh
subprocess; CMCRD uses K = 24,000 negatives and memory banks of 27,000 rows.
Printed: the peak resident set size of each process, the part of it added by
training (peak minus the RSS after imports and data creation), and the ratios.
Random data: a memory measurement, not an accuracy result.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, torch
from braindecode import EEGClassifier
from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier

def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024

mode, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
eeg = rng.standard_normal((n, 62, 5), dtype=np.float32)
eye = rng.standard_normal((n, 33, 1), dtype=np.float32)
y = rng.integers(0, 5, n)
teacher = CMCRDMLP(n_outputs=5, n_chans=33, n_times=1).eval()
common = dict(optimizer=torch.optim.AdamW, batch_size=32, train_split=None,
              verbose=0, max_epochs=1)
before = rss_kib()
if mode == "eeg":
    EEGClassifier(CMCRDMLP, **common).fit(eeg, y)
else:
    CMCRDClassifier(CMCRDMLP, teacher=teacher, distiller__n_negatives=24000,
                    **common).fit({"eeg": eeg, "eye": eye}, y)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kib": before, "peak_kib": peak}))
"""


def run(mode: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    n = 27_000
    eeg, cmcrd = run("eeg", n), run("cmcrd", n)
    print(f"one epoch, MLP, n={n} random windows, batch 32; CMCRD with K=24000")
    print(f"{'run':<10}{'peak RSS MiB':>14}{'training MiB':>14}")
    for name, r in (("EEG-only", eeg), ("CMCRD", cmcrd)):
        grow = r["peak_kib"] - r["before_kib"]
        print(f"{name:<10}{r['peak_kib'] / 1024:>14.0f}{grow / 1024:>14.0f}")
    ratio = cmcrd["peak_kib"] / eeg["peak_kib"]
    grow = (cmcrd["peak_kib"] - cmcrd["before_kib"]) / max(
        eeg["peak_kib"] - eeg["before_kib"], 1
    )
    print(f"peak RSS ratio CMCRD / EEG-only: {ratio:.2f}")
    print(f"training-added memory ratio:     {grow:.2f}")


if __name__ == "__main__":
    main()
