"""Student architectures of a run, from the toolkits' own registries.

``archs`` names registered models (``mlp``, ``dgcnn``) or braindecode model
classes; the token ``braindecode`` stands for every braindecode model
(every ``EEGModuleMixin`` subclass in ``braindecode.models``). Before the
grid runs, each architecture is built for the dataset's input shape and run
once on zeros; the ones that do not build (they need channel positions,
longer windows, a download, ...) are skipped, each with its reason, and the
report lists them.
"""

from __future__ import annotations

import warnings

import torch

from ..models.features import forward_with_features

BRAINDECODE = "braindecode"


def braindecode_models() -> list[str]:
    """Names of every braindecode model class."""
    import braindecode.models as bm
    from braindecode.models.base import EEGModuleMixin

    return sorted(
        name
        for name in dir(bm)
        if isinstance(getattr(bm, name), type)
        and issubclass(getattr(bm, name), EEGModuleMixin)
        and getattr(bm, name) is not EEGModuleMixin
    )


def expand(archs: tuple[str, ...]) -> list[str]:
    """``archs`` with the ``braindecode`` token replaced by every braindecode model."""
    names: list[str] = []
    for arch in archs:
        for name in braindecode_models() if arch == BRAINDECODE else [arch]:
            if name not in names:
                names.append(name)
    return names


def check(arch: str, n_chans: int, n_times: int, n_outputs: int) -> str | None:
    """``None`` if ``arch`` builds and runs on zeros of this shape, else why not."""
    from .methods import resolve_arch

    try:
        cls = resolve_arch(arch)
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            model = cls(n_chans=n_chans, n_times=n_times, n_outputs=n_outputs).eval()
            logits, _ = forward_with_features(model, torch.zeros(2, n_chans, n_times))
        if tuple(logits.shape) != (2, n_outputs):
            return f"outputs of shape {tuple(logits.shape)}, not (2, {n_outputs})"
    except Exception as exc:  # noqa: BLE001 - a survey: report, go on
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    return None


def survey(
    archs: tuple[str, ...], n_chans: int, n_times: int, n_outputs: int
) -> tuple[list[str], list[dict]]:
    """The architectures that build, and ``{"arch", "reason"}`` for the others."""
    built, skipped = [], []
    for arch in expand(archs):
        reason = check(arch, n_chans, n_times, n_outputs)
        if reason is None:
            built.append(arch)
        else:
            skipped.append({"arch": arch, "reason": reason})
    return built, skipped
