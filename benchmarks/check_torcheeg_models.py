"""Which TorchEEG models train as CMCRD students, and with which ``feature_layer``?

TorchEEG models name their classifier heads in their own ways, and each
expects its own input layout. This script builds the classifiers of
``torcheeg.models`` with 3 classes and one input layout each (the layouts
their defaults imply), takes each model's last ``nn.Linear`` as the head
(``feature_layer``), and trains one epoch of ``EEGClassifier`` and of
``CMCRDClassifier`` (an eye-movement MLP teacher) on random inputs of that
layout. It prints the ``feature_layer`` to pass and the feature size.
``import torcheeg.models`` needs ``torch_scatter`` for RGNN only; without it
a stub is put in its place, so RGNN is left out. Random data, a
compatibility check: the losses mean nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
import types
import warnings

from model_survey import ONE_EPOCH, outcome, random_eye_teacher

# model: (constructor keyword arguments besides num_classes, one input's shape)
LAYOUTS = {
    "ArjunViT": ({"num_electrodes": 32, "chunk_size": 128}, (32, 128)),
    "CCNN": ({}, (4, 9, 9)),
    "Conformer": ({"num_electrodes": 62, "sampling_rate": 200}, (1, 62, 200)),
    "DGCNN": ({}, (62, 5)),
    "EEGNet": ({}, (1, 60, 151)),
    "FBCCNN": ({}, (4, 9, 9)),
    "FBCNet": ({}, (9, 20, 1000)),
    "FBMSNet": (
        {"in_channels": 9, "num_electrodes": 20, "chunk_size": 1000},
        (9, 20, 1000),
    ),
    "GRU": ({}, (32, 128)),
    "LMDA": ({}, (1, 22, 1750)),
    "LSTM": ({}, (32, 128)),
    "STNet": ({}, (128, 9, 9)),
    "SSTEmotionNet": ({}, (30, 32, 32)),
    "SimpleViT": ({}, (128, 9, 9)),
    "TSCeption": ({}, (1, 28, 512)),
    "TSLANet": ({}, (1, 3000)),
    "VanillaTransformer": ({}, (32, 128)),
    "ViT": ({}, (128, 9, 9)),
}


def _last_linear(model) -> str | None:
    from torch import nn

    names = [n for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    return names[-1] if names else None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", nargs="*", help="model names (default: all)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    try:
        import torch_scatter  # noqa: F401
    except ImportError:  # only RGNN needs it
        sys.modules["torch_scatter"] = types.SimpleNamespace(scatter_add=None)

    import numpy as np
    import torcheeg
    import torcheeg.models as tm
    from braindecode import EEGClassifier

    from cmcrd_plugin.training import CMCRDClassifier

    rng = np.random.default_rng(0)
    y, eye, teacher = random_eye_teacher(rng)
    n = len(y)
    print(f"RANDOM DATA: torcheeg {torcheeg.__version__}, {n} windows, 3 classes")
    print(f"{'model':<20}{'input':<16}{'EEGClassifier':<15}{'CMCRD':<7}note")
    ok = 0
    names = args.models or list(LAYOUTS)
    for name in names:
        kwargs, shape = LAYOUTS[name]
        x = rng.normal(size=(n, *shape)).astype(np.float32)
        layer = _last_linear(getattr(tm, name)(num_classes=3, **kwargs))
        start = time.perf_counter()

        def plain(name=name, kwargs=kwargs, x=x):
            model = getattr(tm, name)(num_classes=3, **kwargs)
            EEGClassifier(model, **ONE_EPOCH).fit(x, y)
            return ""

        def cmcrd(name=name, kwargs=kwargs, x=x, layer=layer):
            model = getattr(tm, name)(num_classes=3, **kwargs)
            net = CMCRDClassifier(
                model, teacher=teacher, feature_layer=layer, **ONE_EPOCH
            ).fit({"eeg": x, "eye": eye}, y)
            return f'feature_layer="{layer}", feature size {net.distiller_.student_dim}'

        base, base_msg = outcome(plain)
        ours, ours_msg = outcome(cmcrd)
        ok += ours == "OK"
        note = ours_msg if ours == "OK" else f"{ours_msg[:60]}"
        seconds = time.perf_counter() - start
        print(f"{name:<20}{str(shape):<16}{base:<15}{ours:<7}{note} ({seconds:.1f} s)")
    print(f"{len(names)} models: {ok} train as CMCRD students with that feature_layer")


if __name__ == "__main__":
    main()
