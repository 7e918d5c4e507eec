"""``CMCRDClassifier``: braindecode's ``EEGClassifier`` with a frozen teacher."""

from __future__ import annotations

import copy
from collections.abc import Mapping

import numpy as np
import torch
from braindecode import EEGClassifier
from skorch.dataset import unpack_data
from skorch.utils import is_dataset, to_tensor
from torch import nn

from ..models.features import forward_with_features
from .loss_parts import loss_part_scorers


def _resolve_distiller(distiller: str | type) -> type:
    if isinstance(distiller, str):
        from .. import get_loss

        return get_loss(distiller)
    return distiller


class CMCRDClassifier(EEGClassifier):
    """A braindecode ``EEGClassifier`` that distils a frozen teacher into the model.

    Replace ``EEGClassifier`` by ``CMCRDClassifier`` in a braindecode script and
    add ``teacher=...``; fit on a dict (or a dataset yielding dicts) that holds
    the student input under ``"x"`` and the teacher input under
    ``teacher_key``::

        net = CMCRDClassifier(CMCRDMLP, teacher=eye_model, max_epochs=40, ...)
        net.fit({"x": eeg, "eye": eye}, y)
        net.predict(eeg)          # the student alone: EEG only at test time

    The training loss is ``CE(student logits, y) + beta * distiller(...)`` where
    the distiller (``"cmcrd"`` by default, looked up in the registry) sees the
    student feature (the input of ``module.final_layer``), the teacher feature
    (input of ``teacher.final_layer``), both logits, the labels and each
    window's row in the training set. Both parts are recorded per batch in
    ``history`` as ``ce_loss`` and ``distill_loss`` (and averaged per epoch
    under the same names). The validation loss is the cross-entropy alone.

    Roles are symmetric: for an EEG teacher and an eye-movement student, put
    the eye features under ``"x"`` and the EEG under ``teacher_key``.

    Parameters
    ----------
    module : str, class or nn.Module
        The student, as for ``EEGClassifier``.
    teacher : nn.Module
        The trained teacher (for example ``teacher_net.module_`` or
        :func:`~cmcrd_plugin.training.teacher.load_teacher`). It is copied,
        frozen, kept in eval mode and left out of the optimiser.
    distiller : str or class
        Registered loss name or a class called as
        ``cls(student_dim, teacher_dim, **distiller__kwargs)`` that has
        ``reset_memory(labels)`` and is called as
        ``loss(f_s, f_t, logits_s, logits_t, y, index)``.
    beta : float
        Weight of the distillation term (0.02 for CMCRD, the authors' value).
    teacher_key : str
        Key of the teacher input in the dict ``X``.
    feature_layer, teacher_feature_layer : str
        Heads whose input is the distilled feature.
    distiller__* :
        Keyword arguments of the distiller (for example
        ``distiller__n_negatives=500``).
    *args, **kwargs :
        Everything ``EEGClassifier`` accepts.
    """

    # "teacher" and "distiller" are known prefixes so that teacher=... and
    # distiller__*=... pass skorch's parameter validation before fit.
    prefixes_ = [*EEGClassifier.prefixes_, "teacher", "distiller"]

    def __init__(
        self,
        module,
        *args,
        teacher: nn.Module | None = None,
        distiller: str | type = "cmcrd",
        beta: float = 0.02,
        teacher_key: str = "eye",
        feature_layer: str = "final_layer",
        teacher_feature_layer: str = "final_layer",
        **kwargs,
    ) -> None:
        self.teacher = teacher
        self.distiller = distiller
        self.beta = beta
        self.teacher_key = teacher_key
        self.feature_layer = feature_layer
        self.teacher_feature_layer = teacher_feature_layer
        super().__init__(module, *args, **kwargs)

    # -- skorch set-up ---------------------------------------------------
    @property
    def _default_callbacks(self):
        return [
            *super()._default_callbacks,
            *loss_part_scorers("ce_loss", "distill_loss"),
        ]

    def _set_signal_args(self, X, y, classes):
        # braindecode infers n_chans/n_times from the student input only
        if isinstance(X, Mapping):
            X = X["x"]
        elif is_dataset(X) and len(X) and isinstance(X[0][0], Mapping):
            from .datasets import StudentView

            X = StudentView(X)
        return super()._set_signal_args(X, y, classes)

    def initialize_module(self):
        super().initialize_module()
        teacher = self.teacher
        if teacher is None:
            raise ValueError(
                "CMCRDClassifier needs teacher=<trained nn.Module>; train one with "
                "TeacherClassifier and pass teacher_net.module_"
            )
        if not isinstance(teacher, nn.Module):
            hint = ""
            if hasattr(teacher, "module_"):
                hint = " Pass the fitted net's .module_ (so that clone() keeps it)."
            raise TypeError(
                "teacher must be a torch nn.Module, got "
                f"{type(teacher).__name__}.{hint}"
            )
        frozen = copy.deepcopy(teacher).to(self.device).eval()
        frozen.requires_grad_(False)
        self.teacher_ = frozen  # not a skorch-registered module: never optimised
        return self

    def initialize_criterion(self):
        super().initialize_criterion()
        # the distiller is built in on_train_begin, once feature sizes are known
        self._distiller_built_for_ = None
        return self

    # -- distiller life cycle --------------------------------------------
    def _split_inputs(self, X: Mapping) -> tuple[torch.Tensor, torch.Tensor]:
        if not isinstance(X, Mapping) or self.teacher_key not in X or "x" not in X:
            keys = sorted(X) if isinstance(X, Mapping) else type(X).__name__
            raise KeyError(
                f"CMCRDClassifier trains on a dict with keys 'x' (student input) and "
                f"{self.teacher_key!r} (teacher input); got {keys}"
            )
        student = to_tensor(X["x"], device=self.device).float()
        teacher = to_tensor(X[self.teacher_key], device=self.device).float()
        return student, teacher

    def _feature_sizes(self, X, y) -> tuple[int, int]:
        dataset = self.get_dataset(X, y)
        first = dataset[0][0]
        if not isinstance(first, Mapping):
            raise TypeError(
                "CMCRDClassifier.fit needs X = {'x': student_input, "
                f"{self.teacher_key!r}: teacher_input}} (or a dataset yielding such "
                f"dicts); got samples of type {type(first).__name__}"
            )
        batch = {k: torch.as_tensor(np.asarray(v))[None] for k, v in first.items()}
        student, teacher = self._split_inputs(batch)
        was_training = self.module_.training
        self.module_.eval()
        with torch.no_grad():
            _, f_s = forward_with_features(self.module_, student, self.feature_layer)
            _, f_t = forward_with_features(
                self.teacher_, teacher, self.teacher_feature_layer
            )
        self.module_.train(was_training)
        return f_s.shape[1], f_t.shape[1]

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        sizes = self._feature_sizes(X, y)
        if self._distiller_built_for_ != sizes:
            cls = _resolve_distiller(self.distiller)
            distiller = cls(*sizes, **self.get_params_for("distiller")).to(self.device)
            self.distiller_ = distiller
            if "distiller" not in self._criteria:
                # a trainable criterion: moved with the net, toggled train/eval,
                # optimised, pickled device-independently
                with self._current_init_context("criterion"):
                    self._register_attribute("distiller_", distiller, prefixes=False)
            self._distiller_built_for_ = sizes
            self._initialize_optimizer()  # the heads of the distiller are trainable

    def get_split_datasets(self, X, y=None, **fit_params):
        from .datasets import IndexedDataset, dataset_labels

        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        labels = torch.as_tensor(dataset_labels(dataset_train)).long()
        current = getattr(self.distiller_, "labels", None)
        if (
            current is None
            or len(current) != len(labels)
            or not torch.equal(current.cpu(), labels)
        ):
            self.distiller_.reset_memory(labels)
        return IndexedDataset(dataset_train), dataset_valid

    # -- training and inference ------------------------------------------
    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        student, teacher = self._split_inputs(Xi)
        index = to_tensor(Xi["index"], device=self.device).long()
        y_true = to_tensor(yi, device=self.device)
        logits_s, f_s = forward_with_features(self.module_, student, self.feature_layer)
        ce = self.get_loss(logits_s, y_true, X=Xi, training=True)
        with torch.no_grad():
            self.teacher_.eval()
            logits_t, f_t = forward_with_features(
                self.teacher_, teacher, self.teacher_feature_layer
            )
        distill = self.distiller_(f_s, f_t, logits_s, logits_t, y_true, index)
        loss = ce + self.beta * distill
        loss.backward()
        self.history.record_batch("ce_loss", ce.item())
        self.history.record_batch("distill_loss", distill.item())
        return {"loss": loss, "y_pred": logits_s}

    def infer(self, x, **fit_params):
        """Run the student alone; a dict input contributes only its ``"x"``."""
        if isinstance(x, Mapping):
            x = x["x"]
        x = to_tensor(x, device=self.device)
        return self.module_(x, **fit_params)
