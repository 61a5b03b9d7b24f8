"""The digital-cell base network (src/DigitalCell.Sdk.Torch/BaseModel/BaseNetwork.cs) in Debian's python3-torch, written
functionally on the same tensor names as our model.safetensors, so our weights load unchanged. Used by the loss-parity
test (`loss`) and the base-model-perf benchmark's step-time peer (`benchmark`).

  token_g = W_prior · prior_g + embedding_g
  cell    = MLP(LN(x · T_panel / sqrt(G)))
  pert    = sum_t MLP(token_t) + mode_t  (+ agent rows) (+ interaction(sum) when >= 2 targets)
  z       = SetTransformer(cell + pert + context)          pre-norm, attention across the cells of a set
  y       = x + (W_dec · z) · T_panel^T / sqrt(d) + b_panel
Loss: energy distance (V-statistic) per set + w * pseudobulk MSE (see SetLoss.cs)."""
import json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_perturbation_net import optimise, read_safetensors, write_safetensors  # noqa: E402


def linear(w, x, name):
    return F.linear(x, w[name + ".weight"], w[name + ".bias"])


def layer_norm(w, x, name):
    return F.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"])


def gene_tokens(w, prior, genes):
    return F.linear(prior[genes], w["gene.prior_projection.weight"]) + w["gene.embedding.weight"][genes]


def attention(w, x, name, heads):
    b, s, d = x.shape
    qkv = linear(w, x, name + ".in").view(b, s, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    weights = torch.softmax(q.matmul(k.transpose(-2, -1)) * (1 / math.sqrt(d // heads)), -1)
    return linear(w, weights.matmul(v).transpose(1, 2).reshape(b, s, d), name + ".out")


def forward(w, cfg, cells, panel, perturbation, context):
    tokens = gene_tokens(w, w["gene_prior"], panel)
    h = layer_norm(w, cells.matmul(tokens) * (1 / math.sqrt(max(1, tokens.shape[0]))), "encoder.norm")
    h = linear(w, F.gelu(linear(w, h, "encoder.0")), "encoder.2")
    z = h + (perturbation + context).unsqueeze(1)
    for l in range(cfg["Layers"]):
        s = f"layers.{l}."
        z = z + attention(w, layer_norm(w, z, s + "norm1"), s + "attention", cfg["Heads"])
        z = z + linear(w, F.gelu(linear(w, layer_norm(w, z, s + "norm2"), s + "ffn.0")), s + "ffn.2")
    z = layer_norm(w, z, "norm")
    query = F.linear(z, w["decoder.weight"], w["decoder.bias"])
    return cells + query.matmul(tokens.t()) * (1 / math.sqrt(cfg["Dimension"])) + w["gene.output_bias"][panel]


def perturbations(w, genes, gene_sets, gene_modes, agents, agent_sets, agent_modes, sets):
    d = w["perturbation.mode.weight"].shape[1]
    result = torch.zeros(sets, d)
    if len(genes) > 0:
        e = linear(w, F.gelu(linear(w, gene_tokens(w, w["gene_prior"], genes), "perturbation.0")), "perturbation.2")
        result = result.index_add(0, gene_sets, e + w["perturbation.mode.weight"][gene_modes])
    if len(agents) > 0:
        result = result.index_add(0, agent_sets, w["perturbation.agent.weight"][agents] + w["perturbation.mode.weight"][agent_modes])
    counts = torch.bincount(torch.cat([gene_sets, agent_sets]), minlength=sets)
    combination = (counts >= 2).float().unsqueeze(1)
    return result + combination * linear(w, F.gelu(linear(w, result, "perturbation.interaction.0")), "perturbation.interaction.2")


def mean_distance(a, b):
    product = a.bmm(b.transpose(1, 2))
    sq = a.square().sum(-1).unsqueeze(-1) + b.square().sum(-1).unsqueeze(-2) - product - product
    return sq.clamp_min(1e-12).sqrt().mean([1, 2])


def loss_fn(pred, obs, weight):
    cross = mean_distance(pred, obs)
    energy = (cross + cross - mean_distance(pred, pred) - mean_distance(obs, obs)).mean()
    return energy + weight * (pred.mean(1) - obs.mean(1)).square().mean()


def random_weights(cfg, genes, prior_dims, contexts, agents, modes=5, seed=0):
    """Shapes as BaseNetwork.Create; values random (the step time does not depend on them)."""
    torch.manual_seed(seed)
    d, f = cfg["Dimension"], cfg["FeedForward"]
    shapes = {"gene.prior_projection.weight": (d, prior_dims), "gene.embedding.weight": (genes, d), "gene.output_bias": (genes,),
              "encoder.norm.weight": (d,), "encoder.norm.bias": (d,), "perturbation.mode.weight": (modes, d),
              "perturbation.agent.weight": (agents, d), "context.weight": (contexts, d), "norm.weight": (d,), "norm.bias": (d,)}
    for name in ("encoder.0", "encoder.2", "perturbation.0", "perturbation.2", "perturbation.interaction.0", "perturbation.interaction.2", "decoder", "masked"):
        shapes[name + ".weight"], shapes[name + ".bias"] = (d, d), (d,)
    for l in range(cfg["Layers"]):
        s = f"layers.{l}."
        shapes.update({s + "norm1.weight": (d,), s + "norm1.bias": (d,), s + "attention.in.weight": (3 * d, d), s + "attention.in.bias": (3 * d,),
                       s + "attention.out.weight": (d, d), s + "attention.out.bias": (d,), s + "norm2.weight": (d,), s + "norm2.bias": (d,),
                       s + "ffn.0.weight": (f, d), s + "ffn.0.bias": (f,), s + "ffn.2.weight": (d, f), s + "ffn.2.bias": (d,)})
    w = {k: (torch.randn(v) * (1 / math.sqrt(v[-1]))).requires_grad_(True) for k, v in shapes.items()}
    w["gene_prior"] = torch.randn(genes, prior_dims)
    return w


def benchmark(config, genes, sets_per_batch, steps, warmup, threads, cells=4096, targets=24):
    """Median seconds of one training step: batch gather, forward, energy + pseudobulk loss, backward, clipping, AdamW."""
    torch.set_num_threads(threads)
    w = random_weights(config, genes, 1, 1, 1)
    params = [v for k, v in w.items() if k != "gene_prior"]
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-4)
    data = torch.rand(cells, genes)
    panel = torch.arange(genes)
    b, s = sets_per_batch, config["SetSize"]
    times = []
    for step in range(warmup + steps):
        t0 = time.perf_counter()
        g = torch.Generator().manual_seed(step)
        controls = data[torch.randint(0, cells, (b * s,), generator=g)].view(b, s, genes)
        observed = data[torch.randint(0, cells, (b * s,), generator=g)].view(b, s, genes)
        target = torch.randint(1, targets + 1, (b,), generator=g)
        empty = torch.zeros(0, dtype=torch.long)
        pert = perturbations(w, target, torch.arange(b), torch.zeros(b, dtype=torch.long), empty, empty, empty, b)
        context = torch.ones(b, 1).matmul(w["context.weight"])
        loss = loss_fn(forward(w, config, controls, panel, pert, context), observed, 10.0)
        optimise(opt, params, loss)
        if step >= warmup:
            times.append(time.perf_counter() - t0)
    return float(np.median(times))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "loss":
        # loss <weights.safetensors> <inputs.safetensors> <out.safetensors>: our weights and batch, torch's prediction and loss
        w, meta = read_safetensors(sys.argv[2])
        cfg = json.loads(meta["config"])
        x, xmeta = read_safetensors(sys.argv[3])
        with torch.no_grad():
            pert = perturbations(w, x["gene_targets"], x["gene_sets"], x["gene_modes"], x["agents"], x["agent_sets"], x["agent_modes"], x["controls"].shape[0])
            pred = forward(w, cfg, x["controls"], x["panel"], pert, x["contexts"].matmul(w["context.weight"]))
            loss = loss_fn(pred, x["measured"], float(xmeta["pseudobulk_weight"]))
        write_safetensors(sys.argv[4], {"predicted": pred, "loss": loss.reshape(1)})
    elif cmd == "benchmark":
        args = json.loads(sys.argv[2])
        print(json.dumps({"median_step_seconds": benchmark(**args), "torch": torch.__version__}))
