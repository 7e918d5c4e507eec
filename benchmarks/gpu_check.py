"""GPU readiness: the loss, the trainers and pickling on a CUDA device.

Run on a machine with a CUDA device (under 5 minutes):

    python benchmarks/gpu_check.py

Checks, one table row each; the exit status is 1 if any fails (2 without
CUDA):

- the CMCRD loss forward and backward on CUDA, with and without bf16
  autocast, against the same loss on the CPU;
- one ``CMCRDClassifier`` fit on CUDA (synthetic SEED-V, one subject), with
  and without bf16 autocast;
- that CUDA-trained net pickled, then loaded and used in a process that
  sees no CUDA device (``CUDA_VISIBLE_DEVICES=""``);
- ``CMCRDTrainer`` (Lightning) on one GPU;
- training-step throughput of the loss at the cross-subject size, CUDA
  against CPU (a ratio measured in this run).

Synthetic data; the accuracies mean nothing. ``--device cpu`` runs the same
checks with the CPU in the GPU's place (a dry run of this script).
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import torch

ROWS: list[tuple[str, str, str]] = []


def check(name: str):
    def run(function):
        started = time.perf_counter()
        try:
            note = function() or ""
            status = "OK"
        except Exception:  # noqa: BLE001 - a check: report, go on
            status, note = "FAIL", traceback.format_exc(limit=3).splitlines()[-1]
        ROWS.append((name, status, f"{note} ({time.perf_counter() - started:.1f} s)"))
        return function

    return run


def loss_inputs(device: str, n_data: int = 2000, batch: int = 64):
    from cmcrd_plugin.losses import CMCRDLoss

    torch.manual_seed(0)
    loss = CMCRDLoss(256, 128, n_negatives=1000).to(device)
    loss.set_training_labels(torch.arange(n_data, device=device) % 5)
    f_s = torch.randn(batch, 256, device=device, requires_grad=True)
    f_t = torch.randn(batch, 128, device=device)
    logits = torch.randn(batch, 5, device=device), torch.randn(batch, 5, device=device)
    y = torch.arange(batch, device=device) % 5
    return loss, (f_s, f_t, *logits, y, torch.arange(batch, device=device))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cuda", help="cuda (default) or cpu")
    gpu = parser.parse_args(argv).device
    if gpu == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        return 2
    kind = torch.device(gpu).type
    accelerator = "gpu" if kind == "cuda" else "cpu"
    from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds
    from cmcrd_plugin.models.mlp import CMCRDMLP
    from cmcrd_plugin.synthetic import write_seed_v
    from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

    folder = Path(tempfile.mkdtemp())
    root = write_seed_v(folder / "v", subjects=[1], window_fraction=0.5, progress=False)
    windows = load_seed_v(root, subjects=[1])
    train = windows.subset(seed_v_folds(windows)[0].train)
    X = {
        "eeg": FeatureScaler().fit(train.eeg).transform(train.eeg),
        "eye": FeatureScaler().fit(train.eye).transform(train.eye),
    }
    settings = dict(max_epochs=3, batch_size=64, train_split=None, verbose=0)
    nets = {}

    for autocast in (False, True):

        @check(f"loss on CUDA{' (bf16 autocast)' if autocast else ''}")
        def _loss(autocast=autocast):
            losses = {}
            for name, device in (("cpu", "cpu"), ("gpu", gpu)):
                loss, inputs = loss_inputs(device)
                draw = torch.Generator().manual_seed(1)
                negatives = torch.randint(0, 2000, (64, 1000), generator=draw)
                on = autocast and name == "gpu"
                with torch.autocast(kind, torch.bfloat16, enabled=on):
                    value = loss(*inputs, negatives.to(device))
                value.backward()
                assert torch.isfinite(inputs[0].grad).all()
                losses[name] = value.item()
            tolerance = 5e-2 if autocast else 1e-4
            gap = abs(losses["gpu"] - losses["cpu"]) / abs(losses["cpu"])
            assert gap < tolerance, f"{gpu} {losses['gpu']} vs CPU {losses['cpu']}"
            return f"relative gap to CPU {gap:.1e}"

        @check(f"CMCRDClassifier fit on CUDA{' (bf16 autocast)' if autocast else ''}")
        def _fit(autocast=autocast):
            torch.manual_seed(0)
            teacher = TeacherClassifier(CMCRDMLP, device=gpu, **settings)
            teacher.fit(X, train.label)
            net = CMCRDClassifier(
                CMCRDMLP, teacher=teacher.module_, device=gpu, **settings
            )
            with torch.autocast(kind, torch.bfloat16, enabled=autocast):
                net.fit(X, train.label)
            nets[autocast] = net
            return f"train accuracy {net.score(X['eeg'], train.label):.2f}"

    @check("CUDA-trained net pickled, loaded on a CPU-only process")
    def _pickle():
        net = nets[False]
        path = folder / "net.pkl"
        path.write_bytes(pickle.dumps(net))
        expected = net.predict(X["eeg"])
        code = (
            "import pickle, sys, numpy, torch; assert not torch.cuda.is_available();"
            f"net = pickle.loads(open({str(path)!r}, 'rb').read());"
            f"x = numpy.load({str(folder / 'x.npy')!r});"
            f"numpy.save({str(folder / 'p.npy')!r}, net.predict(x))"
        )
        import numpy as np

        np.save(folder / "x.npy", X["eeg"])
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        agree = (np.load(folder / "p.npy") == expected).mean()
        assert agree > 0.99, f"CPU predictions agree on {agree:.1%}"
        return f"predictions agree on {agree:.1%}"

    @check("CMCRDTrainer (Lightning) on one GPU")
    def _lightning():
        from torch.utils.data import DataLoader, TensorDataset

        from cmcrd_plugin.torcheeg_trainers import CMCRDTrainer

        class Paired(TensorDataset):
            def __getitem__(self, i):
                eeg, eye, y = super().__getitem__(i)
                return {"eeg": eeg, "eye": eye}, y

        tensors = [torch.as_tensor(X[key]).float() for key in ("eeg", "eye")]
        data = Paired(*tensors, torch.as_tensor(train.label))
        data.targets = torch.as_tensor(train.label)
        net = CMCRDTrainer(
            CMCRDMLP(n_chans=62, n_times=5, n_outputs=5),
            teacher=nets[False].teacher_.cpu(),
            accelerator=accelerator,
        )
        from pytorch_lightning import Callback

        class BankDevice(Callback):  # Lightning moves the module back at the end
            def on_train_end(self, trainer, pl_module):
                self.device = pl_module.distiller.memory.device.type

        seen = BankDevice()
        net.fit(
            DataLoader(data, batch_size=64, shuffle=True),
            max_epochs=2,
            callbacks=[seen],
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        assert seen.device == kind, f"banks on {seen.device} during training"
        return f"train loss {float(net.trainer.logged_metrics['train_loss']):.3f}"

    @check(f"loss training-step throughput, {gpu} / CPU")
    def _throughput():
        rates = {}
        for name, device in (("cpu", "cpu"), ("gpu", gpu)):
            loss, inputs = loss_inputs(device, n_data=27000, batch=256)
            steps = 20 if device == "cpu" else 200
            for _ in range(3):
                loss(*inputs).backward()
            if kind == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            for _ in range(steps):
                loss(*inputs).backward()
            if kind == "cuda":
                torch.cuda.synchronize()
            rates[name] = steps / (time.perf_counter() - started)
        ratio = rates["gpu"] / rates["cpu"]
        return f"{ratio:.1f}x ({rates['gpu']:.0f} vs {rates['cpu']:.1f} steps/s)"

    name = torch.cuda.get_device_name() if kind == "cuda" else "CPU (dry run)"
    print(f"{name} | torch {torch.__version__} | SYNTHETIC DATA")
    width = max(len(name) for name, _, _ in ROWS)
    for name, status, note in ROWS:
        print(f"{name:<{width}}  {status:<4}  {note}")
    return 1 if any(status != "OK" for _, status, _ in ROWS) else 0


if __name__ == "__main__":
    sys.exit(main())
