"""The ``cmcrd`` command: ``cmcrd list``, ``cmcrd demo``, ``cmcrd synth``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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
    )
    main(cfg)
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from .synthetic import write_seed, write_seed_iv, write_seed_v

    kwargs = dict(
        seed=args.seed,
        window_fraction=args.window_fraction,
        overwrite=args.overwrite,
        progress=not args.no_progress,
    )
    if args.subjects:
        kwargs["subjects"] = args.subjects
    if args.dataset == "seed_iv":
        kwargs["raw"] = args.raw
    elif args.raw:
        raise SystemExit("--raw is only available for seed_iv")
    writers = {"seed_v": write_seed_v, "seed_iv": write_seed_iv, "seed": write_seed}
    root = writers[args.dataset](args.output, **kwargs)
    print(
        f"wrote synthetic {args.dataset} to {root} "
        "(synthetic data, not real recordings)"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cmcrd`` command."""
    parser = argparse.ArgumentParser(
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
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--window-fraction", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=2022, help="seed of the synthetic data")
    p.add_argument(
        "--train-seeds",
        type=int,
        nargs="+",
        default=None,
        help="seeds of model training (default: --seed), e.g. 2022 2023 2024",
    )
    p.add_argument("--output", type=Path, default=None, help="write tidy rows as CSV")
    p.add_argument("--cache-dir", type=Path, default=None)
    p.add_argument("--device", default="cpu")
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
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--window-fraction", type=float, default=1.0)
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_cmd_synth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cmcrd`` console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
