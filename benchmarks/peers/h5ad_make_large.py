"""Write a large sparse h5ad for the h5ad-load benchmark: Poisson counts with log-normal gene means.

Usage: h5ad_make_large.py <out.h5ad> [cells=200000] [genes=2000] [gzip]
About 6% of entries are non-zero (typical of 2,000 highly variable genes of 10x data). Written by anndata 0.8,
uncompressed, or with compression="gzip" when the fourth argument is "gzip".
"""
import sys

import anndata
import numpy as np
import pandas as pd
import scipy.sparse as sp


def main():
    out = sys.argv[1]
    cells = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    genes = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000
    rng = np.random.default_rng(42)
    means = np.exp(rng.normal(-3.6, 1.2, genes)).astype(np.float32)
    blocks = []
    for start in range(0, cells, 10_000):
        n = min(10_000, cells - start)
        depth = rng.lognormal(0, 0.4, (n, 1)).astype(np.float32)
        blocks.append(sp.csr_matrix(rng.poisson(means * depth).astype(np.float32)))
    x = sp.vstack(blocks, format="csr")
    perts = np.array(["control"] + [f"KO_{i}" for i in range(99)])
    obs = pd.DataFrame({"perturbation": pd.Categorical(perts[rng.integers(0, 100, cells)]),
                        "n_counts": np.asarray(x.sum(axis=1)).ravel()},
                       index=[f"cell_{i}" for i in range(cells)])
    var = pd.DataFrame(index=[f"GENE{j}" for j in range(genes)])
    gzip = len(sys.argv) > 4 and sys.argv[4] == "gzip"
    anndata.AnnData(x, obs=obs, var=var).write_h5ad(out, compression="gzip" if gzip else None)
    print(f"wrote {out}: {cells} x {genes}, {x.nnz} stored ({x.nnz / cells / genes:.1%}){', gzip' if gzip else ''}")


if __name__ == "__main__":
    main()
