"""Independent reference for DigitalCell.Sdk's preprocessing and differential-expression statistics.

Usage: /usr/bin/python3 de_reference.py <counts.h5ad> <groupby> <reference> <outdir> [group,group,...]

Reads the h5ad with anndata, normalises with numpy exactly as scanpy's normalize_total(target_sum=1e4) + log1p
define it (computed in float64, stored float32), and computes per group vs reference, every gene:
scipy.stats.mannwhitneyu (asymptotic, continuity-corrected), the rank-sum z-score and p-value without continuity
correction via scipy.stats.rankdata and norm.sf (scanpy's wilcoxon), scipy.stats.ttest_ind(equal_var=False), means, the three log2 fold-change conventions and
Benjamini-Hochberg (numpy; scipy 1.10 lacks false_discovery_control). Everything is written as raw little-endian
arrays for the C# test to compare with. Exit code 3 = a module is missing.
"""
import os
import sys

try:
    import numpy as np
    from scipy import stats
    from peer_common import load, save as save_to, save_text as save_text_to
except ImportError as e:  # the test turns this into Assert.Ignore
    print(f"missing module: {e}")
    sys.exit(3)

path, groupby, reference, out = sys.argv[1:5]
a, counts, log = load(path, out)


def save(name, arr, dtype):
    save_to(out, name, arr, dtype)


def save_text(name, lines):
    save_text_to(out, name, lines)


labels = a.obs[groupby].astype(str).to_numpy()
save_text("labels.txt", labels)
X = log.toarray().astype(np.float64)

# per-gene moments of the log data (ddof=1)
save("gene_mean.f64", X.mean(axis=0), np.float64)
save("gene_var.f64", X.var(axis=0, ddof=1), np.float64)

groups = sys.argv[5].split(",") if len(sys.argv) > 5 else [g for g in sorted(set(labels)) if g != reference]
save_text("groups.txt", groups)
ref = X[labels == reference]
n2 = ref.shape[0]


def bh(p):
    p = np.asarray(p, dtype=np.float64)
    m = p.size
    order = np.argsort(p, kind="mergesort")
    ranked = p[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    outp = np.empty(m)
    outp[order] = np.minimum(adj, 1.0)
    return outp


res = {k: [] for k in ["p_cc", "p", "u", "z", "t", "tp", "mg", "mr", "lfc_scanpy", "lfc_pdex", "lfc_vcc"]}
for g in groups:
    grp = X[labels == g]
    n1 = grp.shape[0]
    r1 = stats.mannwhitneyu(grp, ref, use_continuity=True, alternative="two-sided", method="asymptotic", axis=0)
    both = np.concatenate([grp, ref])
    ranks = stats.rankdata(both, axis=0)
    n = n1 + n2
    ties = np.array([(lambda t: (t ** 3 - t).sum())(np.unique(both[:, j], return_counts=True)[1].astype(np.float64))
                     for j in range(both.shape[1])])
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1))))
        z = (ranks[:n1].sum(axis=0) - n1 * (n + 1) / 2.0) / sigma
    tied = ~(sigma > 0)  # every value equal: p = 1, z = 0 by convention
    z[tied] = 0.0
    p_cc = np.where(tied, 1.0, r1.pvalue)
    p_nc = np.where(tied, 1.0, 2 * stats.norm.sf(np.abs(z)))  # scanpy's wilcoxon p-value
    u = r1.statistic
    tt = stats.ttest_ind(grp, ref, axis=0, equal_var=False)
    tstat = np.nan_to_num(tt.statistic, nan=0.0)
    tp = np.where(np.isnan(tt.pvalue), 1.0, tt.pvalue)
    mg, mr = grp.mean(axis=0), ref.mean(axis=0)
    eg, er = np.expm1(mg), np.expm1(mr)
    with np.errstate(divide="ignore", invalid="ignore"):
        lfc_scanpy = np.log2((eg + 1e-9) / (er + 1e-9))
        lfc_pdex = np.log2(eg / er)
        lfc_pdex[(eg == 0) & (er == 0)] = 0.0
        fc = np.where(er == 0, np.where(eg == 0, np.nan, 20.0), np.where(eg == 0, 1 / 20.0, eg / er))
        lfc_vcc = np.nan_to_num(np.log2(fc), nan=0.0, posinf=np.inf, neginf=-np.inf)
    for k, v in zip(res, [p_cc, p_nc, u, z, tstat, tp, mg, mr, lfc_scanpy, lfc_pdex, lfc_vcc]):
        res[k].append(v)

for k, v in res.items():
    save(f"de_{k}.f64", np.stack(v), np.float64)
save("de_padj_group.f64", np.stack([bh(p) for p in res["p"]]), np.float64)
save("de_padj_global_cc.f64", bh(np.concatenate(res["p_cc"])), np.float64)
save_text("ref_count.txt", [str(n2)])
print("ok")
