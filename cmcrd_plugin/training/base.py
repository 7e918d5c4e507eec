"""The estimator base of the trainers: braindecode's ``EEGClassifier`` on paired data.

:class:`PairedEEGClassifier` is what
:class:`~cmcrd_plugin.training.TeacherClassifier` and
:class:`~cmcrd_plugin.training.CMCRDClassifier` share. Data are keyed by
modality (``{"eeg": ..., "eye": ...}``); the estimator's own model reads one
of them, named by the estimator's ``teacher_key`` or ``student_key``
(:attr:`PairedEEGClassifier.input_key`). It fits on

- a dict (or :class:`skorch.helper.SliceDict`) of modality arrays, or one
  array of the modality the model reads;
- a torch dataset yielding ``({"eeg": ..., "eye": ...}, label)``, such as
  the paired TorchEEG datasets or a ``torcheeg.model_selection`` split;
  its labels are read from the dataset when ``y`` is None.

``predict``, ``predict_proba`` and ``score`` take the model's modality
alone, or any of the above holding it. Windows whose input is a feature
vector get a time axis of length 1 (:func:`~.shapes.as_windows`).
In-memory training arrays are read a whole batch at a time
(:mod:`~cmcrd_plugin.training.batches`). One prediction per window:
braindecode's cropped decoding is refused.

Upstream internals worked around, all here and only here. Each has a test
in ``tests/training/test_upstream.py`` that pins the upstream behaviour, so
an upgrade that changes it fails there instead of breaking silently:

1. braindecode 1.8 ``EEGNeuralNet._set_signal_args`` infers ``n_chans``,
   ``n_times`` from the last two axes of ``X`` and ``n_outputs`` from ``y``;
   it cannot see inside a dict, and for a dataset it infers no
   ``n_outputs``. It is given the shape of the model's input instead.
2. braindecode 1.8 ``partial_fit`` runs that inference on its first call
   (until ``signal_args_set_``) and sets the result with ``set_params``,
   which re-creates the module, criterion and optimiser: weights loaded or
   set after ``initialize()`` would be lost. An initialised net skips it.
3. braindecode 1.8 warns when ``drop_last`` drops every training batch by
   inspecting the DataLoader's ``drop_last`` and ``batch_size``, which the
   whole-batch loader does not carry; the same warning is issued here.
4. skorch 1.4 ``NeuralNet._set_training`` puts every registered module in
   training mode; frozen modules (the teacher) are put back in eval mode.
5. braindecode 1.8 ``EEGClassifier.get_iterator`` wraps every loader in
   ``ThrowAwayIndexLoader``, which reads ``batch["x"]`` of dict batches
   (braindecode's own dict convention). Loaders of data keyed by modality
   are not wrapped (``drop_index=False``); what that wrapper does otherwise
   (drop braindecode's window indices, cast to float32) does not apply to
   them, and :meth:`PairedEEGClassifier.model_input` casts.
6. skorch 1.4 registers a module assigned in ``initialize_module`` only
   when its name is not in ``prefixes_``; ours are listed there (so that
   ``distiller__*`` parameters validate before the distiller exists), and
   :meth:`PairedEEGClassifier._set_module` registers them with skorch's
   ``_register_attribute`` inside ``_current_init_context("module")``
   (which resets the context to None on exit, so it is not nested).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

import mne
import torch
from braindecode import EEGClassifier
from skorch.dataset import Dataset as SkorchDataset
from skorch.dataset import unpack_data
from skorch.helper import SliceDict
from skorch.utils import is_dataset, to_tensor
from torch import nn

from ..models.features import declared_input_shape
from .augmentation import ModalityAugmentation, augments
from .batches import BATCH_LOADER_OPTIONS, ArrayBatches, batch_loader
from .datasets import dataset_labels
from .modalities import (
    ModalityWindows,
    epochs_by_modality,
    is_windows_dataset,
    modality_epochs,
)
from .shapes import as_windows
from .step import DistillationStep
from .unlabeled import unlabeled_batches


class _InputShape:
    """Stands in for an array of model inputs where only the shape is read."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape


def _yields_dicts(dataset) -> bool:
    """Whether the samples of ``dataset`` are dicts (data keyed by modality)."""
    if isinstance(dataset, SkorchDataset):
        return isinstance(dataset.X, Mapping)
    return len(dataset) > 0 and isinstance(dataset[0][0], Mapping)


class PairedEEGClassifier(EEGClassifier):
    """``EEGClassifier`` on data keyed by modality; see the module docstring.

    Subclasses set :attr:`input_key_argument`, the name of their parameter
    that selects the modality their model reads. They train through a
    :class:`~cmcrd_plugin.training.step.DistillationStep` (``step_``), which
    they build in ``initialize_module`` (:meth:`_set_step`) and whose inputs
    of a batch they give in :meth:`step_inputs`; they have the MCC
    parameters ``mcc_weight``, ``mcc_temperature`` and ``mcc_unlabeled``.
    """

    #: the parameter naming the modality the estimator's model reads
    input_key_argument: ClassVar[str]

    @property
    def input_key(self) -> str:
        """The modality the estimator's model reads (``"eeg"`` or ``"eye"``)."""
        return getattr(self, self.input_key_argument)

    # -- data ------------------------------------------------------------
    def member(self, X: Mapping, key: str) -> Any:
        """``X[key]``, with an error naming the estimator argument behind ``key``."""
        if not isinstance(X, Mapping) or key not in X:
            roles = ("student_key", "teacher_key")
            argument = next((a for a in roles if getattr(self, a, 0) == key), "key")
            found = sorted(X) if isinstance(X, Mapping) else type(X).__name__
            raise KeyError(
                f"{type(self).__name__}({argument}={key!r}) reads the {key!r} member "
                f"of data keyed by modality (for example {{'eeg': ..., 'eye': ...}}); "
                f"got {found}"
            )
        return X[key]

    def model_input(self, X: Any, key: str | None = None) -> torch.Tensor:
        """A batch as the model reads it: ``X[key]`` of a dict (or ``X``), on
        the device, float, vectors with a time axis.

        ``key`` defaults to :attr:`input_key`.
        """
        if isinstance(X, Mapping):
            X = self.member(X, self.input_key if key is None else key)
        return as_windows(to_tensor(X, device=self.device).float())

    def infer(self, x, **fit_params):
        """Run the model on its modality: a dict contributes only ``input_key``.

        For a model that declares its input shape (braindecode's ``n_chans``,
        ``n_times``), a batch of another shape, such as the other modality,
        is refused with an error that names :attr:`input_key`.
        """
        return self.module_(self.checked_input(x), **fit_params)

    def checked_input(self, x: Any) -> torch.Tensor:
        """:meth:`model_input` of ``x``, refused (naming :attr:`input_key`)
        when the model declares another window shape; see :meth:`infer`."""
        x = self.model_input(x)
        declared = declared_input_shape(self.module_)
        if declared is not None and tuple(x.shape[1:]) != declared:
            raise ValueError(
                f"{type(self).__name__}({self.input_key_argument}="
                f"{self.input_key!r}): the model reads windows of shape "
                f"{declared} (n_chans, n_times), got {tuple(x.shape[1:])}; "
                f"pass the {self.input_key!r} modality"
            )
        return x

    def get_dataset(self, X, y=None):
        """As braindecode's; an :class:`mne.Epochs` is read by modality
        (:mod:`~cmcrd_plugin.training.modalities`): EEG and eye-tracking
        channels become ``{"eeg": ..., "eye": ...}``."""
        if isinstance(X, mne.BaseEpochs):
            modality_epochs(X, self.input_key, self.modalities)  # refuse early
            X = SliceDict(**epochs_by_modality(X, self.modalities))
        elif is_windows_dataset(X):
            X = ModalityWindows(X, self.modalities)
        return super().get_dataset(X, y)

    def score(self, X, y=None, sample_weight=None):
        """Accuracy, as sklearn's; a dataset's labels are read when ``y`` is None."""
        return super().score(X, self._labels(X, y), sample_weight=sample_weight)

    def _labels(self, X, y):
        """``y``, or the labels a dataset holds when ``y`` is None."""
        if y is None and is_windows_dataset(X):
            return ModalityWindows(X, self.modalities).targets
        if y is None and is_dataset(X):
            return dataset_labels(X)
        return y

    def _input_shape(self, X) -> Any:
        """Something whose ``shape`` is that of the model's inputs for ``X``
        (for an Epochs, the Epochs of the model's modality, from which
        braindecode reads ``n_times``, ``sfreq`` and ``chs_info``)."""
        if isinstance(X, mne.BaseEpochs):
            return modality_epochs(X, self.input_key, self.modalities)
        if is_windows_dataset(X):
            X = ModalityWindows(X, self.modalities)
        if isinstance(X, Mapping):
            return as_windows(self.member(X, self.input_key))
        if is_dataset(X):
            if len(X) == 0:
                return X
            window = X[0][0]
            if isinstance(window, Mapping):
                window = self.member(window, self.input_key)
            window = as_windows(torch.as_tensor(window), batched=False)
            return _InputShape((len(X), *window.shape))
        return as_windows(X)

    # -- braindecode workarounds (1, 2): see the module docstring ----------
    def _set_signal_args(self, X, y, classes):
        return super()._set_signal_args(self._input_shape(X), y, classes)

    def fit(self, X, y=None, **fit_params):
        """As braindecode's; a dataset's labels are read from it when ``y`` is None."""
        return super().fit(X, self._labels(X, y), **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """As braindecode's, without re-creating an initialised module.

        A net is initialised by ``initialize()`` (for a braindecode model
        with its input shape given, for example ``module__n_chans``,
        ``module__n_times``, ``module__n_outputs``) or by an earlier fit;
        ``partial_fit`` then trains what is there, including weights loaded
        with ``load_params`` or set by hand.
        """
        if self.initialized_:
            self.signal_args_set_ = True
        return super().partial_fit(X, self._labels(X, y), classes=classes, **fit_params)

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """As skorch's, noting an interruption in ``interrupted_``.

        skorch ends a fit stopped by ``KeyboardInterrupt`` quietly and returns
        the net as it is; ``interrupted_`` then says so (``False`` after a
        fit that ran to its end), for scripts that must not save such a net
        as trained.
        """
        self.interrupted_ = False
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            self.interrupted_ = True
            raise

    def initialize(self):
        """As skorch's; braindecode's cropped decoding is refused by name.

        Distillation pairs one student feature with one teacher feature per
        window, and MCC works on one row of logits per window.
        """
        if getattr(self, "cropped", False):
            raise ValueError(
                f"{type(self).__name__} trains on one prediction per window; "
                "cropped=True (braindecode's cropped decoding) is not supported. "
                "Use cropped=False with whole windows."
            )
        return super().initialize()

    def initialize_module(self):
        """As braindecode's; skorch's ``AccelerateMixin`` is refused by name
        (its ``initialize`` does not call this class's)."""
        if any(cls.__name__ == "AccelerateMixin" for cls in type(self).__mro__):
            raise TypeError(
                f"{type(self).__name__} with skorch's AccelerateMixin is not "
                "supported: the frozen teacher, the distiller's memory banks and "
                "the whole-batch reads are not prepared by accelerate. For several "
                "GPUs or processes use cmcrd_plugin.torcheeg_trainers.CMCRDTrainer "
                "(Lightning, strategy='ddp'), or one process per model."
            )
        return super().initialize_module()

    # -- loaders, braindecode workarounds (3, 5) -----------------------------
    def batch_reads(self, dataset, keys: list[str] | None) -> ArrayBatches | None:
        """``dataset`` read a batch at a time, or ``None`` where not allowed.

        ``keys`` names the members of a dict of arrays to read; ``None``
        reads a single array.

        Allowed for in-memory arrays when ``iterator_train`` is the default
        ``DataLoader`` with at most ``batch_size``, ``shuffle``,
        ``drop_last`` and ``generator`` set.
        """
        options = set(self.get_params_for("iterator_train"))
        allowed = (
            self.iterator_train is torch.utils.data.DataLoader
            and options <= BATCH_LOADER_OPTIONS
        )
        return ArrayBatches.from_dataset(dataset, keys) if allowed else None

    def get_iterator(self, dataset, training=False):
        """As skorch's; in-memory training arrays are read a batch at a time.

        Inference over the training set (``training=False``, for example a
        scoring callback) goes through ``iterator_valid`` as usual. A
        braindecode ``AugmentedDataLoader`` over data keyed by modality
        augments the estimator's own modality only
        (:mod:`~cmcrd_plugin.training.augmentation`).
        """
        if not (training and isinstance(dataset, ArrayBatches)):
            dicts = _yields_dicts(dataset)
            loader = super().get_iterator(
                dataset,
                training=training,
                drop_index=not dicts,  # workaround 5
            )
            if dicts and augments(loader):
                loader.collate_fn = ModalityAugmentation(loader, self.input_key)
            return loader
        kwargs = self.get_params_for("iterator_train")
        batch_size = kwargs.pop("batch_size", self.batch_size)
        if batch_size == -1:
            batch_size = len(dataset)
        warned = getattr(self, "_warned_drop_last_", True)
        if not warned and kwargs.get("drop_last") and len(dataset) < batch_size:
            self._warned_drop_last_ = True  # braindecode's text, once per fit
            warnings.warn(
                f"The training set has {len(dataset)} example(s), which is smaller "
                f"than batch_size={batch_size}. With iterator_train__drop_last=True "
                "(the braindecode default), all training batches are dropped and "
                f"the model is not trained. Reduce batch_size to at most "
                f"{len(dataset)}, or pass iterator_train__drop_last=False.",
                UserWarning,
                stacklevel=2,
            )
        return batch_loader(dataset, batch_size, **kwargs)

    # -- training: one batch through the step ------------------------------
    # ``step_`` is pickled with the modules it holds (one pickle, so that it
    # still holds the same objects after unpickling): see _set_step
    cuda_dependent_attributes_ = ["step_"]

    def _set_step(self, step: DistillationStep) -> None:
        """Set ``step_``, the :class:`~.step.DistillationStep` of the net.

        It is no module of the net (its parameters are those of ``module_``
        and the other registered modules, which it holds), so it is set past
        skorch's ``__setattr__``, which would register it.
        """
        object.__setattr__(self, "step_", step)

    def step_settings(self) -> dict[str, Any]:
        """The estimator parameters the step reads, by the step's names.

        Given to the step when it is built, and again at the start of every
        fit (so that ``set_params`` before ``partial_fit`` applies).
        """
        return {"mcc_weight": self.mcc_weight, "mcc_temperature": self.mcc_temperature}

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        settings = self.step_settings()
        for name, value in settings.items():
            setattr(self.step_, name, value)
        self.step_.criterion = self.criterion_
        unlabeled = self.mcc_unlabeled if settings["mcc_weight"] > 0 else None
        self.unlabeled_batches_ = unlabeled_batches(unlabeled, self.batch_size)

    def mcc_input(self) -> torch.Tensor | None:
        """The next batch of ``mcc_unlabeled`` as the model reads it (None
        without ``mcc_unlabeled`` or with ``mcc_weight=0``)."""
        batches = getattr(self, "unlabeled_batches_", None)
        if batches is None:
            return None
        return self.model_input(batches.next(self.device))

    def step_inputs(self, Xi: Any, yi: Any) -> dict[str, Any]:
        """The arguments of ``step_`` for one training batch (subclasses)."""
        raise NotImplementedError

    def train_step_single(self, batch, **fit_params):
        """One training batch through ``step_``; each loss part is recorded
        in the batch's ``history`` under its name."""
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        logits, losses = self.step_(**self.step_inputs(Xi, yi))
        loss = losses.pop("loss")
        loss.backward()
        for name, value in losses.items():
            self.history.record_batch(name, value.item())
        return {"loss": loss, "y_pred": logits}

    # -- extra modules, skorch workarounds (4, 6) ---------------------------
    def frozen_modules(self) -> tuple[str, ...]:
        """Names of registered modules kept in eval mode and out of the optimiser."""
        return ()

    def _set_module(self, name: str, module: nn.Module | None) -> None:
        """Set ``<name>_`` and register it with skorch as one of the net's modules.

        Registered modules are moved with the net, toggled train/eval, saved
        with ``save_params(f_<name>=...)`` and pickled device-independently
        (``cuda_dependent_attributes_``); ``None`` unregisters.
        """
        if self.init_context_ != "module":  # built outside initialize_module
            with self._current_init_context("module"):  # (it resets to None)
                return self._set_module(name, module)
        setattr(self, name + "_", module)
        registered = name in self._modules
        if module is not None and not registered:
            self._register_attribute(name, module, prefixes=False)
        elif module is None and registered:
            self._unregister_attribute(name, prefixes=False)

    def get_all_learnable_params(self):
        """As skorch's, without the parameters of :meth:`frozen_modules`."""
        frozen = set()
        for name in self.frozen_modules():
            module = getattr(self, name + "_", None)
            if module is not None:
                frozen.update(id(p) for p in module.parameters())
        for name, param in super().get_all_learnable_params():
            if id(param) not in frozen:
                yield name, param

    def _set_training(self, training=True):
        super()._set_training(training)
        step = getattr(self, "step_", None)
        if step is not None:
            step.train(training)
        for name in self.frozen_modules():
            module = getattr(self, name + "_", None)
            if module is not None:
                module.eval()
