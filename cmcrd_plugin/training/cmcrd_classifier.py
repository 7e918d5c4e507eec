"""``CMCRDClassifier``: braindecode's ``EEGClassifier`` with a frozen teacher."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Literal

import numpy as np
import torch
from braindecode import EEGClassifier
from skorch.dataset import unpack_data
from skorch.utils import is_dataset, to_tensor
from torch import nn

from ..losses.base import Distiller, DistillResult
from ..losses.kd import kd_loss
from ..losses.mcc import MCCLoss
from ..models.features import declared_feature_size, forward_with_features
from .batches import ArrayBatches, WholeBatchReads, batch_loader
from .loss_parts import loss_part_scorers
from .resume import KeepInitializedNet
from .shapes import FeatureMatrixInputs, OnePredictionPerWindow
from .teacher_outputs import TeacherOutputs, compute_teacher_outputs
from .unlabeled import unlabeled_batches


def resolve_distiller(distiller: str | type) -> type[Distiller]:
    """The distiller class for a registered loss name (or the class itself)."""
    cls = distiller
    if isinstance(distiller, str):
        from .. import get_loss

        cls = get_loss(distiller)
    if not _is_distiller(cls):
        what = f"distiller {distiller!r}"
        if isinstance(distiller, str):
            name = getattr(cls, "__name__", cls)
            what = f"loss {distiller!r} ({name}) is registered but"
        hint = ""
        if distiller == "mcc":
            hint = (
                " MCC is a term of its own: CMCRDClassifier(mcc_weight=..., "
                "mcc_unlabeled=...) or TeacherClassifier(lambda_mcc=...)."
            )
        raise TypeError(
            f"{what} is not a cmcrd_plugin.losses.base.Distiller subclass; "
            f"registered distillers: {', '.join(_registered_distillers())}.{hint}"
        )
    return cls


def _is_distiller(cls) -> bool:
    return isinstance(cls, type) and issubclass(cls, Distiller)


def _registered_distillers() -> list[str]:
    """Names of the registered losses that are distillers (usable as ``distiller``)."""
    from .. import available, get_loss

    return [name for name in available("loss") if _is_distiller(get_loss(name))]


class CMCRDClassifier(
    KeepInitializedNet,
    OnePredictionPerWindow,
    WholeBatchReads,
    FeatureMatrixInputs,
    EEGClassifier,
):
    """A braindecode ``EEGClassifier`` that distils a frozen teacher into the model.

    Replace ``EEGClassifier`` by ``CMCRDClassifier`` in a braindecode script and
    add ``teacher=...``; fit on a dict (or a dataset yielding dicts) that holds
    the student input under ``"x"`` and the teacher input under
    ``teacher_key``::

        net = CMCRDClassifier(CMCRDMLP, teacher=eye_model, max_epochs=40, ...)
        net.fit({"x": eeg, "eye": eye}, y)
        net.predict(eeg)          # the student alone: EEG only at test time

    The training loss is ``CE + beta * distiller(...)`` (plus the optional KD
    and MCC terms below). The distiller is any registered
    :class:`~cmcrd_plugin.losses.base.Distiller`: ``"cmcrd"`` (default),
    ``"crd"``, ``"kd"``, ``"fitnet"``, ``"nst"``, ``"sp"``, ``"rkd"``,
    ``"pkt"``, or ``"none"`` (cross-entropy alone, no teacher needed). It sees
    the student feature (the input of ``module.final_layer``), the teacher
    feature (input of ``teacher.final_layer``), both logits, the labels and
    each window's row in the training set. The parts are recorded per batch
    in ``history`` (``ce_loss``, ``distill_loss``, ``distill_<part>``,
    ``kd_loss``, ``mcc_loss``) and averaged per epoch under the same names.
    The validation loss is the cross-entropy alone.

    In-memory training arrays are read a whole batch at a time (one index per
    array, no per-sample loop) when ``iterator_train`` is the default
    ``DataLoader`` with at most ``shuffle``, ``drop_last``, ``batch_size``
    and ``generator`` set; anything else is read sample by sample as skorch
    does.

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
    distiller : str or Distiller subclass
        Registered loss name or class, built as
        ``cls(student_dim, teacher_dim, **distiller__kwargs)``.
    beta : float or None
        Weight of the distillation term; ``None`` takes the distiller's
        ``default_weight`` (the authors' value: 0.02 for CMCRD and CRD, 10 for
        KD and NST, 1 for FitNet and RKD, 100 for SP, 1000 for PKT).
    kd_weight : float
        Weight of an extra Hinton KD term on the logits, added on top of any
        distiller (the authors' ``--kd`` flag). 0 (off) by default.
    kd_temperature : float
        Temperature of that KD term (4).
    mcc_weight : float
        Weight of Minimum Class Confusion on the student's logits for batches
        of ``mcc_unlabeled`` (the authors' flag). 0 (off) by default. With
        test-subject data as ``mcc_unlabeled`` this is *transductive*: the
        test inputs (not their labels) shape training.
    mcc_unlabeled : array-like, optional
        Unlabelled student inputs for that MCC term.
    teacher_key : str
        Key of the teacher input in the dict ``X``.
    feature_layer, teacher_feature_layer : str
        Heads whose input is the distilled feature.
    teacher_cache : bool or "auto"
        Compute the frozen teacher's logits and features for every training
        window once per fit, instead of a teacher forward pass per batch.
        ``"auto"`` (default) does so when the training data are in-memory
        arrays (``fit({"x": ..., "eye": ...}, y)``), whose teacher inputs are
        the same in every epoch. ``True`` also caches for a dataset: only
        correct when its teacher inputs carry no random transform. The cache
        (n_windows x (feature size + n_classes) floats) is dropped when
        training ends.
    distiller__* :
        Keyword arguments of the distiller (for example
        ``distiller__n_negatives=500``).
    *args, **kwargs :
        Everything ``EEGClassifier`` accepts.

    Notes
    -----
    The distiller's state (memory banks, normalising constants) is part of
    the checkpoint: ``Checkpoint(f_distiller="distiller.pt")`` or
    ``save_params(f_distiller=...)``. ``callbacks=[LoadInitState(checkpoint)]``
    restores it at train begin. So does skorch's other pattern,
    ``initialize()`` (with ``module__n_chans``, ``module__n_times``,
    ``module__n_outputs``) then ``load_params(..., f_distiller=...)`` then
    ``partial_fit``: the distiller is sized at ``initialize`` from a
    ``nn.Linear`` head or from one pass over zeros of the shape a braindecode
    model declares, and ``partial_fit`` trains the initialised net as it is
    (:mod:`~cmcrd_plugin.training.resume`; braindecode's own
    ``EEGClassifier`` would start afresh there).
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
        beta: float | None = None,
        kd_weight: float = 0.0,
        kd_temperature: float = 4.0,
        mcc_weight: float = 0.0,
        mcc_unlabeled=None,
        teacher_key: str = "eye",
        feature_layer: str = "final_layer",
        teacher_feature_layer: str = "final_layer",
        teacher_cache: bool | Literal["auto"] = "auto",
        **kwargs,
    ) -> None:
        self.teacher = teacher
        self.distiller = distiller
        self.beta = beta
        self.kd_weight = kd_weight
        self.kd_temperature = kd_temperature
        self.mcc_weight = mcc_weight
        self.mcc_unlabeled = mcc_unlabeled
        self.teacher_key = teacher_key
        self.feature_layer = feature_layer
        self.teacher_feature_layer = teacher_feature_layer
        self.teacher_cache = teacher_cache
        super().__init__(module, *args, **kwargs)

    # -- skorch set-up ---------------------------------------------------
    @property
    def _default_callbacks(self):
        parts = ("ce_loss", "distill_loss")
        return [*super()._default_callbacks, *loss_part_scorers(*parts)]

    @property
    def distill_weight(self) -> float:
        """``beta``, or the distiller's default weight when ``beta`` is None."""
        if self.beta is not None:
            return self.beta
        return resolve_distiller(self.distiller).default_weight

    def _uses_teacher(self) -> bool:
        return resolve_distiller(self.distiller).needs_teacher or self.kd_weight > 0

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
            if self._uses_teacher():
                raise ValueError(
                    "CMCRDClassifier needs teacher=<trained nn.Module>; train one "
                    "with TeacherClassifier and pass teacher_net.module_ (only "
                    "distiller='none' without kd_weight trains without a teacher)"
                )
            self.teacher_ = None
            return self
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
        self._distiller_built_for_ = None
        sizes = (
            declared_feature_size(self.module_, self.feature_layer),
            self._teacher_static_size(),
        )
        if None not in sizes:  # sizes known: build now, so load_params can restore it
            self._build_distiller(sizes)
        return self

    def load_params(self, *args, **kwargs):
        """As skorch's; ``f_distiller`` needs a distiller, with a clear error."""
        distiller_file = kwargs.get("f_distiller")
        if distiller_file is not None and getattr(self, "distiller_", None) is None:
            raise ValueError(
                f"cannot load f_distiller={distiller_file!r}: the distiller is built "
                "once its input sizes are known, and this model declares no input "
                "shape (n_chans, n_times) to size it from before any data is seen. "
                "Resume with callbacks=[LoadInitState(checkpoint)], which loads at "
                "train begin."
            )
        return super().load_params(*args, **kwargs)

    def _teacher_static_size(self) -> int | None:
        if self.teacher_ is None:
            return 0
        return declared_feature_size(self.teacher_, self.teacher_feature_layer)

    def _build_distiller(self, sizes: tuple[int, int]) -> None:
        cls = resolve_distiller(self.distiller)
        distiller = cls(*sizes, **self.get_params_for("distiller")).to(self.device)
        self.distiller_ = distiller
        if "distiller" not in self._criteria:
            # a trainable criterion: moved with the net, toggled train/eval,
            # optimised, saved with f_distiller, pickled device-independently
            with self._current_init_context("criterion"):
                self._register_attribute("distiller_", distiller, prefixes=False)
        self._distiller_built_for_ = sizes

    # -- distiller life cycle --------------------------------------------
    def _split_inputs(
        self, X: Mapping, cached: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        uses_teacher = self.teacher_ is not None and not cached
        if (
            not isinstance(X, Mapping)
            or "x" not in X
            or (uses_teacher and self.teacher_key not in X)
        ):
            keys = sorted(X) if isinstance(X, Mapping) else type(X).__name__
            raise KeyError(
                f"CMCRDClassifier trains on a dict with keys 'x' (student input) and "
                f"{self.teacher_key!r} (teacher input); got {keys}"
            )
        student = to_tensor(X["x"], device=self.device).float()
        if not uses_teacher:
            return student, None
        return student, to_tensor(X[self.teacher_key], device=self.device).float()

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
            f_t_size = 0
            if self.teacher_ is not None:
                _, f_t = forward_with_features(
                    self.teacher_, teacher, self.teacher_feature_layer
                )
                f_t_size = f_t.shape[1]
        self.module_.train(was_training)
        return f_s.shape[1], f_t_size

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        sizes = self._feature_sizes(X, y)
        if self._distiller_built_for_ != sizes:
            self._build_distiller(sizes)
            self._initialize_optimizer()  # the distiller's heads are trainable
        if self.mcc_weight > 0 and self.mcc_unlabeled is None:
            raise ValueError("mcc_weight > 0 needs mcc_unlabeled (student inputs)")
        unlabeled = self.mcc_unlabeled if self.mcc_weight > 0 else None
        self.unlabeled_batches_ = unlabeled_batches(unlabeled, self.batch_size)

    def get_split_datasets(self, X, y=None, **fit_params):
        from .datasets import IndexedDataset, dataset_labels

        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        labels = torch.as_tensor(dataset_labels(dataset_train)).long()
        current = self.distiller_.train_labels
        if len(current) != len(labels) or not torch.equal(current.cpu(), labels):
            self.distiller_.set_training_labels(labels)
        keys = ["x"] if self.teacher_ is None else ["x", self.teacher_key]
        batches = self.batch_reads(dataset_train, keys)
        self.teacher_outputs_ = None
        if isinstance(self.teacher_cache, str) and self.teacher_cache != "auto":
            raise ValueError(
                "teacher_cache must be True, False or 'auto', "
                f"got {self.teacher_cache!r}"
            )
        cache = (
            batches is not None
            if self.teacher_cache == "auto"
            else bool(self.teacher_cache)
        )
        if self.teacher_ is not None and cache:
            self.teacher_outputs_ = self._compute_teacher_outputs(
                batches if batches is not None else IndexedDataset(dataset_train)
            )
            if batches is not None:  # the teacher inputs are no longer read
                batches.arrays.pop(self.teacher_key)
        if batches is not None:
            return batches, dataset_valid
        return IndexedDataset(dataset_train), dataset_valid

    def _compute_teacher_outputs(self, dataset) -> TeacherOutputs:
        if isinstance(dataset, ArrayBatches):
            loader = batch_loader(dataset, batch_size=max(self.batch_size, 1024))
        else:
            loader = torch.utils.data.DataLoader(dataset, batch_size=self.batch_size)
        # iterating a DataLoader draws a seed from the global generator: the
        # pre-pass leaves the random stream (shuffles, negatives) as it was
        with torch.random.fork_rng(devices=[]):
            inputs = (self._split_inputs(X)[1] for X, _ in loader)
            return compute_teacher_outputs(
                self.teacher_, inputs, self.teacher_feature_layer
            )

    def on_train_end(self, net, X=None, y=None, **kwargs):
        super().on_train_end(net, X=X, y=y, **kwargs)
        self.teacher_outputs_ = None  # valid for this fit's training set only

    # -- training and inference ------------------------------------------
    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        cached = getattr(self, "teacher_outputs_", None)
        student, teacher = self._split_inputs(Xi, cached=cached is not None)
        index = to_tensor(Xi["index"], device=self.device).long()
        y_true = to_tensor(yi, device=self.device)
        logits_s, f_s = forward_with_features(self.module_, student, self.feature_layer)
        ce = self.get_loss(logits_s, y_true, X=Xi, training=True)
        if cached is not None:
            logits_t, f_t = cached.take(index)
        elif self.teacher_ is not None:
            with torch.no_grad():
                self.teacher_.eval()
                logits_t, f_t = forward_with_features(
                    self.teacher_, teacher, self.teacher_feature_layer
                )
        else:
            logits_t = f_t = None
        out = self.distiller_(f_s, f_t, logits_s, logits_t, y_true, index)
        distill, parts = (
            (out.loss, out.parts) if isinstance(out, DistillResult) else (out, {})
        )
        loss = ce + self.distill_weight * distill
        record = {"ce_loss": ce, "distill_loss": distill}
        record.update({f"distill_{k}": v for k, v in parts.items()})
        if self.kd_weight > 0:
            record["kd_loss"] = kd_loss(logits_s, logits_t, self.kd_temperature)
            loss = loss + self.kd_weight * record["kd_loss"]
        if self.unlabeled_batches_ is not None:
            logits_u = self.module_(self.unlabeled_batches_.next(self.device))
            record["mcc_loss"] = MCCLoss()(logits_u)
            loss = loss + self.mcc_weight * record["mcc_loss"]
        loss.backward()
        for name, value in record.items():
            self.history.record_batch(name, value.item())
        return {"loss": loss, "y_pred": logits_s}

    def infer(self, x, **fit_params):
        """Run the student alone; a dict input contributes only its ``"x"``."""
        if isinstance(x, Mapping):
            x = x["x"]
        x = to_tensor(x, device=self.device)
        return self.module_(x, **fit_params)
