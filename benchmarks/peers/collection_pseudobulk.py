"""Peer of `collection-pseudobulk`: pseudobulk per (cell_line, perturbation) of normalize_total(1e4) + log1p values over
h5ad shards, each opened with anndata's backed mode and read in row chunks (scipy CSR), groups summed with numpy.
Prints JSON: seconds, peak resident memory (ru_maxrss) and a checksum of the sums."""
import glob, json, os, resource, sys, time

import anndata as ad
import numpy as np

folder, chunk = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8192
start = time.perf_counter()
sums, counts = {}, {}
for path in sorted(glob.glob(os.path.join(folder, "*.h5ad"))):
    a = ad.read_h5ad(path, backed="r")
    keys = (a.obs["cell_line"].astype(str) + "_" + a.obs["perturbation"].astype(str)).to_numpy()
    names, codes = np.unique(keys, return_inverse=True)
    shard = np.zeros((len(names), a.n_vars))
    for lo in range(0, a.n_obs, chunk):
        x = a.X[lo:lo + chunk].astype(np.float64)
        totals = np.asarray(x.sum(axis=1)).ravel()
        scale = np.where(totals > 0, 1e4 / np.where(totals > 0, totals, 1), 1.0)
        x = x.multiply(scale[:, None]).tocsr()
        x.data = np.log1p(x.data.astype(np.float32)).astype(np.float64)
        c = codes[lo:lo + chunk]
        for g in np.unique(c):
            shard[g] += np.asarray(x[c == g].sum(axis=0)).ravel()
    for g, name in enumerate(names):
        sums[name] = sums.get(name, 0) + shard[g]
        counts[name] = counts.get(name, 0) + int((codes == g).sum())
    a.file.close()
seconds = time.perf_counter() - start
checksum = float(sum(v.sum() for v in sums.values()))
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "groups": len(sums), "checksum": checksum}))
