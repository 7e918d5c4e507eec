"""The ``cmcrd`` command: ``list``, ``demo``, ``synth``, ``bench``, and
``teacher``, ``train``, ``evaluate`` on one's own data.

One module per command; beside them the click classes (:mod:`.base`: one-line
errors, space-separated lists), shared option types (:mod:`.options`,
:mod:`.own_data_options`) and ``--config`` files (:mod:`.config_file`). The
command modules import the heavy stack (torch, pandas, the synthetic writers)
inside the command bodies, so that ``cmcrd --help`` is fast.
"""

from __future__ import annotations

import click

from .. import __version__
from . import bench, demo, evaluate, list_components, synth, teacher, train
from .base import CommandError, Group


@click.group(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=False,
)
@click.version_option(__version__, prog_name="cmcrd", message="%(prog)s %(version)s")
def main() -> None:
    """Cross-modal contrastive representation distillation tools."""


# added as attributes of their modules: cmcrd_plugin.commands.train stays the module
for _command in (
    list_components.list_components,
    demo.demo,
    synth.synth,
    bench.bench,
    teacher.teacher,
    train.train,
    evaluate.evaluate,
):
    main.add_command(_command)

__all__ = ["CommandError", "main"]
