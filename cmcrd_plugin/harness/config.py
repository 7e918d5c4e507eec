"""Benchmark settings: a profile (TOML) overridden by the command line.

A profile is a small TOML file whose keys are the fields of
:class:`BenchmarkConfig` and of its training recipe
(:class:`~cmcrd_plugin.evaluation.recipe.TrainingRecipe`: ``epochs``,
``lr``, ...); ``quick`` and ``full`` ship with the package
(``cmcrd_plugin/harness/profiles/``), and any other path is read as a
profile of one's own. Command-line options override the profile. Method
variants are tables of the profile::

    [variants."cmcrd-beta_0.1"]
    distiller = "cmcrd"
    beta = 0.1
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ..data.protocols import PROTOCOLS
from ..evaluation.datasets import dataset_names, describe
from ..evaluation.recipe import TrainingRecipe, device_problem
from .methods import MethodError, check_methods
from .scenarios import SCENARIOS

PROFILES = Path(__file__).with_name("profiles")
ENGINES = ("local", "dask")
RECIPE_FIELDS = tuple(f.name for f in dataclasses.fields(TrainingRecipe))


class BenchmarkConfigError(ValueError):
    """A benchmark setting (profile, option) that cannot be used, said in one line."""


@dataclass(frozen=True)
class BenchmarkConfig:
    """Everything a benchmark run depends on.

    Attributes
    ----------
    dataset : str
        A registered dataset description (``seed``, ``seed_iv``, ``seed_v``,
        ``paired_npz``); ``paired_npz`` is the generic paired format of
        one's own recordings (``docs/data-formats.md``) and needs
        ``data_root``.
    data_root : Path or None
        A licensed copy in the real layout; ``None`` writes synthetic files in
        that layout (every report then says SYNTHETIC DATA).
    raw : bool
        Datasets with raw EEG (SEED-IV): the students read raw 4-second EEG
        windows (62 x 800 at 200 Hz) instead of differential entropy
        (62 x 5), so temporal CNNs such as braindecode's ``EEGNet`` or
        ``ShallowFBCSPNet`` build.
    protocols : tuple of {"within_subject", "loso"}
        The dataset's own within-subject protocol (``docs/method.md``) and
        leave-one-subject-out.
    scenarios : tuple of str
        ``default``: the dataset as it is. Controls, reported as such:
        ``negative_control`` trains the teacher on eye features permuted
        across training windows (a teacher without information);
        ``positive_control`` (synthetic SEED-V files in which only 12 of the
        62 channels carry the emotional state, the eye features all of it)
        and ``wide_positive_control`` (the demo's 310 DE values plus 1,240
        class-free features, generic paired format) are scenarios where
        privileged information exists, so a working benchmark should find a
        gain there (:mod:`cmcrd_plugin.synthetic.controls`).
    archs : tuple of str
        Student architectures: a registered model name (``mlp``,
        ``dgcnn``) or a braindecode model class name.
    methods : tuple of str
        Names of methods (:mod:`~cmcrd_plugin.harness.methods`): built-in
        ones, every registered distiller by its name, and ``variants``.
    variants : tuple of (str, tuple of (str, value))
        Methods of the profile's own: a name and the ``CMCRDClassifier``
        parameters of a student (``distiller``, ``beta``,
        ``distiller__*``), from the profile's ``[variants.<name>]`` tables.
    seeds : tuple of int
        Training seeds (model initialisation and batch order).
    subjects : tuple of int
        Subjects to run; empty means all subjects of the dataset.
    recipe : TrainingRecipe
        Epochs, optimiser and device shared by every method.
    window_fraction : float
        Share of the real window counts for synthetic data.
    data_seed : int
        Seed of the synthetic data.
    data_dir : Path or None
        Where synthetic data are written (default: ``output/data``).
    jobs : int
        Cells run in parallel (torch then uses 1 thread per job).
    engine : {"local", "dask"}
        joblib on this machine, or a ``dask.distributed`` cluster.
    scheduler : str or None
        Address of a running dask scheduler; ``None`` starts a
        ``LocalCluster`` with ``jobs`` workers.
    output : Path
        Folder of ``results.csv``, ``report.md`` and the figures.
    profile : str
        Name or path of the profile the settings came from.
    """

    dataset: str = "seed_v"
    data_root: Path | None = None
    raw: bool = False
    protocols: tuple[str, ...] = ("within_subject",)
    scenarios: tuple[str, ...] = ("default",)
    archs: tuple[str, ...] = ("mlp",)
    methods: tuple[str, ...] = ("eeg_only", "cmcrd")
    variants: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    seeds: tuple[int, ...] = (2022,)
    subjects: tuple[int, ...] = ()
    recipe: TrainingRecipe = TrainingRecipe()
    window_fraction: float = 1.0
    data_seed: int = 0
    data_dir: Path | None = None
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    output: Path = field(default=Path("cmcrd-bench"))
    profile: str = "quick"

    def __post_init__(self) -> None:
        def check(name: str, values, allowed) -> None:
            bad = [v for v in values if v not in allowed]
            if bad:
                raise BenchmarkConfigError(
                    f"{name}: {bad} not among {', '.join(allowed)}"
                )

        check("dataset", [self.dataset], dataset_names())
        check("protocols", self.protocols, PROTOCOLS)
        check("scenarios", self.scenarios, SCENARIOS)
        check("engine", [self.engine], ENGINES)
        description = describe(self.dataset)
        if self.raw and not description.has_raw:
            with_raw = [n for n in dataset_names() if describe(n).has_raw]
            raise BenchmarkConfigError(
                f"raw EEG windows exist for {', '.join(with_raw)} only, "
                f"not {self.dataset}"
            )
        if description.write_synthetic is None and self.data_root is None:
            raise BenchmarkConfigError(
                f"dataset {self.dataset!r} (one's own recordings) needs data_root"
            )
        fraction = self.window_fraction
        if not isinstance(fraction, int | float) or not 0 < fraction <= 1:
            raise BenchmarkConfigError(
                f"window_fraction must be in (0, 1], got {fraction!r}"
            )
        if not isinstance(self.jobs, int) or self.jobs < 1:
            raise BenchmarkConfigError(
                f"jobs must be an integer of at least 1, got {self.jobs!r}"
            )
        problem = device_problem(self.recipe.device)  # the recipe checks the rest
        if problem is not None:
            raise BenchmarkConfigError(problem)
        if not self.archs or not self.methods or not self.seeds:
            raise BenchmarkConfigError(
                "archs, methods and seeds need at least one value each"
            )
        valid = description.subjects
        if valid is not None:
            bad = [s for s in self.subjects if s not in valid]
            if bad:
                raise BenchmarkConfigError(
                    f"subjects: {bad} not among {self.dataset}'s "
                    f"{min(valid)}..{max(valid)}"
                )
        try:
            check_methods(self.methods, self.variants)
        except MethodError as exc:
            raise BenchmarkConfigError(f"methods: {exc}") from exc

    @property
    def synthetic(self) -> bool:
        """Whether the data are written by the package (no ``data_root``)."""
        return self.data_root is None

    def training_settings(self) -> dict[str, Any]:
        """The settings a cell's result depends on (part of its config hash)."""
        return {
            "dataset": self.dataset,
            "raw": self.raw,
            "data_root": str(self.data_root) if self.data_root else None,
            "window_fraction": self.window_fraction if self.synthetic else None,
            "data_seed": self.data_seed if self.synthetic else None,
            "device": self.recipe.device,
            "epochs": self.recipe.epochs,
            "warmup_epochs": self.recipe.warmup_epochs,
            "batch_size": self.recipe.batch_size,
            "lr": self.recipe.lr,
            "weight_decay": self.recipe.weight_decay,
        }

    def variant_params(self, method: str) -> dict[str, Any] | None:
        """The parameters of the profile's variant ``method``, or None."""
        return next((dict(p) for name, p in self.variants if name == method), None)


def profile_path(profile: str | Path) -> Path:
    """The TOML file of a profile name (``quick``, ``full``) or path."""
    path = Path(profile)
    if path.suffix != ".toml":
        path = PROFILES / f"{profile}.toml"
    if not path.is_file():
        shipped = sorted(p.stem for p in PROFILES.glob("*.toml"))
        raise BenchmarkConfigError(
            f"profile {str(profile)!r}: no file {path} (shipped profiles: "
            f"{', '.join(shipped)}; or pass the path of a .toml file)"
        )
    return path


def load_config(profile: str | Path = "quick", **overrides: Any) -> BenchmarkConfig:
    """The settings of ``profile`` with ``overrides`` (``None`` values ignored).

    Raises ``ValueError`` naming an unknown key of the profile or an
    invalid value.
    """
    path = profile_path(profile)
    with path.open("rb") as stream:
        settings = tomllib.load(stream)
    known = {f.name for f in dataclasses.fields(BenchmarkConfig)} - {"recipe"}
    known |= set(RECIPE_FIELDS)
    unknown = sorted(set(settings) - known)
    if unknown:
        raise BenchmarkConfigError(
            f"{path}: unknown setting(s) {unknown}; known: {', '.join(sorted(known))}"
        )
    settings.update({k: v for k, v in overrides.items() if v is not None})
    settings["profile"] = str(profile)
    for name in ("protocols", "scenarios", "archs", "methods", "seeds", "subjects"):
        if name in settings:
            settings[name] = tuple(settings[name])
    for name in ("data_root", "output", "data_dir"):
        if settings.get(name) is not None:
            settings[name] = Path(settings[name])
    variants = settings.get("variants", {})
    if not isinstance(variants, dict) or not all(
        isinstance(v, dict) for v in variants.values()
    ):
        raise BenchmarkConfigError(
            f"{path}: variants must be tables, [variants.<name>] with parameters"
        )
    settings["variants"] = tuple(
        (name, tuple(sorted((k, _hashable(v)) for k, v in params.items())))
        for name, params in variants.items()
    )
    recipe = {k: settings.pop(k) for k in RECIPE_FIELDS if k in settings}
    try:
        settings["recipe"] = TrainingRecipe(**recipe)
        return BenchmarkConfig(**settings)
    except ValueError as exc:  # BenchmarkConfigError, or the recipe's
        raise BenchmarkConfigError(f"{path}: {exc}") from exc
    except TypeError as exc:
        raise BenchmarkConfigError(
            f"{path}: a setting has a wrong type: {exc}"
        ) from exc


def _hashable(value: Any) -> Any:
    """``value`` with lists as tuples (a config is hashed: cells cache on it)."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value
