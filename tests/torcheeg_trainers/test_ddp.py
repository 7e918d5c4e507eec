"""CMCRDTrainer under Lightning's DDP: 2 CPU processes, gloo, on loopback."""

import pytest
import torch

pytest.importorskip("torcheeg")

from pytorch_lightning import Callback  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402

from cmcrd_plugin.models.mlp import CMCRDMLP  # noqa: E402
from cmcrd_plugin.torcheeg_trainers import CMCRDTrainer  # noqa: E402


class Paired(Dataset):
    """Windows keyed by modality, as the paired TorchEEG datasets yield them."""

    def __init__(self, n: int = 96) -> None:
        g = torch.Generator().manual_seed(0)
        self.targets = torch.arange(n) % 3
        self.eeg = torch.randn(n, 62, 5, generator=g) + self.targets[:, None, None]
        self.eye = torch.randn(n, 33, generator=g) + self.targets[:, None]

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, i: int):
        return {"eeg": self.eeg[i], "eye": self.eye[i]}, self.targets[i]


class SaveRankState(Callback):
    """Each rank saves its banks and its student at the end of training."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def on_train_end(self, trainer, pl_module) -> None:
        state = {
            "memory": pl_module.distiller.memory,
            "norm_s": pl_module.distiller.norm_s,
            # parameters (batch-norm statistics are each rank's own)
            "model": dict(pl_module.model.named_parameters()),
        }
        torch.save(state, f"{self.folder}/rank{trainer.global_rank}.pt")


@pytest.mark.timeout(300)
def test_ddp_ranks_hold_identical_banks(tmp_path, monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    torch.manual_seed(0)
    teacher = CMCRDMLP(n_chans=33, n_times=1, n_outputs=3, hidden_size=16)
    student = CMCRDMLP(n_chans=62, n_times=5, n_outputs=3, hidden_size=16)
    net = CMCRDTrainer(student, teacher=teacher, distiller_kwargs={"n_negatives": 16})
    data = Paired()
    net.fit(
        DataLoader(data, batch_size=16, shuffle=True),
        max_epochs=2,
        strategy="ddp_spawn",
        devices=2,
        callbacks=[SaveRankState(str(tmp_path))],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    ranks = [torch.load(tmp_path / f"rank{r}.pt") for r in range(2)]
    assert torch.equal(ranks[0]["memory"], ranks[1]["memory"])
    assert (
        torch.equal(ranks[0]["norm_s"], ranks[1]["norm_s"]) and ranks[0]["norm_s"] > 0
    )
    for name, value in ranks[0]["model"].items():
        torch.testing.assert_close(value, ranks[1]["model"][name], msg=name)
    # every window was in some rank's batches: every bank row was updated
    fresh = CMCRDTrainer(student, teacher=teacher, distiller_kwargs={"n_negatives": 16})
    fresh.prepare_training_set(data)
    moved = (ranks[0]["memory"] - fresh.distiller.memory).abs().sum(dim=2) > 0
    assert moved.all()
