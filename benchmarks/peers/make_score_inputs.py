"""Writes a generated real/predicted pair in cell-eval's convention for timing `dcell score`:
100 perturbations x 450 cells + 5,000 non-targeting controls = 50,000 cells x 2,000 genes, raw counts
(Poisson around gene means, each perturbation shifting 40 genes), obs column target_gene.
Usage: make_score_inputs.py OUT_DIR [cells_per_pert] [genes] [perts] [controls]"""
import sys
import numpy as np
import anndata as ad
import scipy.sparse as sp
import pandas as pd

out = sys.argv[1]
per, genes, perts, controls = (int(a) for a in (sys.argv[2:] + ["450", "2000", "100", "5000"][len(sys.argv) - 2:])[:4])
rng = np.random.default_rng(0)
base = rng.gamma(0.6, 1.5, genes)
names = [f"G{g:04d}" for g in range(genes)]
labels = ["non-targeting"] * controls + [f"P{p:03d}" for p in range(perts) for _ in range(per)]


def counts(shift_seed):
    r = np.random.default_rng(shift_seed)
    means = np.tile(base, (len(labels), 1))
    for p in range(perts):
        rows = slice(controls + p * per, controls + (p + 1) * per)
        hit = r.choice(genes, 40, replace=False)
        means[rows, hit] *= r.choice([0.3, 3.0], 40)
    return sp.csr_matrix(r.poisson(means).astype(np.float32))


for name, seed in (("real", 1), ("pred", 2)):
    a = ad.AnnData(counts(seed), obs=pd.DataFrame({"target_gene": pd.Categorical(labels)}, index=[f"c{i}" for i in range(len(labels))]),
                   var=pd.DataFrame(index=names))
    a.write_h5ad(f"{out}/{name}.h5ad")
print(f"wrote {out}/real.h5ad and {out}/pred.h5ad: {len(labels)} cells x {genes} genes, {perts} perturbations")
