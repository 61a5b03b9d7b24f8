"""Independent reference for highly variable genes, scaling, PCA and E-distance.

Usage: /usr/bin/python3 preprocessing_reference.py <counts.h5ad> <groupby> <reference> <n_top_genes> <n_pcs> <outdir>

- HVG "seurat" (dispersion) flavour re-implemented from scanpy's definition with numpy + pandas.cut;
- HVG "seurat_v3" from scanpy's definition with a direct LOESS (brute force, tricube weights, span 0.3, degree 2)
  written here with numpy least squares — skmisc (which scanpy uses, surface="interpolate") is not installed;
- scale: (x - mean) / std (ddof=1, std 0 -> 1), clipped to [-10, 10];
- PCA: sklearn PCA(svd_solver="full") on the dense log1p data;
- E-distance (scPerturb): in sklearn's PCA space, 2*mean d(x, y) - mean d(x, x') - mean d(y, y'), d = squared
  Euclidean (scipy cdist), within-group means over i != j. Exit code 3 = a module is missing.
"""
import sys

try:
    import numpy as np
    import pandas as pd
    from scipy.spatial.distance import cdist
    from sklearn.decomposition import PCA
    from peer_common import load, save, save_text
except ImportError as e:
    print(f"missing module: {e}")
    sys.exit(3)

path, groupby, reference, n_top, n_pcs, out = sys.argv[1:7]
n_top, n_pcs = int(n_top), int(n_pcs)
a, counts, log = load(path, out)
labels = a.obs[groupby].astype(str).to_numpy()
save_text(out, "labels.txt", labels)
X = log.toarray()  # float32

# --- dispersion flavour (scanpy flavor="seurat") ---
E = np.expm1(X)  # float32, as scanpy
mean = E.mean(axis=0, dtype=np.float64)
var = E.astype(np.float64).var(axis=0, ddof=1)
mean[mean == 0] = 1e-12
disp = var / mean
disp[disp == 0] = np.nan
disp = np.log(disp)
mean = np.log1p(mean)
df = pd.DataFrame({"means": mean, "dispersions": disp})
df["mean_bin"] = pd.cut(df["means"], bins=20)
grouped = df.groupby("mean_bin")["dispersions"]
bin_mean = grouped.mean()
bin_std = grouped.std(ddof=1)
one = bin_std.isnull()
bin_std[one.values] = bin_mean[one.values].values
bin_mean[one.values] = 0
norm = (df["dispersions"].values - bin_mean[df["mean_bin"].values].values) / bin_std[df["mean_bin"].values].values
valid = np.sort(norm[~np.isnan(norm)])[::-1]
cut = valid[min(n_top, valid.size) - 1]
hv = np.nan_to_num(norm) >= cut
save(out, "hvg_disp_means.f64", mean, np.float64)
save(out, "hvg_disp_dispersions.f64", disp, np.float64)
save(out, "hvg_disp_norm.f64", norm, np.float64)
save(out, "hvg_disp_hv.u8", hv, np.uint8)


# --- seurat_v3 flavour on counts ---
def loess_direct(x, y, span=0.3):
    n = x.size
    q = int(np.floor(n * span))
    fitted = np.empty(n)
    for i in range(n):
        d = np.abs(x - x[i])
        h = np.sort(d)[q - 1]
        u = d / h
        w = np.where(u < 1, (1 - u ** 3) ** 3, 0.0)
        t = x - x[i]
        A = np.stack([np.ones(n), t, t * t], axis=1) * np.sqrt(w)[:, None]
        beta = np.linalg.lstsq(A, y * np.sqrt(w), rcond=None)[0]
        fitted[i] = beta[0]
    return fitted


C = counts.toarray().astype(np.float64)
N = C.shape[0]
cmean = C.mean(axis=0)
cvar = C.var(axis=0, ddof=1)
not_const = cvar > 0
est = np.zeros(C.shape[1])
est[not_const] = loess_direct(np.log10(cmean[not_const]), np.log10(cvar[not_const]))
reg_std = np.sqrt(10 ** est)
clip_val = reg_std * np.sqrt(N) + cmean
Cc = np.minimum(C, clip_val[None, :])
norm_var = (1 / ((N - 1) * reg_std ** 2)) * (N * cmean ** 2 + (Cc ** 2).sum(axis=0) - 2 * Cc.sum(axis=0) * cmean)
save(out, "hvg_v3_variances_norm.f64", norm_var, np.float64)
save(out, "hvg_v3_loess.f64", est, np.float64)

# --- scale ---
Xd = X.astype(np.float64)
std = Xd.std(axis=0, ddof=1)
std[std == 0] = 1
scaled = np.clip((Xd - Xd.mean(axis=0)) / std, -10, 10)
save(out, "scaled.f32", scaled, np.float32)

# --- PCA ---
pca = PCA(n_components=n_pcs, svd_solver="full")
scores = pca.fit_transform(Xd)
save(out, "pca_variance.f64", pca.explained_variance_, np.float64)
save(out, "pca_variance_ratio.f64", pca.explained_variance_ratio_, np.float64)
save(out, "pca_components.f64", pca.components_, np.float64)
save(out, "pca_scores.f64", scores, np.float64)

# --- E-distance to the reference group in sklearn's PCA space (scPerturb definition), squared and plain Euclidean ---
groups = sorted(g for g in set(labels) if g != reference)
save_text(out, "groups.txt", groups)
s32 = scores.astype(np.float32).astype(np.float64)  # the C# side reads X_pca as float32, like anndata stores it
Y = s32[labels == reference]


def within(Z):
    n = Z.shape[0]
    return cdist(Z, Z, "sqeuclidean").sum() / (n * (n - 1))


sy = within(Y)
ed = [2 * cdist(s32[labels == g], Y, "sqeuclidean").mean() - within(s32[labels == g]) - sy for g in groups]
save(out, "edistance.f64", ed, np.float64)
small = [g for g in groups if (labels == g).sum() < 200][:3]  # plain Euclidean needs every pair: a few small groups
save_text(out, "groups_euclidean.txt", small)


def mean_within(Z):
    n = Z.shape[0]
    return cdist(Z, Z).sum() / (n * (n - 1))


Ysub = Y[:400]
save(out, "edistance_euclidean.f64",
     [2 * cdist(s32[labels == g], Ysub).mean() - mean_within(s32[labels == g]) - mean_within(Ysub) for g in small], np.float64)
print("ok")
