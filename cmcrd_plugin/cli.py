"""The ``cmcrd`` command: ``list``, ``demo``, ``synth``, ``bench``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .benchmark.config import DATASETS, SCENARIOS
from .formats.seed_iv import SUBJECTS as SEED_IV_SUBJECTS
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
    from .benchmark.config import BenchmarkConfigError
    from .synthetic.folder import SyntheticDataError

    try:
        main(cfg)
    except (BenchmarkConfigError, SyntheticDataError) as exc:
        raise CommandError(str(exc)) from exc
    return 0


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
    from .benchmark.config import BenchmarkConfigError, load_config
    from .benchmark.runner import run_benchmark
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
    except (BenchmarkConfigError, SyntheticDataError) as exc:
        raise SystemExit(f"cmcrd bench: error: {exc}") from exc
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
    from .benchmark.report import build_report
    from .benchmark.runner import machine

    return build_report(
        table,
        machine=machine(),
        wall_seconds=table.attrs.get("wall_seconds", float("nan")),
        skipped=table.attrs.get("skipped", []),
        output_dir=config.output,
    )


class CommandError(Exception):
    """A refused command: ``main`` prints it in one line and exits with 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _non_negative_int(text: str) -> int:
    value = int(text)
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
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {value:g}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cmcrd`` command."""
    parser = _Parser(
        prog="cmcrd",
        description="Cross-modal contrastive representation distillation tools.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "list", help="list registered components and their source package"
    )
    p.add_argument("--kind", choices=list(KIND_HOOKS))
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser(
        "demo", help="run the synthetic SEED-V demo (a few minutes on CPU)"
    )
    p.add_argument("--subjects", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument(
        "--backbone", default="mlp", help="registered model name (mlp, dgcnn)"
    )
    p.add_argument("--epochs", type=_positive_int, default=30)
    p.add_argument("--window-fraction", type=_fraction, default=1.0)
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
    p.add_argument("--cache-dir", type=Path, default=None)
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
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "synth", help="write a synthetic dataset in a real on-disk layout"
    )
    p.add_argument("dataset", choices=["seed_v", "seed_iv", "seed"])
    p.add_argument("output", type=Path)
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
    p.add_argument("--seed", type=_non_negative_int, default=0)
    p.add_argument("--window-fraction", type=_fraction, default=1.0)
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="rewrite existing files; replace a dataset written with other settings",
    )
    p.add_argument(
        "--yes", action="store_true", help="seed_iv --raw: write without asking"
    )
    p.add_argument("--no-progress", action="store_true")
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
        choices=DATASETS,
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
    p.add_argument("--epochs", type=_positive_int)
    p.add_argument("--jobs", type=_positive_int, help="cells run in parallel")
    p.add_argument("--engine", choices=["local", "dask"])
    p.add_argument("--scheduler", help="address of a dask scheduler (--engine dask)")
    p.add_argument("--output", type=Path, help="results folder (default cmcrd-bench)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cmcrd`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"cmcrd {args.command}: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
