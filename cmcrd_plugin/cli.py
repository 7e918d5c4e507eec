"""The ``cmcrd`` command: ``list``, ``demo``, ``synth``, ``bench``, and
``teacher``, ``train``, ``evaluate`` on one's own data."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from . import __version__
from .evaluation.datasets import dataset_names
from .experiments.own_data import (
    PROTOCOLS,
    DataSelection,
    OwnDataError,
    TrainingSettings,
)
from .formats.seed_iv import SUBJECTS as SEED_IV_SUBJECTS
from .harness.config import SCENARIOS
from .registry import KIND_HOOKS


def _cmd_list(args: argparse.Namespace) -> int:
    from . import get_registry

    registry = get_registry()
    kinds = [args.kind] if args.kind else list(KIND_HOOKS)
    rows = [("kind", "name", "source package", "plugin", "target")]
    for kind in kinds:
        for c in sorted(registry.components(kind), key=lambda c: c.name):
            rows.append((kind, c.name, c.source, c.plugin, c.target_path))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                cell.ljust(w) for cell, w in zip(row, widths, strict=True)
            ).rstrip()
        )
    for failure in registry.failures:
        print(
            f"! plugin {failure.plugin!r} ({failure.distribution or 'unknown'}) "
            f"failed to load: {failure.error}",
            file=sys.stderr,
        )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .experiments.demo import SCENARIOS as SCENARIOS_OF_DEMO
    from .experiments.demo import DemoConfig, main

    cfg = DemoConfig(
        subjects=tuple(args.subjects),
        backbone=args.backbone,
        max_epochs=args.epochs,
        window_fraction=args.window_fraction,
        seed=args.seed,
        train_seeds=tuple(args.train_seeds or ()),
        cache_dir=args.cache_dir,
        output=args.output,
        progress=not args.no_progress,
        device=args.device,
        scenarios=("default",) if args.no_control else SCENARIOS_OF_DEMO,
        jobs=args.jobs,
    )
    from .harness.config import BenchmarkConfigError
    from .synthetic.folder import SyntheticDataError

    try:
        main(cfg)
    except BenchmarkConfigError as exc:
        raise CommandError(str(exc)) from exc
    except SyntheticDataError as exc:
        raise CommandError(_written_data_hint(exc)) from exc
    return 0


def _written_data_hint(exc: Exception) -> str:
    """A refused synthetic data folder, for commands that have no --overwrite."""
    return (
        f"{exc} (this command writes its synthetic data itself and has no "
        "--overwrite: delete that folder, or choose another --output / "
        "--cache-dir, and run again)"
    )


def _cmd_synth(args: argparse.Namespace) -> int:
    from .synthetic import write_seed, write_seed_iv, write_seed_v
    from .synthetic.folder import SyntheticDataError
    from .synthetic.seed_iv import written_bytes

    kwargs = dict(
        seed=args.seed,
        window_fraction=args.window_fraction,
        overwrite=args.overwrite,
        progress=not args.no_progress,
    )
    if args.subjects:
        kwargs["subjects"] = args.subjects
    if args.raw and args.dataset != "seed_iv":
        raise CommandError("--raw is only available for seed_iv")
    writers = {"seed_v": write_seed_v, "seed_iv": write_seed_iv, "seed": write_seed}
    try:
        if args.dataset == "seed_iv":
            kwargs["raw"] = args.raw
        if args.raw:
            size = written_bytes(
                kwargs.get("subjects", SEED_IV_SUBJECTS),
                window_fraction=args.window_fraction,
                raw=True,
            )
            question = f"seed_iv with --raw writes about {_size(size)} to {args.output}"
            if not args.yes and not _confirmed(question):
                print("nothing written")
                return 1
        root = writers[args.dataset](args.output, **kwargs)
    except SyntheticDataError as exc:
        raise CommandError(str(exc)) from exc
    print(
        f"wrote synthetic {args.dataset} to {root} "
        "(synthetic data, not real recordings)"
    )
    return 0


def _size(n_bytes: int) -> str:
    """``n_bytes`` in MB or GB, one decimal."""
    if n_bytes >= 1e9:
        return f"{n_bytes / 1e9:.1f} GB"
    return f"{n_bytes / 1e6:.1f} MB"


def _confirmed(question: str) -> bool:
    """Ask ``question`` on the terminal; refuse when there is none."""
    if not sys.stdin.isatty():
        raise CommandError(f"{question}; pass --yes to confirm (no terminal to ask on)")
    try:
        answer = input(f"{question}. Write it? [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in {"y", "yes"}


def _cmd_bench(args: argparse.Namespace) -> int:
    from .harness.config import BenchmarkConfigError, load_config
    from .harness.runner import run_benchmark
    from .synthetic.folder import SyntheticDataError

    try:
        config = load_config(
            args.profile,
            dataset=args.dataset,
            data_root=args.data_root,
            raw=args.raw,
            protocols=args.protocol,
            scenarios=args.scenarios,
            archs=args.archs,
            methods=args.methods,
            seeds=args.seeds,
            subjects=args.subjects,
            epochs=args.epochs,
            jobs=args.jobs,
            engine=args.engine,
            scheduler=args.scheduler,
            output=args.output,
        )
    except BenchmarkConfigError as exc:
        raise SystemExit(f"cmcrd bench: error: {exc}") from exc
    try:
        table = run_benchmark(config, progress=not args.no_progress)
    # for example no architecture builds, or a data folder of other settings
    except BenchmarkConfigError as exc:
        raise SystemExit(f"cmcrd bench: error: {exc}") from exc
    except SyntheticDataError as exc:
        raise SystemExit(f"cmcrd bench: error: {_written_data_hint(exc)}") from exc
    output = config.output
    failed = int((table["status"] == "failed").sum() // 2)
    print(
        f"results: {output / 'results.csv'} ({len(table) // 2} cells, {failed} failed)"
    )
    print(f"report: {_report(config, table)}")
    if config.synthetic:
        print("SYNTHETIC DATA: files written in the real layout, not real recordings")
    return 0


def _report(config, table):
    from .harness.report import build_report
    from .harness.runner import machine

    return build_report(
        table,
        machine=machine(),
        wall_seconds=table.attrs.get("wall_seconds", float("nan")),
        skipped=table.attrs.get("skipped", []),
        output_dir=config.output,
    )


#: the options of the commands on one's own data that a --config file may set
OWN_DATA_COMMANDS = ("teacher", "train", "evaluate")
_TRAINING = {f.name for f in fields(TrainingSettings)}
_DATA = {f.name for f in fields(DataSelection)}


def _settings(args: argparse.Namespace, required: Sequence[str]) -> dict:
    """The command's options: ``--config`` values overridden by the command line.

    Options that were not given are absent from ``args`` (their default is
    ``argparse.SUPPRESS``); the defaults are those of the functions called.
    """
    given = {
        k: v for k, v in vars(args).items() if k not in {"command", "func", "config"}
    }
    settings = {**_config_file_settings(args), **given}
    missing = [name for name in required if name not in settings]
    if missing:
        options = ", ".join(f"--{name.replace('_', '-')}" for name in missing)
        raise CommandError(f"missing {options} (give it here or in a --config file)")
    return settings


def _config_file_settings(args: argparse.Namespace) -> dict:
    """The options a ``--config`` TOML file sets for ``args.command``.

    Top-level keys apply to every command that has the option (a key no
    command has is refused); the keys of a ``[teacher]``, ``[train]`` or
    ``[evaluate]`` table to that command only, over the top-level ones.
    Values are checked as the same options on the command line would be.
    Relative paths are relative to the file's folder.
    """
    path = getattr(args, "config", None)
    if path is None:
        return {}
    from .harness.config import tomllib

    try:
        with open(path, "rb") as stream:
            document = tomllib.load(stream)
    except OSError as exc:
        raise CommandError(f"--config {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CommandError(f"--config {path}: not TOML ({exc})") from exc
    parsers = {name: _own_data_parser(name, f"{path}") for name in OWN_DATA_COMMANDS}
    known = {name: _option_names(parser) for name, parser in parsers.items()}
    shared = {k: v for k, v in document.items() if k not in OWN_DATA_COMMANDS}
    anywhere = set().union(*known.values())
    unknown = sorted(k for k in shared if k.replace("-", "_") not in anywhere)
    tables = {name: document.get(name, {}) for name in OWN_DATA_COMMANDS}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise CommandError(f"--config {path}: [{name}] must be a table")
        unknown += [
            f"{name}.{k}" for k in table if k.replace("-", "_") not in known[name]
        ]
    if unknown:
        raise CommandError(
            f"--config {path}: unknown option(s) {', '.join(sorted(unknown))}"
        )
    own = known[args.command]
    chosen = {k: v for k, v in shared.items() if k.replace("-", "_") in own}
    chosen.update(tables[args.command])
    tokens = []
    for key, value in chosen.items():
        option = f"--{key.replace('_', '-')}"
        if isinstance(value, bool):  # a flag: true sets it, false leaves it off
            tokens += [option] if value else []
        elif isinstance(value, list):
            tokens += [option, *map(str, value)]
        else:
            tokens += [option, str(value)]
    settings = vars(parsers[args.command].parse_args(tokens))
    for key, value in settings.items():  # paths: relative to the file's folder
        if isinstance(value, Path) and not value.is_absolute():
            settings[key] = Path(path).parent / value
    return settings


def _option_names(parser: argparse.ArgumentParser) -> set[str]:
    return {a.dest for a in parser._actions if a.option_strings and a.dest != "help"}


def _data_selection(settings: dict) -> DataSelection:
    chosen = {k: v for k, v in settings.items() if k in _DATA}
    chosen["subjects"] = tuple(chosen.get("subjects", ()))
    return DataSelection(**chosen)


def _training(settings: dict) -> TrainingSettings:
    return TrainingSettings(**{k: v for k, v in settings.items() if k in _TRAINING})


def _cmd_teacher(args: argparse.Namespace) -> int:
    from .experiments.own_data import train_teacher

    settings = _settings(args, ("dataset", "root", "out"))
    try:
        train_teacher(
            _data_selection(settings),
            settings["out"],
            _training(settings),
            overwrite=settings.get("overwrite", False),
        )
    except OwnDataError as exc:
        raise CommandError(str(exc)) from exc
    print(f"teacher: {settings['out']} (settings beside it, .json)")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from .experiments.own_data import train_students

    settings = _settings(args, ("dataset", "root", "out"))
    try:
        result = train_students(
            _data_selection(settings),
            settings["out"],
            settings.get("teacher"),
            backbone=settings.get("backbone", "mlp"),
            distiller=settings.get("distiller", "cmcrd"),
            beta=settings.get("beta"),
            training=_training(settings),
            overwrite=settings.get("overwrite", False),
        )
    except OwnDataError as exc:
        raise CommandError(str(exc)) from exc
    out = settings["out"]
    for distiller, metrics in result["summary"].items():
        accuracy = metrics["accuracy"]
        print(
            f"{distiller}: test accuracy {accuracy['mean']:.3f} "
            f"+- {accuracy['std']:.3f} over subjects"
        )
    print(f"predictions, metrics and students: {out}")
    if result["data"]["synthetic"]:
        print("SYNTHETIC DATA: files written by cmcrd synth, not real recordings")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .experiments.own_data import evaluate_student

    settings = _settings(args, ("student", "dataset", "root"))
    try:
        result = evaluate_student(
            settings["student"],
            _data_selection(settings),
            out=settings.get("out"),
            device=settings.get("device", "cpu"),
            overwrite=settings.get("overwrite", False),
        )
    except OwnDataError as exc:
        raise CommandError(str(exc)) from exc
    metrics = result["metrics"]
    print(
        f"accuracy {metrics['accuracy']:.3f}, balanced accuracy "
        f"{metrics['balanced_accuracy']:.3f}, macro-F1 {metrics['macro_f1']:.3f} "
        f"on {result['n_windows']} windows of subjects {result['data']['subjects']}"
    )
    if settings.get("out") is not None:
        print(f"predictions and metrics: {settings['out']}")
    if result["data"]["synthetic"]:
        print("SYNTHETIC DATA: files written by cmcrd synth, not real recordings")
    return 0


class CommandError(Exception):
    """A refused command: ``main`` prints it in one line and exits with 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block).

    ``context`` (for example the config file the values came from) starts
    the message.
    """

    def __init__(self, *args, context: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.context = context

    def error(self, message: str):
        where = f"{self.context}: " if self.context else ""
        self.exit(2, f"{self.prog}: error: {where}{message} (see {self.prog} --help)\n")


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number, got {text!r}"
        ) from None


def _real(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


def _non_negative_int(text: str) -> int:
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def _available_device(text: str) -> str:
    """A torch device that this machine has (``cpu``, ``cuda:0``, ``mps``, ...)."""
    import torch

    try:
        device = torch.device(text)
    except (RuntimeError, TypeError) as exc:
        raise argparse.ArgumentTypeError(f"device {text!r}: {exc}") from exc
    if device.type == "cpu":
        return text
    backend = getattr(torch, device.type, None)  # torch.cuda, torch.mps, ...
    is_available = getattr(backend, "is_available", None)
    count = getattr(backend, "device_count", lambda: 1)
    if is_available is None or not is_available():
        raise argparse.ArgumentTypeError(f"device {text!r} is not available here")
    if device.index is not None and device.index >= count():
        raise argparse.ArgumentTypeError(
            f"device {text!r} is not available here ({count()} {device.type} device(s))"
        )
    return text


def _fraction(text: str) -> float:
    value = _real(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {value:g}")
    return value


def _positive_int(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = _real(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def _non_negative_float(text: str) -> float:
    value = _real(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {text}")
    return value


def _beta(text: str) -> float | str:
    if text == "auto":
        return text
    try:
        float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a weight of at least 0 or 'auto', got {text!r}"
        ) from None
    return _non_negative_float(text)


OWN_DATA_HELP = {
    "teacher": (
        "train the eye teacher of every fold on one's own data folder",
        "Train the eye-movement teacher (the paper's MLP, CE + MCC) on the "
        "training trials of every fold of --protocol, its epoch chosen on "
        "validation trials, and save them to --out (teacher.pt, with its "
        "settings and scaler statistics in teacher.json). Options may come from "
        "a --config TOML file; the command line overrides it.",
    ),
    "train": (
        "train CMCRD students on one's own data and write predictions, "
        "metrics and students",
        "Train a CMCRDClassifier student on the EEG of every fold of --protocol, "
        "distilled from that fold's teacher in --teacher (a file of cmcrd "
        "teacher on the same folder), and write predictions.csv, metrics.csv, "
        "metrics.json and students/<fold>.pt to --out. Options may come from a "
        "--config TOML file; the command line overrides it.",
    ),
    "evaluate": (
        "score a saved student on the EEG of a data folder",
        "Score a student written by cmcrd train (run/students/<fold>.pt) on "
        "the EEG windows of --root, standardised with the student's own "
        "training statistics; print the scores and, with --out, write "
        "predictions.csv and metrics.json. Options may come from a --config "
        "TOML file; the command line overrides it.",
    ),
}


def _add_own_data_options(command: str, p: argparse.ArgumentParser) -> None:
    """The options of ``cmcrd teacher``, ``train`` or ``evaluate``."""
    d = TrainingSettings()
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="a TOML file of options (keys as the options, with _ or -, and "
        "[teacher] / [train] / [evaluate] tables); the command line overrides it",
    )
    if command == "evaluate":
        p.add_argument(
            "--student",
            type=Path,
            metavar="FILE",
            help="a student file (run/students/<fold>.pt)",
        )
    p.add_argument(
        "--dataset",
        choices=dataset_names(),
        help="the folder's layout (paired_npz: one's own recordings in the "
        "generic paired format, docs/data-formats.md)",
    )
    p.add_argument(
        "--root",
        type=Path,
        metavar="PATH",
        help="the data folder (for paired_npz, the .npz file)",
    )
    p.add_argument(
        "--raw",
        action="store_true",
        help="seed_iv: raw 4-s EEG windows (62 x 800) instead of DE features",
    )
    p.add_argument(
        "--subjects",
        type=int,
        nargs="+",
        help="subjects to use (default: every subject in the folder)",
    )
    if command != "evaluate":
        p.add_argument(
            "--protocol",
            choices=PROTOCOLS,
            help="within_subject: the dataset's trial folds per subject; loso: "
            "leave one subject out (default: within_subject)",
        )
    if command == "train":
        p.add_argument(
            "--teacher",
            type=Path,
            metavar="FILE",
            help="a teacher file of cmcrd teacher on the same folder and protocol",
        )
        p.add_argument(
            "--backbone",
            help="the student: mlp, dgcnn, a braindecode model class name or "
            "torcheeg.<Name> (default: mlp)",
        )
        p.add_argument(
            "--distiller",
            help="a registered distiller: cmcrd, crd, kd, fitnet, nst, sp, rkd, "
            "pkt, or none for cross-entropy alone (default: cmcrd)",
        )
        p.add_argument(
            "--beta",
            type=_beta,
            help="weight of the distillation term, or auto to choose it on the "
            "validation trials (default: the distiller's own)",
        )
    if command != "evaluate":
        p.add_argument(
            "--epochs", type=_positive_int, help=f"epochs (default: {d.epochs})"
        )
        p.add_argument(
            "--warmup-epochs",
            type=_non_negative_int,
            help=f"epochs of learning-rate warm-up (default: {d.warmup_epochs})",
        )
        p.add_argument(
            "--batch-size",
            type=_positive_int,
            help=f"windows per batch (default: {d.batch_size})",
        )
        p.add_argument(
            "--lr", type=_positive_float, help=f"AdamW learning rate (default: {d.lr})"
        )
        p.add_argument(
            "--weight-decay",
            type=_non_negative_float,
            help=f"AdamW weight decay (default: {d.weight_decay})",
        )
        p.add_argument(
            "--seed",
            type=_non_negative_int,
            help=f"seed of initialisation and batch order (default: {d.seed})",
        )
    p.add_argument(
        "--device",
        type=_available_device,
        help=f"a torch device here (default: {d.device})",
    )
    out_help = {
        "teacher": "the teacher file to write (teacher.pt; settings in teacher.json)",
        "train": "the run folder to write",
        "evaluate": "a folder to write predictions.csv and metrics.json into",
    }
    p.add_argument("--out", type=Path, metavar="PATH", help=out_help[command])
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace what an earlier run of this command wrote at --out (a "
        "folder holding anything else is refused)",
    )


def _own_data_parser(command: str, context: str = "") -> _Parser:
    """A parser of the options of ``command`` alone (for --config values)."""
    parser = _Parser(
        prog=f"cmcrd {command}", argument_default=argparse.SUPPRESS, context=context
    )
    _add_own_data_options(command, parser)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cmcrd`` command."""
    parser = _Parser(
        prog="cmcrd",
        description="Cross-modal contrastive representation distillation tools.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "list", help="list registered components and their source package"
    )
    p.add_argument(
        "--kind", choices=list(KIND_HOOKS), help="list one kind of component only"
    )
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser(
        "demo", help="run the synthetic SEED-V demo (a few minutes on CPU)"
    )
    p.add_argument(
        "--subjects",
        type=int,
        nargs="+",
        default=[1, 2, 3],
        help="synthetic SEED-V subjects to run (default: 1 2 3)",
    )
    p.add_argument(
        "--backbone", default="mlp", help="registered model name (mlp, dgcnn)"
    )
    p.add_argument(
        "--epochs",
        type=_positive_int,
        default=30,
        help="training epochs of every model (default: 30)",
    )
    p.add_argument(
        "--window-fraction",
        type=_fraction,
        default=1.0,
        help="fraction of SEED-V's windows per trial to write, in (0, 1] "
        "(default: 1, full size)",
    )
    p.add_argument(
        "--seed",
        type=_non_negative_int,
        default=2022,
        help="seed of the synthetic data",
    )
    p.add_argument(
        "--train-seeds",
        type=int,
        nargs="+",
        default=None,
        help="seeds of model training (default: --seed), e.g. 2022 2023 2024",
    )
    p.add_argument("--output", type=Path, default=None, help="write tidy rows as CSV")
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="folder for the synthetic data (default: $CMCRD_CACHE, or the "
        "user cache folder, ~/.cache/cmcrd_plugin on Linux)",
    )
    p.add_argument(
        "--device", type=_available_device, default="cpu", help="a torch device here"
    )
    p.add_argument(
        "--jobs", type=_positive_int, default=2, help="pipelines trained at a time"
    )
    p.add_argument(
        "--no-control",
        action="store_true",
        help="leave out the positive-control scenario (default data only)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "synth", help="write a synthetic dataset in a real on-disk layout"
    )
    p.add_argument(
        "dataset", choices=["seed_v", "seed_iv", "seed"], help="the layout to write"
    )
    p.add_argument("output", type=Path, help="the folder to write it in")
    p.add_argument(
        "--subjects",
        type=int,
        nargs="+",
        default=None,
        help="default: every subject of the real release",
    )
    p.add_argument(
        "--raw", action="store_true", help="seed_iv: also write eeg_raw_data"
    )
    p.add_argument(
        "--seed",
        type=_non_negative_int,
        default=0,
        help="seed of the synthetic data; the same seed writes the same arrays",
    )
    p.add_argument(
        "--window-fraction",
        type=_fraction,
        default=1.0,
        help="fraction of the release's windows per trial, in (0, 1] "
        "(default: 1, full size)",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="rewrite existing files; replace a dataset written with other settings",
    )
    p.add_argument(
        "--yes", action="store_true", help="seed_iv --raw: write without asking"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser(
        "bench",
        help="benchmark CMCRD students against EEG-only and the other distillers",
        description="Run a benchmark grid (resumable: a rerun skips finished cells) "
        "and write results.csv, report.md and figures to --output. Settings come "
        "from --profile (quick, full, or a .toml file) and the options override it.",
    )
    p.add_argument("--profile", default="quick", help="quick, full, or a .toml path")
    p.add_argument(
        "--dataset",
        choices=dataset_names(),
        help="paired_npz: one's own recordings in the generic paired format",
    )
    p.add_argument(
        "--data-root", type=Path, help="a licensed copy (default: synthetic data)"
    )
    p.add_argument(
        "--raw",
        action="store_true",
        default=None,
        help="seed_iv: students read raw 4-s EEG windows (62 x 800) instead of DE",
    )
    p.add_argument(
        "--protocol", nargs="+", choices=["within_subject", "loso"], help="protocols"
    )
    p.add_argument(
        "--scenarios",
        nargs="+",
        choices=SCENARIOS,
        help="the data as they are, and the controls (see docs/benchmarks.md)",
    )
    p.add_argument(
        "--archs",
        nargs="+",
        help="student architectures: mlp, dgcnn, braindecode model class names, "
        "torcheeg.<Name> (torcheeg.DGCNN), or braindecode / torcheeg for all",
    )
    p.add_argument("--methods", nargs="+", help="eeg_only, cmcrd, kd, ... (see docs)")
    p.add_argument("--seeds", type=int, nargs="+", help="training seeds")
    p.add_argument("--subjects", type=int, nargs="+", help="default: the profile's")
    p.add_argument("--epochs", type=_positive_int, help="epochs of every fit")
    p.add_argument("--jobs", type=_positive_int, help="cells run in parallel")
    p.add_argument(
        "--engine",
        choices=["local", "dask"],
        help="local: joblib processes here; dask: a dask.distributed cluster",
    )
    p.add_argument("--scheduler", help="address of a dask scheduler (--engine dask)")
    p.add_argument("--output", type=Path, help="results folder (default cmcrd-bench)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_bench)

    commands = {"teacher": _cmd_teacher, "train": _cmd_train, "evaluate": _cmd_evaluate}
    for command, func in commands.items():
        summary, description = OWN_DATA_HELP[command]
        p = sub.add_parser(
            command,
            help=summary,
            description=description,
            argument_default=argparse.SUPPRESS,
        )
        _add_own_data_options(command, p)
        p.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cmcrd`` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command in OWN_DATA_COMMANDS:
            with warnings.catch_warnings():  # deprecations of braindecode's imports
                warnings.filterwarnings(
                    "ignore", category=FutureWarning, module="braindecode"
                )
                return args.func(args)
        return args.func(args)
    except CommandError as exc:
        print(f"cmcrd {args.command}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
