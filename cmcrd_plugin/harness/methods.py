"""The benchmark's methods: a table of named pipelines.

A method is a named entry (:class:`Method`) that says which pipeline trains
the cell's model and with which parameters; as in MOABB, pipelines are data
and the evaluation is written once (:mod:`cmcrd_plugin.evaluation`).
:func:`resolve_method` finds a method by name, in this order:

1. a variant of the run's profile (``[variants.<name>]``: a student with
   the ``CMCRDClassifier`` parameters given there, such as a beta sweep);
2. the built-in table :data:`METHODS`;
3. any registered distiller, by its registry name, including a third
   party's (``cmcrd bench --methods my_kd``): a student of the frozen eye
   teacher through ``CMCRDClassifier(distiller=name)`` at the distiller's
   own weight.

The built-in methods:

``eeg_only``
    The architecture trained on EEG alone with plain braindecode
    ``EEGClassifier``, on the students' training recipe: what the students'
    gains are measured against.
``torcheeg_trainer``
    A TorchEEG architecture trained on EEG alone as TorchEEG's users train
    it: TorchEEG's own ``ClassifierTrainer`` (PyTorch Lightning; Adam at the
    run's learning rate and weight decay, no schedule). For TorchEEG
    architectures only.
``cmcrd_trainer``
    A TorchEEG architecture as a CMCRD student through this package's
    Lightning ``CMCRDTrainer``, on TorchEEG's recipe (the optimiser of
    ``torcheeg_trainer``). For TorchEEG architectures only.
``cmcrd-no_weights``, ``cmcrd-no_gating``, ``cmcrd-no_signs``
    CMCRD with one of its additions to CRD switched off (ablations).
``cmcrd-beta_auto``
    ``CMCRDClassifier(beta="auto")``: beta chosen on the validation trials
    from ``(0, 0.005, 0.02, 0.1)`` (0 included, so it can fall back to
    EEG-only).
``eye_teacher``
    The teacher itself (the paper's MLP on eye features, CE + MCC), scored
    on the test trials' eye features.
``fusion``
    An upper bound that needs both modalities at test: the MLP on the
    flattened EEG features and the eye features side by side.

The pipelines themselves are :mod:`~cmcrd_plugin.harness.pipelines`.
Every model trains with the run's recipe (AdamW, the authors' warm-up and
cosine schedule) on the training trials and is scored on the test trials
twice: at the epoch with the best validation accuracy (validation trials cut
from the training trials) and at the last epoch. Features are standardised
with training statistics only. ``eye_teacher`` and ``fusion`` use the MLP
whatever the cell's architecture, and run once per fold (as arch ``mlp``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


class MethodError(ValueError):
    """A method name that is neither built in, a variant nor a distiller."""


@dataclass(frozen=True)
class Method:
    """One named pipeline of the benchmark.

    Attributes
    ----------
    name : str
        The ``method`` column of ``results.csv``.
    pipeline : str
        What trains the model: ``"student"`` (``CMCRDClassifier``),
        ``"eeg_only"``, ``"eye_teacher"``, ``"fusion"``,
        ``"torcheeg_trainer"`` or ``"cmcrd_trainer"``.
    params : mapping
        Parameters of the pipeline's estimator (for ``"student"``: the
        ``CMCRDClassifier`` parameters ``distiller``, ``beta``,
        ``distiller__*``).
    """

    name: str
    pipeline: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def arch_free(self) -> bool:
        """Whether the method ignores the cell's architecture (the teacher's MLP)."""
        return self.pipeline in ("eye_teacher", "fusion")

    @property
    def torcheeg_only(self) -> bool:
        """Whether the method trains TorchEEG architectures only."""
        return self.pipeline in ("torcheeg_trainer", "cmcrd_trainer")


#: the estimator parameters every student gets from the run, not from a variant
SET_BY_THE_RUN = frozenset(
    {
        "module",
        "teacher",
        "feature_layer",
        "module__n_outputs",
        "optimizer",
        "optimizer__weight_decay",
        "lr",
        "batch_size",
        "max_epochs",
        "train_split",
        "callbacks",
        "iterator_train__generator",
        "device",
        "verbose",
    }
)


def _student(name: str, **params: Any) -> Method:
    return Method(name, "student", MappingProxyType(params))


#: the built-in methods (every registered distiller is a method as well)
METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        Method("eeg_only", "eeg_only"),
        Method("eye_teacher", "eye_teacher"),
        Method("fusion", "fusion"),
        Method("torcheeg_trainer", "torcheeg_trainer"),
        Method("cmcrd_trainer", "cmcrd_trainer"),
        _student("cmcrd-no_weights", distiller="cmcrd", distiller__weighted=False),
        _student("cmcrd-no_gating", distiller="cmcrd", distiller__gated=False),
        _student("cmcrd-no_signs", distiller="cmcrd", distiller__signed=False),
        # beta_grid: CMCRDClassifier's default, (0, 0.005, 0.02, 0.1)
        _student("cmcrd-beta_auto", distiller="cmcrd", beta="auto"),
    )
}


def registered_distillers() -> list[str]:
    """Names of the registered losses that are distillers (methods by name)."""
    from ..training.step import registered_distillers  # heavy (torch)

    return registered_distillers()


def resolve_method(
    name: str, variants: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
) -> Method:
    """The method ``name``: a profile variant, a built-in, or a distiller.

    Raises
    ------
    MethodError
        Naming what is known when ``name`` is none of them.
    """
    for variant, params in variants:
        if variant == name:
            params = dict(params)
            if "distiller" not in params:
                raise MethodError(
                    f"variant {name!r} needs a distiller (for example "
                    'distiller = "cmcrd")'
                )
            taken = sorted(set(params) & SET_BY_THE_RUN)
            if taken:
                raise MethodError(
                    f"variant {name!r} sets {', '.join(taken)}, which the run sets "
                    "for every method (the profile's recipe, the teacher, the "
                    "student's size and head)"
                )
            return _student(name, **params)
    if name in METHODS:
        return METHODS[name]
    if name in registered_distillers():
        return _student(name, distiller=name)
    raise MethodError(f"unknown [{name!r}]; {_known(variants)}")


def _known(variants) -> str:
    known = [*METHODS, *registered_distillers(), *(v for v, _ in variants)]
    return (
        f"known: {', '.join(known)} (a variant of one's own is a "
        "[variants.<name>] table of the profile)"
    )


def check_methods(names, variants=()) -> None:
    """Refuse, in one message, every name of ``names`` that is no method."""
    unknown = []
    for name in names:
        try:
            resolve_method(name, variants)
        except MethodError as exc:
            if not str(exc).startswith("unknown"):
                raise
            unknown.append(name)
    if unknown:
        raise MethodError(f"unknown {unknown}; {_known(variants)}")


__all__ = [
    "METHODS",
    "Method",
    "MethodError",
    "check_methods",
    "registered_distillers",
    "resolve_method",
]
