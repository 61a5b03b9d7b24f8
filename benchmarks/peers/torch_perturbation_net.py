"""The DigitalCell neural perturbation network in PyTorch (python3-torch from Debian), with the same tensor names
as our safetensors files, so weights move both ways. Used by the interop test and the training-step benchmark.

  z = encoder(x); e = prior_projection(prior_sum) + known @ target_embedding.weight
  y = x + decoder(gelu(z) + e)
Loss: energy distance per cell set + w * squared error of set means (see DistributionLoss.cs)."""
import json, struct, sys, time
import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        arr = np.frombuffer(raw[8 + n + b:8 + n + end], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def write_safetensors(path, tensors, meta=None):
    header, blobs, off = {}, [], 0
    if meta:
        header["__metadata__"] = meta
    for name, t in tensors.items():
        b = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class PerturbationNet(nn.Module):
    def __init__(self, genes, hidden, latent, prior_dims, targets):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(genes, hidden), nn.GELU(), nn.Linear(hidden, latent))
        self.prior_projection = nn.Linear(prior_dims, latent, bias=False)
        self.target_embedding = nn.Embedding(targets, latent)
        nn.init.zeros_(self.target_embedding.weight)
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.GELU(), nn.Linear(hidden, genes))
        nn.init.zeros_(self.decoder[2].weight)
        nn.init.zeros_(self.decoder[2].bias)

    def forward(self, x, prior_sum, known):
        e = self.prior_projection(prior_sum) + known @ self.target_embedding.weight
        return x + self.decoder(nn.functional.gelu(self.encoder(x)) + e)


def mean_distance(a, b):
    sq = a.pow(2).sum(-1).unsqueeze(-1) + b.pow(2).sum(-1).unsqueeze(-2) - 2 * a.bmm(b.transpose(1, 2))
    return sq.clamp_min(1e-12).sqrt().mean([1, 2])


def loss_fn(pred, obs, w):
    n = pred.shape[1]
    within = (mean_distance(pred, pred) + mean_distance(obs, obs)) * n / (n - 1.0)
    energy = (2 * mean_distance(pred, obs) - within).mean()
    return energy + w * (pred.mean(1) - obs.mean(1)).pow(2).mean()


def optimise(opt, params, loss):
    """The update both training-step benchmarks time: zero the gradients, backward, clip to norm 1, optimiser step."""
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()


def benchmark(genes, hidden, latent, prior_dims, targets, p, n, steps, warmup, threads):
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    net = PerturbationNet(genes, hidden, latent, prior_dims, targets)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    cells = torch.randn(4096, genes).abs()
    times = []
    for step in range(warmup + steps):
        t0 = time.perf_counter()  # the whole step: batch gather, forward, loss, backward, clipping, AdamW
        g = torch.Generator().manual_seed(step)
        ctrl = cells[torch.randint(0, 4096, (p * n,), generator=g)]
        obs = cells[torch.randint(0, 4096, (p * n,), generator=g)].view(p, n, -1)
        prior = torch.randn(p * n, prior_dims, generator=g)
        known = torch.zeros(p * n, targets)
        pred = net(ctrl, prior, known).view(p, n, -1)
        loss = loss_fn(pred, obs, 10.0)
        optimise(opt, list(net.parameters()), loss)
        if step >= warmup:
            times.append(time.perf_counter() - t0)
    return float(np.median(times))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "forward":
        # forward <model.safetensors> <inputs.safetensors> <out.safetensors>: our weights, our inputs, torch's outputs
        w, _ = read_safetensors(sys.argv[2])
        inputs, _ = read_safetensors(sys.argv[3])
        genes, prior_dims = w["gene_prior"].shape
        hidden, latent = w["encoder.0.weight"].shape[0], w["encoder.2.weight"].shape[0]
        net = PerturbationNet(genes, hidden, latent, prior_dims, w["target_embedding.weight"].shape[0])
        net.load_state_dict({k: v for k, v in w.items() if k not in ("gene_prior", "control_cells")})
        with torch.no_grad():
            y = net(inputs["x"], inputs["prior_sum"], inputs["known"])
        write_safetensors(sys.argv[4], {"y": y})
    elif cmd == "random-model":
        # random-model <out.safetensors> genes hidden latent prior targets: torch-initialised weights for us to load
        genes, hidden, latent, prior_dims, targets = map(int, sys.argv[3:8])
        torch.manual_seed(1)
        net = PerturbationNet(genes, hidden, latent, prior_dims, targets)
        nn.init.normal_(net.target_embedding.weight)
        state = dict(net.state_dict())
        state["gene_prior"] = torch.randn(genes, prior_dims)
        write_safetensors(sys.argv[2], state, {"format": "pt"})
    elif cmd == "export-onnx":
        # export-onnx <dir> genes hidden latent prior targets: a torch model exported as DigitalCell's onnx/perturbation-v1
        # directory, plus expected.safetensors with the mean prediction for target 0, target 1 and targets 0+1.
        out = sys.argv[2]
        genes, hidden, latent, prior_dims, targets = map(int, sys.argv[3:8])
        torch.manual_seed(2)
        net = PerturbationNet(genes, hidden, latent, prior_dims, targets)
        for p in net.parameters():
            nn.init.normal_(p, std=0.3)
        target_prior = torch.randn(targets, prior_dims)

        class Exported(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = net
                self.register_buffer("target_prior", target_prior)

            def forward(self, control, perturbation):
                return self.net(control, perturbation @ self.target_prior, perturbation)

        model = Exported().eval()
        control = torch.rand(16, genes)
        pert = torch.zeros(16, targets)
        torch.onnx.export(model, (control, pert), f"{out}/model.onnx", input_names=["control", "perturbation"],
                          output_names=["predicted"], dynamic_axes={"control": {0: "cells"}, "perturbation": {0: "cells"}, "predicted": {0: "cells"}},
                          opset_version=13)
        names = [f"T{i}" for i in range(targets)]
        write_safetensors(f"{out}/model.safetensors", {"control_cells": control},
                          {"genes": json.dumps([f"G{i}" for i in range(genes)]), "targets": json.dumps(names)})
        with open(f"{out}/model-card.json", "w") as f:
            json.dump({"name": "torch-export", "architecture": "onnx/perturbation-v1", "hyperparameters": {}, "metrics": {},
                       "license": "MIT", "sdk_version": "python-peer"}, f)
        expected = {}
        with torch.no_grad():
            for key, idx in (("T0", [0]), ("T1", [1]), ("T0+T1", [0, 1])):
                p = torch.zeros(16, targets)
                p[:, idx] = 1
                expected[key] = model(control, p).mean(0)
        write_safetensors(f"{out}/expected.safetensors", expected)
    elif cmd == "benchmark":
        args = json.loads(sys.argv[2])
        print(json.dumps({"median_step_seconds": benchmark(**args), "torch": torch.__version__}))
