"""Shared loading for the Python reference peers: read an h5ad with anndata, export it as raw arrays, normalise.

Normalisation follows scanpy's definitions: normalize_total(target_sum=1e4) = x / cell total * 1e4 and log1p,
computed in float64 and stored as float32 (scanpy's X dtype).
"""
import os

import anndata
import numpy as np
import scipy.sparse as sp


def save(out, name, arr, dtype):
    np.ascontiguousarray(arr, dtype=dtype).tofile(os.path.join(out, name))


def save_text(out, name, lines):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def load(path, out):
    """Reads the h5ad, writes its counts as CSR arrays plus gene names; returns (anndata, counts CSR, log CSR)."""
    os.makedirs(out, exist_ok=True)
    a = anndata.read_h5ad(path)
    counts = sp.csr_matrix(a.X, dtype=np.float32)
    counts.sort_indices()
    save_text(out, "shape.txt", [str(counts.shape[0]), str(counts.shape[1])])
    save(out, "counts_indptr.i32", counts.indptr, np.int32)
    save(out, "counts_indices.i32", counts.indices, np.int32)
    save(out, "counts_data.f32", counts.data, np.float32)
    save_text(out, "genes.txt", list(map(str, a.var_names)))
    totals = np.asarray(counts.sum(axis=1, dtype=np.float64)).ravel()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    safe = np.where(totals == 0, 1.0, totals)
    norm = (counts.data.astype(np.float64) / safe[rows] * 1e4).astype(np.float32)
    logd = np.log1p(norm.astype(np.float64)).astype(np.float32)
    save(out, "norm_data.f32", norm, np.float32)
    save(out, "log_data.f32", logd, np.float32)
    save(out, "totals.f64", totals, np.float64)
    save(out, "ngenes.i32", np.diff(counts.indptr), np.int32)
    log = sp.csr_matrix((logd, counts.indices, counts.indptr), shape=counts.shape)
    return a, counts, log
