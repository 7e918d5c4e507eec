"""The evaluation core: one fold of one protocol, written once.

Both ``cmcrd bench`` (:mod:`cmcrd_plugin.harness`) and the commands on
one's own data stand on this layer; it imports neither.

- :mod:`~cmcrd_plugin.evaluation.datasets`: what differs between datasets,
  one :class:`~cmcrd_plugin.evaluation.datasets.DatasetDescription` each,
  registered by name;
- :mod:`~cmcrd_plugin.evaluation.folds`: reading the windows, cutting a
  fold (train / validation / test rows), standardising with training
  statistics;
- :mod:`~cmcrd_plugin.evaluation.recipe`: the training recipe every teacher
  and student shares; :mod:`~cmcrd_plugin.evaluation.estimators`: the
  estimator settings it gives, and the best-validation epoch;
- :mod:`~cmcrd_plugin.evaluation.students`,
  :mod:`~cmcrd_plugin.evaluation.teachers`: building a student for the
  windows, training a fold's eye teacher;
- :mod:`~cmcrd_plugin.evaluation.architectures`,
  :mod:`~cmcrd_plugin.evaluation.torcheeg_models`,
  :mod:`~cmcrd_plugin.evaluation.lightning_fits`: the toolkits' models and
  trainers;
- :mod:`~cmcrd_plugin.evaluation.metrics`: scores, and their summary over
  subjects;
- :mod:`~cmcrd_plugin.evaluation.saved_models`: trained models on disk.
"""
