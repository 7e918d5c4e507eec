"""skorch's resume pattern for braindecode estimators: train the net that is there.

skorch resumes training with ``net.initialize()``, ``net.load_params(...)``,
then ``net.partial_fit(...)``. braindecode's ``EEGClassifier`` (1.8) infers
``n_chans``, ``n_times`` and ``n_outputs`` from the data at the first
``fit`` or ``partial_fit`` and sets them with ``set_params``, which creates
the module, criterion and optimiser again. Everything loaded (or set by
hand, for example pre-trained weights) before that first call is silently
replaced by fresh parameters; plain ``EEGClassifier`` does this too.
:class:`KeepInitializedNet` skips that inference in ``partial_fit`` when the
net is already initialised, since its module was then built with its input
shape given, so training goes on from what is there. ``fit`` is unchanged:
it starts afresh, as skorch's ``fit`` does.
"""

from __future__ import annotations


class KeepInitializedNet:
    """Mixin for braindecode estimators: ``partial_fit`` trains an initialised net.

    A net is initialised by ``initialize()``, which for a braindecode model
    needs its input shape (for example ``module__n_chans``,
    ``module__n_times``, ``module__n_outputs``), or by an earlier fit.
    """

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """As braindecode's, without re-creating an initialised module."""
        if getattr(self, "initialized_", False):
            self.signal_args_set_ = True
        return super().partial_fit(X, y=y, classes=classes, **fit_params)
