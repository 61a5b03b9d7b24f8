"""Peer of `screen-genome`: the digital-cell base model's forward pass (BaseNetwork.cs) in python3-torch, reading the
same model.safetensors, screening the same candidates from the same start profile, batched the way a PyTorch user
would write it (256 candidates per forward, each a set of the one start cell). Prints the effect of every candidate
(mean of the program genes, targets held at the start level, minus the start's) to OUT and one timing line: wall and
CPU seconds of the screen.

usage: screen_base_model.py MODEL.safetensors INPUTS.safetensors OUT.f32 THREADS"""
import json, math, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from torch_perturbation_net import read_safetensors


def main(model_path, inputs_path, out_path, threads):
    torch.set_num_threads(threads)
    w, meta = read_safetensors(model_path)
    inputs, imeta = read_safetensors(inputs_path)
    cfg = json.loads(meta["config"])
    d, heads, layers = cfg["Dimension"], cfg["Heads"], cfg["Layers"]
    genes = json.loads(meta["genes"]); panel_names = json.loads(meta["panel"]); contexts = json.loads(meta["contexts"])
    index = {g: i for i, g in enumerate(genes)}
    panel = torch.tensor([index[g] for g in panel_names])
    candidates = json.loads(imeta["candidates"]); program = set(json.loads(imeta["program"]))
    positions = torch.tensor([i for i, g in enumerate(panel_names) if g in program])
    scored = {panel_names[i]: i for i in positions.tolist()}
    start = inputs["start"]
    knockout = 1  # PerturbationMode.Knockout
    t0, c0 = time.perf_counter(), time.process_time()
    with torch.no_grad():
        lin = lambda x, n: F.linear(x, w[n + ".weight"], w[n + ".bias"])
        ln = lambda x, n: F.layer_norm(x, [d], w[n + ".weight"], w[n + ".bias"])
        gene_tokens = lambda idx: F.linear(w["gene_prior"][idx], w["gene.prior_projection.weight"]) + w["gene.embedding.weight"][idx]
        tokens = gene_tokens(panel)                                            # G x d
        context = w["context.weight"][contexts.index("data:" + meta["data_id"])]
        x = start.unsqueeze(0).unsqueeze(0)                                    # 1 x 1 x G: a set of the one start cell
        h = lin(F.gelu(lin(ln(x @ tokens / math.sqrt(len(panel_names)), "encoder.norm"), "encoder.0")), "encoder.2")
        out_vocab = [i for i, c in enumerate(candidates) if c not in index]
        target_tokens = torch.empty(len(candidates), d)
        in_vocab = [i for i, c in enumerate(candidates) if c in index]
        target_tokens[in_vocab] = gene_tokens(torch.tensor([index[candidates[i]] for i in in_vocab]))
        target_tokens[out_vocab] = F.linear(inputs["priors"], w["gene.prior_projection.weight"])
        held = torch.tensor([[i, scored[c]] for i, c in enumerate(candidates) if c in scored], dtype=torch.long).reshape(-1, 2)
        effects = torch.empty(len(candidates))
        base = start[positions].mean()
        for b0 in range(0, len(candidates), 256):
            t = target_tokens[b0:b0 + 256]
            b = t.shape[0]
            pert = lin(F.gelu(lin(t, "perturbation.0")), "perturbation.2") + w["perturbation.mode.weight"][knockout]
            z = h.expand(b, 1, d) + (pert + context).unsqueeze(1)
            for l in range(layers):
                s = "layers.%d." % l
                a = ln(z, s + "norm1")
                qkv = lin(a, s + "attention.in").view(b, 1, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
                att = torch.softmax(qkv[0] @ qkv[1].transpose(-2, -1) / math.sqrt(d // heads), -1) @ qkv[2]
                z = z + lin(att.transpose(1, 2).reshape(b, 1, d), s + "attention.out")
                z = z + lin(F.gelu(lin(ln(z, s + "norm2"), s + "ffn.0")), s + "ffn.2")
            query = lin(ln(z, "norm"), "decoder")
            y = (x + query @ tokens.t() / math.sqrt(d) + w["gene.output_bias"][panel]).squeeze(1)  # b x G
            rows = held[(held[:, 0] >= b0) & (held[:, 0] < b0 + b)]
            y[rows[:, 0] - b0, rows[:, 1]] = start[rows[:, 1]]
            effects[b0:b0 + b] = y[:, positions].mean(1) - base
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    effects.numpy().astype(np.float32).tofile(out_path)
    print("%.3f %.3f" % (seconds, cpu))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
