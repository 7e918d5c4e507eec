"""Deprecated: what was here moved to :mod:`cmcrd_plugin.commands` (the demo
and the own-data commands) and :mod:`cmcrd_plugin.evaluation` (metrics, saved
models). :mod:`cmcrd_plugin.experiments.own_data` keeps working until 0.3."""
