"""``python -m cmcrd_plugin``: the ``cmcrd`` command."""

from .commands import main

raise SystemExit(main())
