"""Benchmark harness: CMCRD students against the toolkits' native models.

A grid of independent cells (dataset, scenario, protocol, subject, fold,
seed, architecture, method) is run locally through joblib or on a
``dask.distributed`` cluster; every finished cell is added to
``results.csv`` at once (atomically), so a rerun skips what is done. Run it
with ``cmcrd bench`` or ``tox -e bench``; settings come from a profile
(``quick``, ``full``, or a TOML file of one's own) overridden by the command
line. See :mod:`~cmcrd_plugin.harness.config`.
"""
