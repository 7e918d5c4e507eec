"""``CMCRDTrainer``: CMCRD (or any distiller) as a TorchEEG-style Lightning trainer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pytorch_lightning as pl
import torch
from braindecode.models.base import EEGModuleMixin
from torch import nn
from torch.utils.data import DataLoader, RandomSampler, Sampler

from ..losses.base import same_labels
from ..training.datasets import IndexedDataset, dataset_labels
from ..training.shapes import as_windows
from ..training.step import DistillationStep


def _on_step(name: str) -> property:
    """``CMCRDTrainer.<name>``: the attribute of its step, read and written."""

    def get(self: CMCRDTrainer) -> Any:
        return getattr(self.step, name)

    def set(self: CMCRDTrainer, value: Any) -> None:
        setattr(self.step, name, value)

    return property(get, set, doc=f"The step's ``{name}``.")


class CMCRDTrainer(pl.LightningModule):
    """Distil a frozen teacher into a student, in the style of TorchEEG's trainers.

    A ``LightningModule`` like TorchEEG's ``ClassifierTrainer``: build it from
    the student, the trained teacher and a distiller, then::

        trainer = CMCRDTrainer(student, teacher=eye_model, num_classes=5)
        trainer.fit(train_loader, val_loader, max_epochs=40)
        trainer.test(test_loader)
        logits = trainer.predict(test_loader)

    The loaders yield ``(X, y)`` with ``X`` keyed by modality, as the paired
    TorchEEG datasets (and their ``torcheeg.model_selection`` splits) do:
    the student reads ``X[student_key]``, the teacher ``X[teacher_key]``. At
    test and predict time ``X`` may also be the student's tensor alone. The
    training loss is the one of ``CMCRDClassifier``, computed by the same
    :class:`~cmcrd_plugin.training.step.DistillationStep` (``step``):
    cross-entropy plus ``beta`` times the distiller, plus optional KD on the
    logits and MCC on each training batch's logits (MCC on unlabelled inputs,
    ``mcc_unlabeled``, is for ``CMCRDClassifier`` and ``TeacherClassifier``).
    Its parts are logged per epoch as
    ``train_ce_loss``, ``train_distill_loss`` (and ``train_distill_<part>``,
    ``train_kd_loss``, ``train_mcc_loss``), beside ``train_loss``,
    ``val_loss``, ``val_<metric>`` and ``test_<metric>``.

    Teacher mode: without a teacher and with ``distiller="none"``, the same
    class trains the teacher itself (``student_key="eye"``, cross-entropy +
    ``mcc_weight`` * MCC), as :class:`~cmcrd_plugin.training.TeacherClassifier`
    does.

    Parameters
    ----------
    model : nn.Module
        The student (a braindecode model, a TorchEEG model, the paper's MLP).
    teacher : nn.Module, optional
        The trained teacher. It is copied, frozen and kept in eval mode.
    num_classes : int, optional
        The number of classes (default: ``model.num_classes`` or
        ``model.n_outputs``).
    distiller : str or Distiller subclass
        A registered distiller (``"cmcrd"``, ``"crd"``, ``"kd"``, ...,
        ``"none"``), built as ``cls(student_dim, teacher_dim,
        **distiller_kwargs)``.
    beta : float, optional
        Weight of the distillation term (default: the distiller's).
    distiller_kwargs : dict, optional
        Keyword arguments of the distiller (``{"n_negatives": 500}``).
    kd_weight, kd_temperature : float
        An extra Hinton KD term on the logits (off at 0), and its temperature.
    mcc_weight, mcc_temperature : float
        Weight (off at 0) and softmax temperature (2.5) of MCC on the logits
        of every training batch.
    student_key, teacher_key : str
        The modalities the student and the teacher read.
    feature_layer, teacher_feature_layer : str
        The heads whose inputs are the distilled features (see the table of
        TorchEEG's models in docs/guide/braindecode.md).
    lr, weight_decay : float
        Adam's, as in TorchEEG's ``ClassifierTrainer``.
    devices, accelerator :
        As ``ClassifierTrainer`` takes them (``accelerator="cpu"`` or
        ``"gpu"``); ``fit`` passes other ``pl.Trainer`` arguments through, for
        example ``strategy="ddp"``.
    metrics : sequence of str
        TorchEEG's metric names: ``accuracy``, ``precision``, ``recall``,
        ``f1score``, ``matthews``, ``auroc``, ``kappa``.

    Notes
    -----
    ``model``, ``teacher`` and ``distiller`` are the modules of ``step``
    (the same objects, kept as this module's children so that checkpoints
    hold ``model.*``, ``teacher.*`` and ``distiller.*``); the loss weights
    (``beta``, ``kd_weight``, ``kd_temperature``, ``mcc_weight``,
    ``mcc_temperature``) are read from and written to ``step``.

    The distiller is built at ``__init__`` when both feature sizes are
    declared (an ``nn.Linear`` head, a braindecode input shape), else at the
    start of ``fit`` from the first training window; ``fit`` then gives it
    the training labels (its memory banks have one row per training window).
    Its state (banks, normalising constants) is in the module's
    ``state_dict`` and so in Lightning's checkpoints; ``fit(...,
    ckpt_path=...)`` resumes it, with the random state and the shuffling of
    the interrupted run (each epoch's order is drawn from ``seed`` and the
    epoch number). Under ``strategy="ddp"``, the memory banks are updated
    with the rows of every process, so that every rank holds the same banks
    (:mod:`cmcrd_plugin.losses.distributed`). They then need no broadcast:
    ``strategy=DDPStrategy(broadcast_buffers=False)`` saves sending them from
    rank 0 before every step (batch-norm statistics then stay per rank).
    """

    def __init__(
        self,
        model: nn.Module,
        teacher: nn.Module | None = None,
        num_classes: int | None = None,
        distiller: str | type = "cmcrd",
        beta: float | None = None,
        distiller_kwargs: Mapping[str, Any] | None = None,
        kd_weight: float = 0.0,
        kd_temperature: float = 4.0,
        mcc_weight: float = 0.0,
        mcc_temperature: float = 2.5,
        student_key: str = "eeg",
        teacher_key: str = "eye",
        feature_layer: str = "final_layer",
        teacher_feature_layer: str = "final_layer",
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        devices: int = 1,
        accelerator: str = "cpu",
        metrics: Sequence[str] = ("accuracy",),
    ) -> None:
        from torcheeg.trainers.classifier import classification_metrics

        super().__init__()
        if teacher is not None and student_key == teacher_key:
            raise ValueError(
                f"student_key and teacher_key are both {student_key!r}; the "
                "student and the teacher read different modalities"
            )
        self.ce_fn = nn.CrossEntropyLoss()
        step = DistillationStep(
            model,
            teacher,
            distiller,
            distiller_kwargs=distiller_kwargs,
            beta=beta,
            kd_weight=kd_weight,
            kd_temperature=kd_temperature,
            mcc_weight=mcc_weight,
            mcc_temperature=mcc_temperature,
            feature_layer=feature_layer,
            teacher_feature_layer=teacher_feature_layer,
            criterion=self.ce_fn,
        )
        if step.teacher is None and step.needs_teacher:
            raise ValueError(
                f"distiller {distiller!r} needs teacher=<trained nn.Module>; "
                "only distiller='none' without kd_weight trains without one"
            )
        # not a child module: its modules are, under their checkpoint names
        object.__setattr__(self, "step", step)
        self.model, self.teacher, self.distiller = model, step.teacher, step.distiller
        self.num_classes = num_classes or getattr(
            model, "num_classes", getattr(model, "n_outputs", None)
        )
        if self.num_classes is None:
            raise ValueError(
                f"num_classes: {type(model).__name__} has no num_classes or "
                "n_outputs attribute; pass num_classes="
            )
        self.student_key, self.teacher_key = student_key, teacher_key
        self.lr, self.weight_decay = lr, weight_decay
        self.devices, self.accelerator = devices, accelerator
        self.metrics = list(metrics)
        self.val_metrics = classification_metrics(self.metrics, self.num_classes)
        self.test_metrics = classification_metrics(self.metrics, self.num_classes)
        self._resumed_rng: torch.Tensor | None = None

    beta = _on_step("beta")
    kd_weight = _on_step("kd_weight")
    kd_temperature = _on_step("kd_temperature")
    mcc_weight = _on_step("mcc_weight")
    mcc_temperature = _on_step("mcc_temperature")
    feature_layer = _on_step("feature_layer")
    teacher_feature_layer = _on_step("teacher_feature_layer")
    distiller_class = _on_step("distiller_class")
    distiller_kwargs = _on_step("distiller_kwargs")

    # -- set-up ----------------------------------------------------------
    def _sizes(self, window: Mapping) -> tuple[int, int]:
        """The student's and the teacher's feature sizes, from one window."""
        batch = {k: torch.as_tensor(np.asarray(v))[None] for k, v in window.items()}
        student = {k: v.to(_device(self.model)) for k, v in batch.items()}
        x_teacher = None
        if self.teacher is not None:
            teacher = {k: v.to(_device(self.teacher)) for k, v in batch.items()}
            x_teacher = self.model_input(teacher, self.teacher_key)
        return self.step.feature_sizes(self.model_input(student), x_teacher)

    def prepare_training_set(self, dataset) -> None:
        """Before training on ``dataset``: build the distiller if its sizes
        were unknown, and give it the training labels (``fit`` calls this)."""
        window = dataset[0][0]
        if not isinstance(window, Mapping):
            raise TypeError(
                f"CMCRDTrainer trains on samples keyed by modality, "
                f"({{{self.student_key!r}: ..., {self.teacher_key!r}: ...}}, y) "
                "as the paired TorchEEG datasets yield; got samples of type "
                f"{type(window).__name__}"
            )
        keys = [self.student_key]
        if self.teacher is not None:
            keys.append(self.teacher_key)
        missing = [key for key in keys if key not in window]
        if missing:
            raise KeyError(
                f"the training samples have no {missing[0]!r} "
                f"(student_key={self.student_key!r}, teacher_key="
                f"{self.teacher_key!r}); their keys: {sorted(window)}"
            )
        if self.distiller is None:
            self.distiller = self.step.build_distiller(self._sizes(window))
        self.step.set_training_labels(torch.as_tensor(dataset_labels(dataset)).long())

    def model_input(self, X, key: str | None = None) -> torch.Tensor:
        """The input of the model reading ``key`` (the student's by default).

        Feature vectors get a time axis, ``(n, d, 1)``, for braindecode models
        (which read ``(n_chans, n_times)``); other models get them as they are.
        """
        key = self.student_key if key is None else key
        if isinstance(X, Mapping):
            if key not in X:
                raise KeyError(
                    f"the batch has no {key!r} (student_key={self.student_key!r}, "
                    f"teacher_key={self.teacher_key!r}); its keys: {sorted(X)}"
                )
            X = X[key]
        x = torch.as_tensor(X).float()
        model = self.model if key == self.student_key else self.teacher
        return as_windows(x) if isinstance(model, EEGModuleMixin) else x

    def train(self, mode: bool = True) -> CMCRDTrainer:
        super().train(mode)
        self.step.train(mode)  # the teacher stays in eval mode
        return self

    def configure_optimizers(self):
        trainable = [p for p in self.parameters() if p.requires_grad]
        return torch.optim.Adam(trainable, lr=self.lr, weight_decay=self.weight_decay)

    # -- TorchEEG's trainer interface -------------------------------------
    def fit(
        self,
        train_loader: DataLoader,
        val_loader: DataLoader | None = None,
        max_epochs: int = 300,
        seed: int | None = None,
        **kwargs,
    ) -> Any:
        """Train on ``train_loader``, validating on ``val_loader`` each epoch.

        ``seed`` draws each epoch's order of a shuffling ``train_loader``
        (``seed`` + epoch; default: the seed of the loader's ``generator``,
        or 0); other arguments go to ``pl.Trainer`` (and ``ckpt_path`` to
        its ``fit``).
        """
        ckpt_path = kwargs.pop("ckpt_path", None)
        if seed is None:
            generator = train_loader.generator
            seed = 0 if generator is None else generator.initial_seed()
        self.prepare_training_set(train_loader.dataset)
        settings = {"devices": self.devices, "accelerator": self.accelerator}
        trainer = pl.Trainer(**{**settings, **kwargs}, max_epochs=max_epochs)
        loader = indexed_loader(train_loader, seed)
        return trainer.fit(self, loader, val_loader, ckpt_path=ckpt_path)

    def test(self, test_loader: DataLoader, **kwargs) -> list[dict]:
        """Metrics of ``test_loader`` (``test_loss``, ``test_<metric>``)."""
        settings = {"devices": 1, "accelerator": self.accelerator}
        return pl.Trainer(**{**settings, **kwargs}).test(self, test_loader)

    def predict(self, test_loader: DataLoader, **kwargs) -> list[torch.Tensor]:
        """The student's logits, one tensor per batch of ``test_loader``."""
        settings = {"devices": 1, "accelerator": self.accelerator}
        return pl.Trainer(**{**settings, **kwargs}).predict(self, test_loader)

    def forward(self, x) -> torch.Tensor:
        return self.model(self.model_input(x))

    # -- steps -----------------------------------------------------------
    def on_fit_start(self) -> None:
        if self.distiller is None or len(self.distiller.train_labels) == 0:
            raise RuntimeError(
                "CMCRDTrainer needs its training set before training: call "
                "CMCRDTrainer.fit(train_loader, ...), which prepares it"
            )
        if hasattr(self.distiller, "across_ranks"):  # memory banks: one per rank
            self.distiller.across_ranks = self.trainer.world_size > 1

    def training_step(self, batch, batch_idx: int) -> torch.Tensor:
        X, y = batch
        y = y.long()
        inputs = {
            "x": self.model_input(X),
            "y": y,
            "index": torch.as_tensor(X["index"], device=y.device).long(),
        }
        if self.teacher is not None:
            inputs["x_teacher"] = self.model_input(X, self.teacher_key)
        _, losses = self.step(**inputs)
        for name, value in losses.items():
            self.log(
                f"train_{name}",
                value.detach(),
                on_step=False,
                on_epoch=True,
                batch_size=len(y),
                sync_dist=True,
            )
        return losses["loss"]

    def _evaluate(self, batch, metrics, stage: str) -> torch.Tensor:
        X, y = batch
        logits = self(X)
        loss = self.ce_fn(logits, y.long())
        metrics.update(logits, y.long())
        self.log(
            f"{stage}_loss", loss, on_epoch=True, batch_size=len(y), sync_dist=True
        )
        return loss

    def validation_step(self, batch, batch_idx: int) -> torch.Tensor:
        return self._evaluate(batch, self.val_metrics, "val")

    def on_validation_epoch_end(self) -> None:
        self._log_metrics(self.val_metrics, "val")

    def test_step(self, batch, batch_idx: int) -> torch.Tensor:
        return self._evaluate(batch, self.test_metrics, "test")

    def on_test_epoch_end(self) -> None:
        self._log_metrics(self.test_metrics, "test")

    def _log_metrics(self, metrics, stage: str) -> None:
        for name, value in zip(self.metrics, metrics.values(), strict=True):
            self.log(f"{stage}_{name}", value.compute(), sync_dist=True)
        metrics.reset()

    def predict_step(self, batch, batch_idx: int, dataloader_idx: int = 0):
        X = batch[0] if isinstance(batch, list | tuple) else batch
        return self(X)

    # -- resuming --------------------------------------------------------
    def on_save_checkpoint(self, checkpoint: dict) -> None:
        cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
        checkpoint["cmcrd_rng_state"] = (torch.get_rng_state(), cuda)

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        saved = checkpoint["state_dict"].get("distiller.train_labels")
        labels = None if self.distiller is None else self.distiller.train_labels
        if saved is not None and labels is not None and len(labels):
            if not same_labels(saved, labels):
                raise ValueError(
                    f"the checkpoint's distiller was trained on {len(saved)} "
                    f"windows with other labels than the {len(labels)} of this "
                    "fit's training set: resume on the same training set (its "
                    "memory banks have one row per training window)"
                )
        self._resumed_rng = checkpoint.get("cmcrd_rng_state")

    def on_train_start(self) -> None:
        if self._resumed_rng is not None:  # after Lightning's sanity check
            cpu, cuda = self._resumed_rng
            torch.set_rng_state(cpu)
            if cuda is not None and torch.cuda.is_available():
                torch.cuda.set_rng_state_all(cuda)
            self._resumed_rng = None


class EpochShuffle(Sampler[int]):
    """A random order of ``n`` windows per epoch, drawn from ``seed + epoch``.

    Lightning calls ``set_epoch`` before every epoch, so a resumed fit
    shuffles as the interrupted one would have.
    """

    def __init__(self, n: int, seed: int = 0) -> None:
        self.n, self.seed, self.epoch = n, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        return iter(torch.randperm(self.n, generator=generator).tolist())

    def __len__(self) -> int:
        return self.n


def indexed_loader(loader: DataLoader, seed: int = 0) -> DataLoader:
    """``loader`` over the same windows, each carrying its row (``"index"``).

    Only the dataset is wrapped: the sampler (or batch sampler), workers,
    collation and the other settings are kept, except that a plain shuffling
    ``RandomSampler`` (no replacement, every window once) is replaced by
    :class:`EpochShuffle`, so that a resumed fit shuffles as an
    uninterrupted one.
    """
    dataset = IndexedDataset(loader.dataset)
    sampler = loader.sampler
    if (
        type(sampler) is RandomSampler
        and not sampler.replacement
        and sampler.num_samples == len(dataset)
    ):
        sampler = EpochShuffle(len(dataset), seed)
    settings = dict(
        num_workers=loader.num_workers,
        collate_fn=loader.collate_fn,
        pin_memory=loader.pin_memory,
        timeout=loader.timeout,
        worker_init_fn=loader.worker_init_fn,
        multiprocessing_context=loader.multiprocessing_context,
        generator=loader.generator,
        persistent_workers=loader.persistent_workers,
    )
    if loader.num_workers > 0:
        settings["prefetch_factor"] = loader.prefetch_factor
    if loader.batch_size is None:  # the loader batches with a batch_sampler
        return DataLoader(dataset, batch_sampler=loader.batch_sampler, **settings)
    return DataLoader(
        dataset,
        batch_size=loader.batch_size,
        sampler=sampler,
        drop_last=loader.drop_last,
        **settings,
    )


def _device(module: nn.Module | None) -> torch.device:
    parameter = None if module is None else next(module.parameters(), None)
    return torch.device("cpu") if parameter is None else parameter.device
