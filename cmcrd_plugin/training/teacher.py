"""Teacher training (cross-entropy + MCC) and loading a pre-trained teacher."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import torch
from skorch.utils import to_tensor
from torch import nn

from .base import PairedEEGClassifier
from .loss_parts import loss_part_scorers
from .step import DistillationStep


class TeacherClassifier(PairedEEGClassifier):
    """``EEGClassifier`` trained with cross-entropy + ``mcc_weight`` * MCC.

    The teacher of CMCRD: an eye-movement model by default
    (``teacher_key="eye"``), or an EEG model for an eye-movement student
    (``teacher_key="eeg"``). It fits on the teacher's modality alone
    (``fit(eye, y)``) or on paired data keyed by modality, from which it
    reads ``teacher_key``: ``fit({"eeg": eeg, "eye": eye}, y)`` or
    ``fit(paired_dataset)`` (a paired TorchEEG dataset or split, labels read
    from it). ``predict`` likewise takes the modality alone or paired data.

    MCC (:class:`~cmcrd_plugin.losses.MCCLoss`) is applied to the logits of
    every training batch, or, with ``mcc_unlabeled``, of a batch of those
    unlabelled inputs drawn alongside each training batch (in an order
    seeded from torch's global generator at train begin, so
    ``torch.manual_seed`` fixes it): the MCC term of
    :class:`~cmcrd_plugin.training.step.DistillationStep`, which computes
    this loss (in teacher mode: no teacher, no distiller), as it computes a
    student's. The authors' released script computes MCC but never
    backpropagates it; we do, and ``mcc_weight=0`` gives plain
    cross-entropy. The two parts are recorded per batch as ``ce_loss`` and
    ``mcc_loss`` (``mcc_loss`` only when ``mcc_weight > 0``). Validation
    loss is cross-entropy.

    Parameters
    ----------
    mcc_weight : float
        Weight of the MCC term (default 1.0, the MCC paper's trade-off; 0
        switches MCC off).
    mcc_temperature : float
        Softmax temperature of MCC (2.5).
    mcc_unlabeled : array-like, optional
        Unlabelled inputs (teacher modality) for MCC. Passing the test
        subject's inputs makes training *transductive* (their labels are never
        used, but their distribution is); leave it ``None`` for the inductive
        protocol.
    teacher_key : str
        The modality the teacher reads in paired data (``"eye"``).
    modalities : mapping of str to list of str, optional
        On an :class:`mne.Epochs`, the MNE channel types of each modality
        (default ``{"eeg": ["eeg"], "eye": ["eyegaze", "pupil"]}``): the
        model reads its modality's channels, and braindecode sizes it from
        them (``n_times``, ``sfreq``, ``chs_info``).
    lambda_mcc : float, optional
        Deprecated name of ``mcc_weight`` (a ``FutureWarning``; removed in
        the next release). When given, it is the MCC weight.
    *args, **kwargs :
        Everything ``EEGClassifier`` accepts.

    Notes
    -----
    Everything the two trainers share (data keyed by modality, whole-batch
    reads, resuming, one prediction per window) is described in
    :mod:`cmcrd_plugin.training.base`.
    """

    input_key_argument = "teacher_key"

    def __init__(
        self,
        module,
        *args,
        mcc_weight: float = 1.0,
        mcc_temperature: float = 2.5,
        mcc_unlabeled=None,
        teacher_key: str = "eye",
        modalities=None,
        lambda_mcc: float | None = None,
        **kwargs,
    ) -> None:
        self.mcc_weight = mcc_weight
        self.mcc_temperature = mcc_temperature
        self.mcc_unlabeled = mcc_unlabeled
        self.teacher_key = teacher_key
        self.modalities = modalities
        self.lambda_mcc = lambda_mcc
        super().__init__(module, *args, **kwargs)

    def step_settings(self) -> dict[str, Any]:
        """As the base's; a deprecated ``lambda_mcc`` is the MCC weight."""
        settings = super().step_settings()
        if self.lambda_mcc is not None:
            settings["mcc_weight"] = self.lambda_mcc
        return settings

    def initialize_module(self):
        """The model, and the step computing its loss (teacher mode)."""
        super().initialize_module()
        if self.lambda_mcc is not None:
            warnings.warn(
                "TeacherClassifier(lambda_mcc=...) is deprecated and will be removed "
                "in the next release; use mcc_weight=... (the name CMCRDClassifier "
                "and CMCRDTrainer use)",
                FutureWarning,
                stacklevel=2,
            )
        step = DistillationStep(self.module_, distiller=None, **self.step_settings())
        self._set_step(step)
        return self

    @property
    def _default_callbacks(self):
        return [*super()._default_callbacks, *loss_part_scorers("ce_loss", "mcc_loss")]

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        batches = self.batch_reads(dataset_train, [self.teacher_key])
        if batches is None:  # the teacher's modality alone
            batches = self.batch_reads(dataset_train, None)
        return (dataset_train if batches is None else batches), dataset_valid

    def step_inputs(self, Xi, yi) -> dict[str, Any]:
        """The batch for ``step_``: the model's input (its shape checked),
        labels and a batch of ``mcc_unlabeled``."""
        return {
            "x": self.checked_input(Xi),
            "y": to_tensor(yi, device=self.device),
            "x_unlabeled": self.mcc_input(),
        }


def load_teacher(
    module: nn.Module, f_params: str | Path | None = None, device: str = "cpu"
) -> nn.Module:
    """Return a teacher ready to pass as ``CMCRDClassifier(teacher=...)``.

    Parameters
    ----------
    module : nn.Module or fitted skorch net
        The architecture (an instance), or a fitted ``TeacherClassifier`` /
        ``EEGClassifier`` whose ``module_`` is used.
    f_params : path, optional
        A state dict saved by ``net.save_params(f_params=...)`` or
        ``torch.save(model.state_dict(), ...)``; loaded with
        ``weights_only=True`` (no code runs from the file).
    device : str
        Where to load the weights.
    """
    if hasattr(module, "module_"):
        module = module.module_
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"expected an nn.Module or fitted net, got {type(module).__name__}"
        )
    if f_params is not None:
        state = torch.load(f_params, map_location=device, weights_only=True)
        missing, unexpected = module.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise ValueError(
                f"{f_params}: parameters do not match {type(module).__name__} "
                f"(missing {list(missing)}, unexpected {list(unexpected)})"
            )
    return module.eval()
