"""Which braindecode models train as CMCRD students (and as EEG-only nets)?

For every braindecode model (every ``EEGModuleMixin`` subclass in
``braindecode.models``, or the ones named with ``--models``), one epoch of
``EEGClassifier`` and one epoch of ``CMCRDClassifier`` (an eye-movement MLP
teacher, the default CMCRD loss) on the same random raw windows. A model
that fails under both with the same error needs inputs of its own (channel
positions, longer windows); a model that fails only under
``CMCRDClassifier`` is a bug of this package. Random data, a compatibility
check: the losses mean nothing.
"""

from __future__ import annotations

import argparse
import time
import warnings

from model_survey import ONE_EPOCH, outcome, random_eye_teacher


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", nargs="*", help="model names (default: all)")
    parser.add_argument("--n-chans", type=int, default=22)
    parser.add_argument("--n-times", type=int, default=1000)
    parser.add_argument("--sfreq", type=float, default=250.0)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    import braindecode
    import braindecode.models as bm
    import numpy as np
    from braindecode import EEGClassifier
    from braindecode.models.base import EEGModuleMixin

    from cmcrd_plugin.training import CMCRDClassifier

    names = args.models or sorted(
        name
        for name in dir(bm)
        if isinstance(getattr(bm, name), type)
        and issubclass(getattr(bm, name), EEGModuleMixin)
        and getattr(bm, name) is not EEGModuleMixin
    )
    rng = np.random.default_rng(0)
    y, eye, teacher = random_eye_teacher(rng)
    n = len(y)
    eeg = rng.normal(size=(n, args.n_chans, args.n_times)).astype(np.float32)
    print(
        f"RANDOM DATA: braindecode {braindecode.__version__}, {n} windows of "
        f"{args.n_chans} x {args.n_times} at {args.sfreq:g} Hz, 3 classes, "
        "one epoch each"
    )
    print(f"{'model':<26}{'EEGClassifier':<16}{'CMCRDClassifier':<18}note")
    tally = {"both": 0, "same error": 0, "CMCRD only": 0, "other": 0}
    for name in names:
        cls = getattr(bm, name)
        kwargs = dict(ONE_EPOCH, module__sfreq=args.sfreq)
        start = time.perf_counter()

        def plain(cls=cls, kwargs=kwargs):
            EEGClassifier(cls, **kwargs).fit(eeg, y)
            return ""

        def cmcrd(cls=cls, kwargs=kwargs):
            net = CMCRDClassifier(cls, teacher=teacher, **kwargs)
            net.fit({"eeg": eeg, "eye": eye}, y)
            return f"feature size {net.distiller_.student_dim}"

        base, base_msg = outcome(plain)
        ours, ours_msg = outcome(cmcrd)
        if base == ours == "OK":
            tally["both"] += 1
            note = ours_msg
        elif base != "OK" and (ours, ours_msg) == (base, base_msg):
            tally["same error"] += 1
            note = f"same error: {base_msg[:70]}"
        elif base == "OK":
            tally["CMCRD only"] += 1
            note = f"FAILS ONLY WITH CMCRD: {ours_msg[:70]}"
        else:
            tally["other"] += 1
            note = f"{base_msg[:35]} | {ours_msg[:35]}"
        seconds = time.perf_counter() - start
        print(f"{name:<26}{base:<16}{ours:<18}{note} ({seconds:.1f} s)")
    print(
        f"{len(names)} models: {tally['both']} train under both, "
        f"{tally['same error']} fail under both with the same error, "
        f"{tally['CMCRD only']} fail only under CMCRDClassifier, "
        f"{tally['other']} fail differently"
    )


if __name__ == "__main__":
    main()
