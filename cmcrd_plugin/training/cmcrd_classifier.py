"""``CMCRDClassifier``: braindecode's ``EEGClassifier`` with a frozen teacher."""

from __future__ import annotations

import math
import numbers
import random
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import torch
from braindecode import EEGClassifier
from sklearn.base import clone
from skorch.helper import predefined_split
from skorch.utils import to_tensor
from torch import nn

from ..losses.base import Distiller
from .base import PairedEEGClassifier
from .batches import ArrayBatches, batch_loader
from .datasets import IndexedDataset, dataset_labels
from .loss_parts import loss_part_scorers
from .step import DistillationStep, resolve_distiller
from .teacher_outputs import TeacherOutputs, compute_teacher_outputs

AUTO_BETA_GRID = (0.0, 0.005, 0.02, 0.1)


class CMCRDClassifier(PairedEEGClassifier):
    """A braindecode ``EEGClassifier`` that distils a frozen teacher into the model.

    Replace ``EEGClassifier`` by ``CMCRDClassifier`` in a braindecode script and
    add ``teacher=...``; fit on data keyed by modality, a dict (or
    :class:`skorch.helper.SliceDict`) or a dataset yielding such dicts (the
    paired TorchEEG datasets)::

        net = CMCRDClassifier(CMCRDMLP, teacher=eye_model, max_epochs=40, ...)
        net.fit({"eeg": eeg, "eye": eye}, y)
        net.predict(eeg)          # the student alone: EEG only at test time

    The student reads ``student_key`` (``"eeg"``), the teacher
    ``teacher_key`` (``"eye"``); swap them to train an eye-movement student
    from an EEG teacher. ``predict``, ``predict_proba`` and ``score`` take
    the student's modality alone or paired data holding it; ``predict_proba``
    returns probabilities (softmax of the logits).

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

    Parameters
    ----------
    module : str, class or nn.Module
        The student, as for ``EEGClassifier``.
    teacher : nn.Module, optional
        The trained teacher (for example ``teacher_net.module_`` or
        :func:`~cmcrd_plugin.training.teacher.load_teacher`). It is copied,
        frozen, kept in eval mode and left out of the optimiser. Needed to
        train (except with ``distiller="none"`` and no ``kd_weight``), not
        to predict: a saved student loads without it.
    distiller : str or Distiller subclass
        Registered loss name or class, built as
        ``cls(student_dim, teacher_dim, **distiller__kwargs)``.
    beta : float, None or "auto"
        Weight of the distillation term; ``None`` takes the distiller's
        ``default_weight`` (the authors' value: 0.02 for CMCRD and CRD, 10 for
        KD and NST, 1 for FitNet and RKD, 100 for SP, 1000 for PKT).
        ``"auto"`` chooses it on the validation split: ``train_split`` cuts
        it once, then one fit per value of ``beta_grid`` on the same training
        rows, each from the same random state (torch, numpy, Python), and the
        net keeps the fit whose returned model scores the highest accuracy
        on the validation rows (ties go to the smaller weight). Each fit is a
        clone: its callbacks are copies (a ``Checkpoint``'s files hold the
        last weight tried), and ``warm_start`` does not apply. With 0 in the
        grid the student falls back to cross-entropy alone when the teacher
        does not help on validation. The chosen weight is ``beta_``, every
        value's score ``beta_scores_``; ``fit`` costs ``len(beta_grid)``
        fits. A ``KeyboardInterrupt`` ends the search as skorch ends a fit:
        the net keeps the best weight trained to the end so far (or the
        interrupted fit, if none was), and ``interrupted_`` is True.
    beta_grid : sequence of float
        The weights ``beta="auto"`` tries: ``(0, 0.005, 0.02, 0.1)`` by
        default, a small grid around the authors' 0.02 (larger weights of the
        signed CMCRD term can pull the student below chance).
    kd_weight : float
        Weight of an extra Hinton KD term on the logits, added on top of any
        distiller (the authors' ``--kd`` flag). 0 (off) by default.
    kd_temperature : float
        Temperature of that KD term (4).
    mcc_weight : float
        Weight of Minimum Class Confusion on the student's logits (the
        authors' flag): on a batch of ``mcc_unlabeled`` drawn with each
        training batch when given, otherwise on the training batch's logits.
        0 (off) by default. With test-subject data as ``mcc_unlabeled`` this
        is *transductive*: the test inputs (not their labels) shape training.
        The batch order is seeded from torch's global generator at train
        begin.
    mcc_temperature : float
        Softmax temperature of MCC (2.5).
    mcc_unlabeled : array-like, optional
        Unlabelled student inputs for that MCC term.
    student_key, teacher_key : str
        The modalities the student and the teacher read (``"eeg"``, ``"eye"``).
    modalities : mapping of str to list of str, optional
        On an :class:`mne.Epochs`, the MNE channel types of each modality
        (default ``{"eeg": ["eeg"], "eye": ["eyegaze", "pupil"]}``): the
        model reads its modality's channels, and braindecode sizes it from
        them (``n_times``, ``sfreq``, ``chs_info``).
    feature_layer, teacher_feature_layer : str
        Heads whose input is the distilled feature.
    teacher_cache : bool or "auto"
        Compute the frozen teacher's logits and features for every training
        window once per fit, instead of a teacher forward pass per batch.
        ``"auto"`` (default) does so when the training data are in-memory
        arrays, whose teacher inputs are the same in every epoch. ``True``
        also caches for a dataset: only correct when its teacher inputs carry
        no random transform. The cache is dropped when training ends.
    distiller__* :
        Keyword arguments of the distiller (for example
        ``distiller__n_negatives=500``).
    *args, **kwargs :
        Everything ``EEGClassifier`` accepts.

    Notes
    -----
    The teacher (``teacher_``) and the distiller (``distiller_``) are
    registered with skorch as modules of the net: they move with it, are
    pickled device-independently and are saved with
    ``save_params(f_teacher=..., f_distiller=...)``. The distiller is built
    once, at ``initialize``, from the feature sizes the models declare (a
    ``nn.Linear`` head, or one pass over zeros of a braindecode model's
    input shape); for a model that declares neither, from the first training
    window at the start of the first fit.

    The distiller's state (memory banks, normalising constants) is part of
    the checkpoint: ``Checkpoint(f_distiller="distiller.pt")`` or
    ``save_params(f_distiller=...)``; ``callbacks=[LoadInitState(checkpoint)]``
    or ``initialize()`` then ``load_params(..., f_distiller=...)`` then
    ``partial_fit`` restore it. Resuming without ``f_distiller`` warns.

    To predict with a saved student, no teacher is needed::

        net = CMCRDClassifier(CMCRDMLP, module__n_chans=62, module__n_times=5,
                              module__n_outputs=5).initialize()
        net.load_params(f_params="student.pt")
        net.predict(eeg)
    """

    input_key_argument = "student_key"
    # known prefixes, so that distiller__*=... validates before the distiller
    # is built (see base.py, workaround 5)
    prefixes_ = [*EEGClassifier.prefixes_, "teacher", "distiller"]

    def __init__(
        self,
        module,
        *args,
        teacher: nn.Module | None = None,
        distiller: str | type = "cmcrd",
        beta: float | Literal["auto"] | None = None,
        beta_grid: Sequence[float] = AUTO_BETA_GRID,
        kd_weight: float = 0.0,
        kd_temperature: float = 4.0,
        mcc_weight: float = 0.0,
        mcc_temperature: float = 2.5,
        mcc_unlabeled=None,
        student_key: str = "eeg",
        teacher_key: str = "eye",
        modalities=None,
        feature_layer: str = "final_layer",
        teacher_feature_layer: str = "final_layer",
        teacher_cache: bool | Literal["auto"] = "auto",
        **kwargs,
    ) -> None:
        self.teacher = teacher
        self.distiller = distiller
        self.beta = beta
        self.beta_grid = beta_grid
        self.kd_weight = kd_weight
        self.kd_temperature = kd_temperature
        self.mcc_weight = mcc_weight
        self.mcc_temperature = mcc_temperature
        self.mcc_unlabeled = mcc_unlabeled
        self.student_key = student_key
        self.teacher_key = teacher_key
        self.modalities = modalities
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
        """``beta``, the weight ``beta="auto"`` chose (``beta_``), or the
        distiller's default weight when ``beta`` is None."""
        if self.beta == "auto":
            if not hasattr(self, "beta_"):
                raise ValueError(
                    "beta='auto' is chosen by fit(), on the validation split; "
                    "call fit() before partial_fit(), or pass a number as beta"
                )
            return self.beta_
        if self.beta is not None:
            return self.beta
        return self._distiller_class().default_weight

    def _distiller_class(self) -> type[Distiller]:
        # resolved once per initialize; looked up only before that
        resolved = getattr(self, "distiller_class_", None)
        return resolved if resolved is not None else resolve_distiller(self.distiller)

    def _uses_teacher(self) -> bool:
        return self._distiller_class().needs_teacher or self.kd_weight > 0

    def frozen_modules(self) -> tuple[str, ...]:
        return ("teacher",)

    def initialize_module(self):
        """The student, the frozen teacher (``teacher_``) and the distiller.

        The distiller is built here when both feature sizes are known
        without data, and at the start of the first fit otherwise.
        """
        super().initialize_module()
        if self.teacher_cache not in (True, False, "auto"):
            raise ValueError(
                "teacher_cache must be True, False or 'auto', "
                f"got {self.teacher_cache!r}"
            )
        if not (self.beta in (None, "auto") or isinstance(self.beta, numbers.Real)):
            raise ValueError(
                f"beta must be a number, None or 'auto', got {self.beta!r}"
            )
        if self.student_key == self.teacher_key:
            raise ValueError(
                f"student_key and teacher_key are both {self.student_key!r}; the "
                "student and the teacher read different modalities"
            )
        step = DistillationStep(
            self.module_,
            self.teacher,
            self.distiller,
            distiller_kwargs=self.get_params_for("distiller"),
            **self.step_settings(),
        )
        self.distiller_class_ = step.distiller_class
        self._set_step(step)
        self._set_module("teacher", step.teacher)
        self._set_module("distiller", step.distiller)
        return self

    def step_settings(self) -> dict[str, Any]:
        """As the base's, with the KD weights and the feature layers (``beta``
        is given at the start of each fit, once ``beta="auto"`` has chosen)."""
        return {
            **super().step_settings(),
            "kd_weight": self.kd_weight,
            "kd_temperature": self.kd_temperature,
            "feature_layer": self.feature_layer,
            "teacher_feature_layer": self.teacher_feature_layer,
        }

    def load_params(self, *args, **kwargs):
        """As skorch's; ``f_distiller`` needs a built distiller, and resuming
        a distiller with state without it warns."""
        checkpoint = kwargs.get("checkpoint")
        distiller_file = kwargs.get("f_distiller")
        if checkpoint is not None and distiller_file is None:
            distiller_file = getattr(checkpoint, "f_distiller", None)
        if kwargs.get("f_distiller") is not None and self.distiller_ is None:
            raise ValueError(
                f"cannot load f_distiller={kwargs['f_distiller']!r}: the distiller "
                "is built once its input sizes are known, and this model declares "
                "no input shape (n_chans, n_times) to size it from before any data "
                "is seen (or no teacher was given). Resume with "
                "callbacks=[LoadInitState(checkpoint)], which loads at train begin."
            )
        resuming = checkpoint is not None or kwargs.get("f_optimizer") is not None
        if resuming and distiller_file is None and self._distiller_has_state():
            warnings.warn(
                f"resuming {type(self).__name__} without f_distiller: the state of "
                f"{type(self.distiller_).__name__} (memory banks, normalising "
                "constants) is not restored and starts afresh. Save it with "
                "Checkpoint(f_distiller=...) or save_params(f_distiller=...).",
                UserWarning,
                stacklevel=2,
            )
        return super().load_params(*args, **kwargs)

    def _distiller_has_state(self) -> bool:
        if self.distiller_ is None:
            return False
        return any(
            name != "train_labels" for name, _ in self.distiller_.named_buffers()
        )

    # -- beta="auto" ------------------------------------------------------
    def fit(self, X, y=None, **fit_params):
        """As ``EEGClassifier.fit``; with ``beta="auto"``, one fit per weight of
        ``beta_grid``, keeping the best on validation (see ``beta``)."""
        if self.beta != "auto":
            return super().fit(X, y, **fit_params)
        try:
            grid = sorted({float(beta) for beta in self.beta_grid})
        except (TypeError, ValueError):
            grid = []
        if not grid or not all(math.isfinite(b) and b >= 0 for b in grid):
            raise ValueError(
                f"beta_grid must be a sequence of weights >= 0, got {self.beta_grid!r}"
            )
        if self.train_split is None:
            raise ValueError(
                "beta='auto' chooses beta on the validation split, and "
                "train_split is None; pass train_split=ValidSplit(...) or "
                "predefined_split(valid_dataset)"
            )
        own_params = self.get_params(deep=False)
        # one split for every weight: each is trained and scored on the same rows
        labels = self._labels(X, y)
        train, valid = self.train_split(self.get_dataset(X, labels), labels)
        start_state = _rng_state()
        scores, best = {}, None
        for beta in grid:
            _set_rng_state(start_state)  # every weight from the same start
            candidate = clone(self).set_params(
                beta=beta, train_split=predefined_split(valid)
            )
            candidate.fit(train, None, **fit_params)
            if candidate.interrupted_:  # as skorch: stop, keep what was trained
                if best is None:
                    best = candidate
                break
            scores[beta] = float(candidate.score(valid))  # the net as returned
            if best is None or scores[beta] > scores[best.beta]:
                best = candidate  # ties keep the smaller weight, tried first
        interrupted = candidate.interrupted_
        self.__dict__.update(best.__dict__)  # the chosen fit's fitted state
        self.__dict__.update(own_params)  # and this net's own parameters
        self.beta_, self.beta_scores_ = best.beta, scores
        self.interrupted_ = interrupted
        if self.verbose:
            print(f"beta='auto': beta_={self.beta_} (valid_acc {scores})")
        return self

    # -- one fit ---------------------------------------------------------
    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        if self.teacher_ is None and self._uses_teacher():
            raise ValueError(
                "CMCRDClassifier needs teacher=<trained nn.Module> to train; train "
                "one with TeacherClassifier and pass teacher_net.module_ (only "
                "distiller='none' without kd_weight trains without a teacher)"
            )
        self.step_.beta = self.distill_weight  # refuses beta="auto" before fit()
        window = self._first_window(X, y)
        if self.distiller_ is None:  # sizes known only from data
            distiller = self.step_.build_distiller(self._sizes(window))
            self._set_module("distiller", distiller)
            self.initialize_optimizer()  # the distiller's heads are trainable
        self.teacher_outputs_ = None
        self.training_set_prepared_ = False

    def _first_window(self, X, y) -> Mapping:
        """The first training window, checked to hold both models' modalities."""
        dataset = self.get_dataset(X, y)
        window = dataset[0][0] if len(dataset) else None
        if not isinstance(window, Mapping):
            raise TypeError(
                f"CMCRDClassifier.fit needs X = {{{self.student_key!r}: "
                f"student_input, {self.teacher_key!r}: teacher_input}} (or a dataset "
                "yielding such dicts, as the paired TorchEEG datasets do); got "
                f"samples of type {type(window).__name__}"
            )
        self.member(window, self.student_key)
        if self.teacher_ is not None:
            self.member(window, self.teacher_key)
        return window

    def _sizes(self, window: Mapping) -> tuple[int, int]:
        """Feature sizes of the student and the teacher, from one window."""
        batch = {k: torch.as_tensor(np.asarray(v))[None] for k, v in window.items()}
        x_teacher = None
        if self.teacher_ is not None:
            x_teacher = self.model_input(batch, self.teacher_key)
        return self.step_.feature_sizes(self.model_input(batch), x_teacher)

    def get_split_datasets(self, X, y=None, **fit_params):
        """As skorch's; the training windows carry their row (``"index"``)."""
        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        keys = [self.student_key]
        if self.teacher_ is not None:
            keys.append(self.teacher_key)
        batches = self.batch_reads(dataset_train, keys)
        if batches is None:
            return IndexedDataset(dataset_train), dataset_valid
        return batches, dataset_valid

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, **kwargs)
        if not self.training_set_prepared_:
            self.prepare_training_set(dataset_train)
            self.training_set_prepared_ = True

    def prepare_training_set(self, dataset_train) -> None:
        """Once per fit, before the first epoch: the distiller learns the
        training labels (memory banks sized from them), and the teacher's
        outputs are computed for every training window (``teacher_cache``).

        Banks restored for the same labels (``LoadInitState``) are kept.
        """
        labels = torch.as_tensor(dataset_labels(dataset_train)).long()
        self.step_.set_training_labels(labels)
        in_memory = isinstance(dataset_train, ArrayBatches)
        cache = in_memory if self.teacher_cache == "auto" else self.teacher_cache
        if self.teacher_ is not None and cache:
            self.teacher_outputs_ = self._compute_teacher_outputs(dataset_train)

    def _compute_teacher_outputs(self, dataset) -> TeacherOutputs:
        if isinstance(dataset, ArrayBatches):
            loader = batch_loader(dataset, batch_size=max(self.batch_size, 1024))
        else:
            loader = torch.utils.data.DataLoader(dataset, batch_size=self.batch_size)
        # iterating a DataLoader draws a seed from the global generator: the
        # pre-pass leaves the random stream (shuffles, negatives) as it was
        with torch.random.fork_rng(devices=[]):
            inputs = (self.model_input(X, self.teacher_key) for X, _ in loader)
            return compute_teacher_outputs(
                self.teacher_, inputs, self.teacher_feature_layer
            )

    def on_train_end(self, net, X=None, y=None, **kwargs):
        super().on_train_end(net, X=X, y=y, **kwargs)
        self.teacher_outputs_ = None  # valid for this fit's training set only

    # -- training --------------------------------------------------------
    def step_inputs(self, Xi, yi) -> dict[str, Any]:
        """The batch for ``step_``: the student's input, labels and rows, the
        teacher's cached outputs (``teacher_cache``) or its input, and a
        batch of ``mcc_unlabeled``."""
        index = to_tensor(Xi["index"], device=self.device).long()
        inputs = {
            "x": self.model_input(Xi),
            "y": to_tensor(yi, device=self.device),
            "index": index,
            "x_unlabeled": self.mcc_input(),
        }
        if self.teacher_outputs_ is not None:
            inputs["teacher_outputs"] = self.teacher_outputs_.take(index)
        elif self.teacher_ is not None:
            inputs["x_teacher"] = self.model_input(Xi, self.teacher_key)
        return inputs


def _rng_state() -> tuple:
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    # the legacy global numpy state: what skorch's ValidSplit and users draw from
    numpy_state = np.random.get_state()  # noqa: NPY002
    return torch.get_rng_state(), cuda, numpy_state, random.getstate()


def _set_rng_state(state: tuple) -> None:
    cpu, cuda, numpy_state, python_state = state
    torch.set_rng_state(cpu)
    if cuda is not None:
        torch.cuda.set_rng_state_all(cuda)
    np.random.set_state(numpy_state)  # noqa: NPY002
    random.setstate(python_state)
