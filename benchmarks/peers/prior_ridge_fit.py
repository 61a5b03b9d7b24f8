"""Peer of `prior-ridge-fit`: the same work as fitting prior-ridge on Papalexi's training perturbations (seed 0, 80 %),
with numpy/scikit-learn: pseudobulk of the training cells per perturbation (sparse indicator product), the data PCA of
the conditions, and RidgeCV (efficient leave-one-out over the same six penalties) from a design of the same shape
(perturbations x features; random here: the prior vectors themselves come from the gene-priors reference, not timed).
Prints the median seconds of RUNS fits (reading and normalising the h5ad is not timed, as on our side).

usage: prior_ridge_fit.py H5AD TRAIN_LABELS_COMMA FEATURES RUNS
"""
import sys, time
import numpy as np, scipy.sparse as sp, anndata as ad
from sklearn.linear_model import RidgeCV

path, labels, features, runs = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4])
a = ad.read_h5ad(path)
x = sp.csr_matrix(a.X, dtype=np.float64)
x = sp.diags(1e4 / np.asarray(x.sum(axis=1)).ravel()) @ x
x.data = np.log1p(x.data)
pert = a.obs["perturbation"].astype(str).values
rng = np.random.default_rng(0)
design = rng.standard_normal((len(labels), features))
times = []
for _ in range(runs):
    t = time.perf_counter()
    groups = labels + ["control"]
    index = {g: i for i, g in enumerate(groups)}
    rows = [i for i, p in enumerate(pert) if p in index]
    ind = sp.csr_matrix((np.ones(len(rows)), ([index[pert[i]] for i in rows], rows)), shape=(len(groups), x.shape[0]))
    means = (ind @ x).toarray() / np.asarray(ind.sum(axis=1))
    delta = means[:-1] - means[-1]
    c = means.T - means.T.mean(axis=0)
    u, s, _ = np.linalg.svd(c, full_matrices=False)
    scale = np.mean(np.sum((design - design.mean(axis=0)) ** 2, axis=1))
    RidgeCV(alphas=[a_ * scale for a_ in (1e-3, 1e-2, 0.1, 1, 10, 100)]).fit(design, delta)
    times.append(time.perf_counter() - t)
print(f"{np.median(times):.4f}")
