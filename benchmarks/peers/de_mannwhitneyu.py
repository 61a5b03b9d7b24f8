"""Peer for the DE benchmark: a scipy.stats.mannwhitneyu loop over every (group, gene), as pdex 0.1.x ran it.

Usage: /usr/bin/python3 de_mannwhitneyu.py <dir> <reference> [max_genes]

<dir> holds the log1p-normalised matrix written by the C# side (shape.txt, indptr.i32, indices.i32, data.f32,
labels.txt). The timed part is only the test loop (two-sided, asymptotic, tie + continuity correction, as scipy's
default) plus Benjamini-Hochberg per group; building dense per-group columns is done before the clock starts.
With max_genes the loop runs on the first genes only and the time is extrapolated linearly to all genes
(printed as such). Prints one line: seconds=<s> tests=<n> extrapolated=<bool>.
"""
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy import stats

d, reference = sys.argv[1], sys.argv[2]
max_genes = int(sys.argv[3]) if len(sys.argv) > 3 else None
n, p = (int(v) for v in open(os.path.join(d, "shape.txt")).read().split())
X = sp.csr_matrix((np.fromfile(os.path.join(d, "data.f32"), dtype=np.float32),
                   np.fromfile(os.path.join(d, "indices.i32"), dtype=np.int32),
                   np.fromfile(os.path.join(d, "indptr.i32"), dtype=np.int32)), shape=(n, p)).tocsc()
labels = np.array(open(os.path.join(d, "labels.txt"), encoding="utf-8").read().splitlines())
genes = p if max_genes is None else min(p, max_genes)
ref = X[labels == reference][:, :genes].toarray()
groups = [g for g in sorted(set(labels)) if g != reference]
dense = {g: X[labels == g][:, :genes].toarray() for g in groups}


def bh(pv):
    m = pv.size
    order = np.argsort(pv)
    adj = np.minimum.accumulate((pv[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1)
    return out


start = time.perf_counter()
for g in groups:
    x = dense[g]
    pv = np.empty(genes)
    for j in range(genes):
        pv[j] = stats.mannwhitneyu(x[:, j], ref[:, j], alternative="two-sided", method="asymptotic").pvalue
    bh(np.nan_to_num(pv, nan=1.0))
elapsed = time.perf_counter() - start
print(f"seconds={elapsed * p / genes:.4f} tests={len(groups) * p} extrapolated={genes < p}")
