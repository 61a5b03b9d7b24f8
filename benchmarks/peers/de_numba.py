"""Peer for the de-vcc benchmark: Wilcoxon rank-sum DE compiled with numba (Debian's python3-numba 0.56).

Usage: /usr/bin/python3 de_numba.py <dir> <reference> <threads> [scipy_groups] [scipy_genes]

<dir> holds the log1p-normalised matrix written by the C# side (shape.txt, indptr.i32, indices.i32, data.f32,
labels.txt) and, if our side ran first, its p-values (ours_pvalue.f64: groups in ordinal order × genes, row-major).

The algorithm is pdex's sparse Mann-Whitney U (ArcInstitute/numba-mwu, which pdex >= 0.2 calls): zeros are one tie
block counted analytically (the data must be non-negative), only non-zeros are sorted, two-sided normal
approximation with tie and continuity correction as scipy's mannwhitneyu(method="asymptotic"), BH per group, log2
fold change of the expm1 means (pdex, epsilon 0). Made at least as fast as pdex itself: pdex re-sorts the
reference's non-zeros for every (group, gene) pair; here they are sorted once per gene and each group's sorted
non-zeros are ranked against them by binary search (np.searchsorted). Parallel over genes with numba.prange on
NUMBA_NUM_THREADS = <threads> threads, set before numba is imported.

Timed (the clock): CSR -> per-gene columns (our side transposes too), every test, BH, fold changes. Not timed:
reading the files and the JIT compilation, which is done beforehand on a tiny input and printed as jit_seconds.
After the clock, p-values are checked against ours (all tests) and against scipy.stats.mannwhitneyu on the first
scipy_groups groups x scipy_genes genes (default 3 x 40): the largest relative difference over p-values > 1e-300.
Prints one JSON line (wall and CPU seconds of the clock, peak resident memory, the checks).
"""
import json
import math
import os
import resource
import sys
import time

d, reference, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
scipy_groups = int(sys.argv[4]) if len(sys.argv) > 4 else 3
scipy_genes = int(sys.argv[5]) if len(sys.argv) > 5 else 40
os.environ["NUMBA_NUM_THREADS"] = str(threads)  # numba reads it once, at import

import numba as nb  # noqa: E402
import numpy as np  # noqa: E402


@nb.njit
def to_columns(indptr, indices, data, n_cols):
    """CSR -> CSC (values and row of every non-zero, grouped by gene), one counting pass and one scatter."""
    nnz = indices.shape[0]
    col_ptr = np.zeros(n_cols + 1, np.int64)
    for k in range(nnz):
        col_ptr[indices[k] + 1] += 1
    for j in range(n_cols):
        col_ptr[j + 1] += col_ptr[j]
    nxt = col_ptr[:-1].copy()
    rows = np.empty(nnz, np.int32)
    vals = np.empty(nnz, np.float32)
    for i in range(indptr.shape[0] - 1):
        for k in range(indptr[i], indptr[i + 1]):
            c = indices[k]
            dst = nxt[c]
            rows[dst] = i
            vals[dst] = data[k]
            nxt[c] = dst + 1
    return col_ptr, rows, vals


@nb.njit(inline="always")
def cube(t):
    t = float(t)
    return t * t * t - t


@nb.njit(parallel=True)
def wilcoxon(col_ptr, rows, vals, slot, sizes, z_out, p_out, mean_out):
    """Every group (slot >= 1) against the reference (slot 0), gene by gene in parallel."""
    n_slots = sizes.shape[0]
    n_ref = sizes[0]
    for j in nb.prange(col_ptr.shape[0] - 1):
        start, end = col_ptr[j], col_ptr[j + 1]
        # bucket the gene's non-zeros by slot (counting sort)
        off = np.zeros(n_slots + 1, np.int64)
        for k in range(start, end):
            s = slot[rows[k]]
            if s >= 0 and vals[k] != 0:
                off[s + 1] += 1
        for s in range(n_slots):
            off[s + 1] += off[s]
        fill = off[:-1].copy()
        buf = np.empty(off[n_slots], np.float32)
        for k in range(start, end):
            s = slot[rows[k]]
            if s >= 0 and vals[k] != 0:
                buf[fill[s]] = vals[k]
                fill[s] += 1
        ref = np.sort(buf[off[0]:off[1]])  # once per gene, shared by every group
        m = ref.shape[0]
        ref_zeros = n_ref - m
        ref_ties = cube(ref_zeros)
        ref_sum = 0.0
        i = 0
        while i < m:
            k = i + 1
            while k < m and ref[k] == ref[i]:
                k += 1
            ref_ties += cube(k - i)
            i = k
        for i in range(m):
            ref_sum += ref[i]
        mean_out[0, j] = ref_sum / n_ref
        for t in range(1, n_slots):
            g = np.sort(buf[off[t]:off[t + 1]])
            ng = g.shape[0]
            n1 = sizes[t]
            g_zeros = n1 - ng
            # zero block: group and reference zeros share ranks 1 .. g_zeros + ref_zeros
            rank_sum = g_zeros * (g_zeros + ref_zeros + 1) / 2.0
            ties = ref_ties + cube(g_zeros + ref_zeros) - cube(ref_zeros)
            below = g_zeros  # group values already ranked (all smaller than the current block)
            g_sum = 0.0
            i = 0
            while i < ng:
                v = g[i]
                k = i + 1
                while k < ng and g[k] == v:
                    k += 1
                c = k - i
                lo = np.searchsorted(ref, v)
                hi = np.searchsorted(ref, v, side="right")
                r_eq = hi - lo
                rank_sum += c * (ref_zeros + lo + below + (c + r_eq + 1) / 2.0)
                ties += cube(c + r_eq) - cube(r_eq)
                g_sum += c * v
                below += c
                i = k
            mean_out[t, j] = g_sum / n1
            n2 = n_ref
            n = n1 + n2
            u1 = rank_sum - n1 * (n1 + 1) / 2.0
            var = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1.0)))
            diff = u1 - n1 * n2 / 2.0
            if not var > 0 or abs(diff) <= 0.5:
                z_out[t - 1, j] = 0.0
                p_out[t - 1, j] = 1.0
                continue
            diff -= 0.5 if diff > 0 else -0.5
            z = diff / math.sqrt(var)
            z_out[t - 1, j] = z
            p_out[t - 1, j] = min(1.0, math.erfc(abs(z) / math.sqrt(2.0)))


def bh(pv):
    m = pv.size
    order = np.argsort(pv, kind="stable")
    adj = np.minimum.accumulate((pv[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1)
    return out


def run(indptr, indices, data, n_genes, slot, sizes):
    col_ptr, rows, vals = to_columns(indptr, indices, data, n_genes)
    n_tested = sizes.shape[0] - 1
    z = np.empty((n_tested, n_genes))
    p = np.empty((n_tested, n_genes))
    means = np.empty((n_tested + 1, n_genes))
    wilcoxon(col_ptr, rows, vals, slot, sizes, z, p, means)
    padj = np.vstack([bh(p[t]) for t in range(n_tested)])
    with np.errstate(divide="ignore", invalid="ignore"):
        lfc = np.nan_to_num(np.log2(np.expm1(means[1:]) / np.expm1(means[0])), nan=0.0, posinf=np.inf, neginf=-np.inf)
    return (col_ptr, rows, vals), z, p, padj, lfc


def main():
    n, p = (int(v) for v in open(os.path.join(d, "shape.txt")).read().split())
    indptr = np.fromfile(os.path.join(d, "indptr.i32"), dtype=np.int32)
    indices = np.fromfile(os.path.join(d, "indices.i32"), dtype=np.int32)
    data = np.fromfile(os.path.join(d, "data.f32"), dtype=np.float32)
    labels = np.array(open(os.path.join(d, "labels.txt"), encoding="utf-8").read().splitlines())
    groups = sorted(g for g in set(labels) if g != reference and g != "")  # ordinal order, as ours
    slot_of = {reference: 0, **{g: t + 1 for t, g in enumerate(groups)}}
    slot = np.array([slot_of.get(label, -1) for label in labels], dtype=np.int32)
    sizes = np.bincount(slot[slot >= 0], minlength=len(groups) + 1).astype(np.int64)

    jit_start = time.perf_counter()  # compile on a tiny input with the same types, outside the clock
    tiny = np.array([0, 2, 3], dtype=np.int32)
    run(tiny, np.array([0, 1, 1], dtype=np.int32), np.array([1, 2, 3], dtype=np.float32), 2,
        np.array([0, 1], dtype=np.int32), np.array([1, 1], dtype=np.int64))
    jit_seconds = time.perf_counter() - jit_start

    start, cpu = time.perf_counter(), time.process_time()  # process_time: CPU of every thread of the process
    columns, z, pv, padj, lfc = run(indptr, indices, data, p, slot, sizes)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu

    def rel(a, b):
        keep = (np.abs(b) > 1e-300) | (np.abs(a) > 1e-300)
        return float(np.max(np.abs(a[keep] - b[keep]) / np.maximum(np.abs(a[keep]), np.abs(b[keep])))) if keep.any() else 0.0

    report = {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
              "jit_seconds": jit_seconds, "tests": int(pv.size), "threads": nb.config.NUMBA_NUM_THREADS}
    ours_path = os.path.join(d, "ours_pvalue.f64")
    if os.path.exists(ours_path):
        ours = np.fromfile(ours_path, dtype=np.float64).reshape(pv.shape)
        report["max_rel_diff_vs_ours"] = rel(pv, ours)
    from scipy import stats
    col_ptr, rows, vals = columns
    worst, checked = 0.0, 0
    for t in range(min(scipy_groups, len(groups))):
        for j in range(min(scipy_genes, p)):
            column = np.zeros(n, dtype=np.float32)
            column[rows[col_ptr[j]:col_ptr[j + 1]]] = vals[col_ptr[j]:col_ptr[j + 1]]
            ref = column[slot == 0].astype(np.float64)
            x = column[slot == t + 1].astype(np.float64)
            expected = stats.mannwhitneyu(x, ref, alternative="two-sided", method="asymptotic").pvalue
            expected = 1.0 if np.isnan(expected) else expected
            worst = max(worst, rel(np.array([pv[t, j]]), np.array([expected])))
            checked += 1
    report["max_rel_diff_vs_scipy"] = worst
    report["scipy_tests_checked"] = checked
    print(json.dumps(report))


main()
