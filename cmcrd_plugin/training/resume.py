"""skorch's resume pattern for braindecode estimators: keep what ``load_params`` loaded.

skorch resumes training with ``net.initialize()``, ``net.load_params(...)``,
then ``net.partial_fit(...)``. braindecode's ``EEGClassifier`` (1.8) infers
``n_chans``, ``n_times`` and ``n_outputs`` from the data at the first
``fit`` or ``partial_fit`` and sets them with ``set_params``, which creates
the module, criterion and optimiser again. Everything loaded before that
first call is silently replaced by fresh parameters (plain ``EEGClassifier``
does this too). :class:`KeepLoadedParams` marks those signal arguments as
set once ``load_params`` has run, as braindecode itself does after a fit,
so training goes on from what was loaded.
"""

from __future__ import annotations


class KeepLoadedParams:
    """Mixin for braindecode estimators: ``partial_fit`` after ``load_params`` resumes.

    The module must have been initialised with its input shape (for example
    ``module__n_chans``, ``module__n_times``, ``module__n_outputs``), as
    ``load_params`` needs anyway.
    """

    def load_params(self, *args, **kwargs):
        """As skorch's; braindecode's first ``partial_fit`` then keeps the result."""
        distiller_file = kwargs.get("f_distiller")
        if distiller_file is not None and getattr(self, "distiller_", None) is None:
            raise ValueError(
                f"cannot load f_distiller={distiller_file!r}: the distiller of "
                f"{type(self).__name__} is built once its input sizes are known, "
                "and this model declares no input shape (n_chans, n_times) to size "
                "it from before any data is seen. Resume with "
                "callbacks=[LoadInitState(checkpoint)], which loads at train begin."
            )
        super().load_params(*args, **kwargs)
        self.signal_args_set_ = True
        return self
