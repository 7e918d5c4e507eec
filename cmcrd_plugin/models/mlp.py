"""The paper's MLP backbone as a braindecode model."""

from __future__ import annotations

from braindecode.models.base import EEGModuleMixin
from torch import nn


class CMCRDMLP(EEGModuleMixin, nn.Module):
    """Multilayer perceptron on flattened feature maps (the paper's MLP).

    ``Flatten -> [Linear(d, hidden) -> BatchNorm1d -> ReLU] x n_hidden_layers
    -> final_layer = Linear(hidden, n_outputs)``, with ``d = n_chans * n_times``.
    The distilled feature is the input of ``final_layer`` (the last hidden
    layer). For DE features use ``n_chans=62, n_times=5``; for an eye vector of
    length 33 fed as (33, 1), ``n_chans=33, n_times=1``.

    Parameters
    ----------
    hidden_size : int
        Width of the hidden layers (128 in the paper).
    n_hidden_layers : int
        Number of Linear-BN-ReLU blocks. ``docs/method.md`` writes the block
        pair "Linear(d_in,128)-BN-ReLU-Linear(128,128)-BN-ReLU"; the default
        2 follows that literal reading.
    drop_prob : float
        Dropout before ``final_layer`` (0 in the paper).
    """

    def __init__(
        self,
        n_outputs: int | None = None,
        n_chans: int | None = None,
        chs_info: list[dict] | None = None,
        n_times: int | None = None,
        input_window_seconds: float | None = None,
        sfreq: float | None = None,
        hidden_size: int = 128,
        n_hidden_layers: int = 2,
        drop_prob: float = 0.0,
    ) -> None:
        super().__init__(
            n_outputs=n_outputs,
            n_chans=n_chans,
            chs_info=chs_info,
            n_times=n_times,
            input_window_seconds=input_window_seconds,
            sfreq=sfreq,
        )
        del n_outputs, n_chans, chs_info, n_times, input_window_seconds, sfreq
        layers: list[nn.Module] = [nn.Flatten()]
        width = self.n_chans * self.n_times
        for _ in range(n_hidden_layers):
            layers += [
                nn.Linear(width, hidden_size),
                nn.BatchNorm1d(hidden_size),
                nn.ReLU(),
            ]
            width = hidden_size
        if drop_prob > 0:
            layers.append(nn.Dropout(drop_prob))
        self.features = nn.Sequential(*layers)
        self.final_layer = nn.Linear(width, self.n_outputs)

    def forward(self, x):  # noqa: D102 - documented in the class
        return self.final_layer(self.features(x))
