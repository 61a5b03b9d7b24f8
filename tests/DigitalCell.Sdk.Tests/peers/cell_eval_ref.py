#!/usr/bin/python3
"""Independent numpy/scipy reference for the perturbation metrics (cell-eval definitions).

Written from the formulas in shared/design/SCIENCE-NOTES.md and cell-eval's metrics module, without
looking at the C# code. Used by the NUnit tests to compare DigitalCell.Sdk's scoring to 1e-6.

Usage:
  cell_eval_ref.py metrics IN.json OUT.json      # metrics over given means / DE tables / cells
  cell_eval_ref.py pipeline IN.json OUT.json     # cells -> pseudobulk + Wilcoxon DE + BH -> metrics
IN.json (metrics): {mode, perts, genes, real_means, pred_means, real_ctrl, pred_ctrl,
  [real_lfc, real_fdr, pred_lfc, pred_fdr], [top_de], [perturbed_ref], [real_cells, pred_cells, real_ctrl_cells, pred_ctrl_cells]}
IN.json (pipeline): {mode, genes, real: {x, labels}, pred: {x, labels}, control, [top_de_n]}
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import cdist


def pearson(x, y):
    x = np.asarray(x, float); y = np.asarray(y, float)
    if len(x) < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(stats.pearsonr(x, y)[0])


def spearman(x, y):
    # pandas' average ranks (scipy 1.10's rankdata turns +-inf into NaN; log2 fold changes can be infinite).
    rx = pd.Series(np.asarray(x, float)).rank(method="average").to_numpy()
    ry = pd.Series(np.asarray(y, float)).rank(method="average").to_numpy()
    return pearson(rx, ry)


def sig_sorted(lfc, fdr):
    lfc32 = np.asarray(lfc, float).astype(np.float32)
    fdr32 = np.asarray(fdr, float).astype(np.float32)
    idx = np.flatnonzero(fdr32 < np.float32(0.05))
    # descending |lfc|, ties in gene order (stable)
    order = np.argsort(-np.abs(lfc32[idx]), kind="stable")
    return idx[order]


def overlap(real_lfc, real_fdr, pred_lfc, pred_fdr, k, precision):
    real_top = [sig_sorted(l, f) for l, f in zip(real_lfc, real_fdr)]
    pred_top = [sig_sorted(l, f) for l, f in zip(pred_lfc, pred_fdr)]
    if all(len(t) == 0 for t in real_top) or all(len(t) == 0 for t in pred_top):
        return [0.0] * len(real_top)
    out = []
    for t, s in zip(real_top, pred_top):
        basis = len(s) if precision else len(t)
        k_eff = min(k if k else basis, basis)
        out.append(0.0 if k_eff == 0 else len(np.intersect1d(t[:k_eff], s[:k_eff])) / k_eff)
    return out


def discrimination(real_delta, pred_delta, perts, genes, metric, signed):
    if not signed:
        real_delta, pred_delta = np.abs(real_delta), np.abs(pred_delta)
    n = len(perts)
    out = []
    for p in range(n):
        mask = np.array([g != perts[p] for g in genes])
        a, b = real_delta[:, mask], pred_delta[p, mask][None, :]
        if metric == "cosine":
            na = np.linalg.norm(a, axis=1); na[na == 0] = 1
            nb = np.linalg.norm(b); nb = 1 if nb == 0 else nb
            d = 1 - (a @ b[0]) / (na * nb)
        else:
            d = cdist(a, b, "cityblock" if metric == "l1" else "euclidean")[:, 0]
        rank = int(np.flatnonzero(np.argsort(d, kind="stable") == p)[0])
        out.append(1 - rank / n)
    return out


def topk(real_delta, pred_delta, k):
    out = []
    for p in range(len(real_delta)):
        d = np.sqrt(((real_delta - pred_delta[p]) ** 2).sum(axis=1))
        rank = int(np.flatnonzero(np.argsort(d, kind="stable") == p)[0])
        out.append(1.0 if rank < k else 0.0)
    return out


def edist(x, y):
    return 2 * cdist(x, y).mean() - cdist(x, x).mean() - cdist(y, y).mean()


def metrics(d):
    signed = d["mode"] != "vcc2025"
    perts, genes = d["perts"], d["genes"]
    rm, pm = np.array(d["real_means"], float), np.array(d["pred_means"], float)
    rc, pc = np.array(d["real_ctrl"], float), np.array(d["pred_ctrl"], float)
    rd, pd_ = rm - rc, pm - pc
    out = {
        "pearson_delta": [pearson(pd_[i], rd[i]) for i in range(len(perts))],
        "mse": list(((pm - rm) ** 2).mean(axis=1)),
        "mae": list(np.abs(pm - rm).mean(axis=1)),
        "mse_delta": list(((pd_ - rd) ** 2).mean(axis=1)),
        "mae_delta": list(np.abs(pd_ - rd).mean(axis=1)),
        "discrimination_score_l1": discrimination(rd, pd_, perts, genes, "l1", signed),
        "discrimination_score_l2": discrimination(rd, pd_, perts, genes, "l2", signed),
        "discrimination_score_cosine": discrimination(rd, pd_, perts, genes, "cosine", signed),
        "top_1_accuracy": topk(rd, pd_, 1),
        "top_5_accuracy": topk(rd, pd_, 5),
    }
    if "real_lfc" in d:
        rl, rf, pl, pf = d["real_lfc"], d["real_fdr"], d["pred_lfc"], d["pred_fdr"]
        rl = [np.array(x, float) for x in rl]; pl = [np.array(x, float) for x in pl]
        rf = [np.array(x, float) for x in rf]; pf = [np.array(x, float) for x in pf]
        out["overlap_at_N"] = overlap(rl, rf, pl, pf, None, False)
        out["precision_at_N"] = overlap(rl, rf, pl, pf, None, True)
        for k in (50, 100, 200, 500):
            out[f"overlap_at_{k}"] = overlap(rl, rf, pl, pf, k, False)
            out[f"precision_at_{k}"] = overlap(rl, rf, pl, pf, k, True)
        dm, sl, rec, nsig = [], [], [], []
        for i in range(len(perts)):
            sig = np.flatnonzero(rf[i].astype(np.float32) < np.float32(0.05))
            psig = pf[i].astype(np.float32) < np.float32(0.05)
            if len(sig) == 0:
                dm.append(None); sl.append(None); rec.append(None)
            else:
                r32 = rl[i].astype(np.float32)[sig]; p32 = pl[i].astype(np.float32)[sig]
                dm.append(float(np.mean(np.sign(r32) == np.sign(p32))))
                sl.append(spearman(r32.astype(float), p32.astype(float)))
                rec.append(float(psig[sig].mean()))
                nsig.append((len(sig), int(psig.sum())))
        out["de_direction_match"] = dm
        out["de_spearman_lfc_sig"] = sl
        out["de_sig_genes_recall"] = rec
        out["de_spearman_sig"] = [1.0 if not nsig else spearman([a for a, _ in nsig], [b for _, b in nsig])]
        from sklearn.metrics import average_precision_score, roc_auc_score
        pr, roc = [], []
        for i in range(len(perts)):
            labels = (rf[i].astype(np.float32) < np.float32(0.05)).astype(int)
            f = pf[i].astype(np.float32).astype(float)
            score = -np.log10(np.where(f == 0, 1e-10, f))
            if 0 < labels.sum() < len(labels):
                pr.append(float(average_precision_score(labels, score))); roc.append(float(roc_auc_score(labels, score)))
            else:
                pr.append(float("nan")); roc.append(float("nan"))
        out["pr_auc"], out["roc_auc"] = pr, roc
    if "top_de" in d:
        out["pearson_delta_top20_de"] = [pearson(pm[i, g] - rc[g], rm[i, g] - rc[g]) for i, g in enumerate(map(np.array, d["top_de"]))]
        out["mse_top20_de"] = [float(((pm[i, g] - rm[i, g]) ** 2).mean()) for i, g in enumerate(map(np.array, d["top_de"]))]
    if "perturbed_ref" in d:
        r = np.array(d["perturbed_ref"], float)
        out["pearson_delta_perturbed_ref"] = [pearson(pm[i] - r, rm[i] - r) for i in range(len(perts))]
    if "real_cells" in d:
        rcc, pcc = np.array(d["real_ctrl_cells"], float), np.array(d["pred_ctrl_cells"], float)
        er = [edist(np.array(x, float), rcc) for x in d["real_cells"]]
        ep = [edist(np.array(x, float), pcc) for x in d["pred_cells"]]
        out["pearson_edistance"] = [pearson(er, ep)]
    return {k: [None if v is None else float(v) for v in vals] for k, vals in out.items()}


def bh(p):
    """Benjamini-Hochberg adjusted p-values, as scipy.stats.false_discovery_control(method='bh') (not in Debian's scipy 1.10)."""
    p = np.asarray(p, float)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    q = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(q[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def fold_change(mt, mr, clipped):
    """log2 fold change of expm1 means: VCC-era clip (20 / 1/20, NaN->0) or pdex eps=0 (+-inf, 0/0 -> 0)."""
    ut, ur = np.expm1(mt), np.expm1(mr)
    with np.errstate(divide="ignore", invalid="ignore"):
        if clipped:
            fc = ut / ur
            fc = np.where(ur == 0, 20.0, fc)
            fc = np.where(ut == 0, 1 / 20.0, fc)
            fc = np.where((ut == 0) & (ur == 0), np.nan, fc)
            lfc = np.log2(fc)
            return np.where(np.isnan(lfc), 0.0, lfc)
        lfc = np.log2(ut / ur)
        return np.where((ut == 0) & (ur == 0), 0.0, lfc)


def de_side(x, labels, perts, control, mode):
    ctrl = x[labels == control]
    pvals, lfcs = [], []
    for p in perts:
        g = x[labels == p]
        pv = np.ones(x.shape[1])
        for j in range(x.shape[1]):
            a, b = g[:, j], ctrl[:, j]
            if np.all(a == a[0]) and np.all(b == a[0]):
                pv[j] = 1.0
                continue
            pv[j] = stats.mannwhitneyu(a, b, use_continuity=True, alternative="two-sided", method="asymptotic").pvalue
        pvals.append(pv)
        lfcs.append(fold_change(g.mean(axis=0), ctrl.mean(axis=0), mode == "vcc2025"))
    if mode == "vcc2025":
        flat = bh(np.concatenate(pvals))
        fdrs = np.split(flat, len(perts))
    else:
        fdrs = [bh(pv) for pv in pvals]
    return lfcs, fdrs


def pipeline(d):
    genes, control, mode = d["genes"], d["control"], d["mode"]
    real_x, real_l = np.array(d["real"]["x"], np.float32).astype(float), np.array(d["real"]["labels"])
    pred_x, pred_l = np.array(d["pred"]["x"], np.float32).astype(float), np.array(d["pred"]["labels"])
    perts = sorted(set(real_l) - {control})
    mean = lambda x, l, p: x[l == p].mean(axis=0)
    m = {
        "mode": mode, "perts": perts, "genes": genes,
        "real_means": [mean(real_x, real_l, p) for p in perts], "pred_means": [mean(pred_x, pred_l, p) for p in perts],
        "real_ctrl": mean(real_x, real_l, control), "pred_ctrl": mean(pred_x, pred_l, control),
    }
    m["real_lfc"], m["real_fdr"] = de_side(real_x, real_l, perts, control, mode)
    m["pred_lfc"], m["pred_fdr"] = de_side(pred_x, pred_l, perts, control, mode)
    m["real_cells"] = [real_x[real_l == p] for p in perts]
    m["pred_cells"] = [pred_x[pred_l == p] for p in perts]
    m["real_ctrl_cells"], m["pred_ctrl_cells"] = real_x[real_l == control], pred_x[pred_l == control]
    if "perturbed_ref" in d:
        m["perturbed_ref"] = d["perturbed_ref"]
    # GEARS top-20 DE genes: scanpy's default t-test (Welch) vs control, |t| descending, NaN counted as 0.
    ctrl = real_x[real_l == control]
    top = []
    for p in perts:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = stats.ttest_ind(real_x[real_l == p], ctrl, equal_var=False).statistic
        t = np.where(np.isnan(t), 0.0, np.abs(t))
        top.append(list(map(int, np.argsort(-t, kind="stable")[:20])))
    m["top_de"] = top
    out = metrics(m)
    out["_real_fdr"] = [list(map(float, f)) for f in m["real_fdr"]]
    out["_real_lfc"] = [list(map(float, f)) for f in m["real_lfc"]]
    return out


def encode(v):
    if isinstance(v, float) and not np.isfinite(v):
        return "NaN" if np.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {k: encode(x) for k, x in v.items()}
    return v


if __name__ == "__main__":
    cmd, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(src) as f:
        data = json.load(f)
    result = metrics(data) if cmd == "metrics" else pipeline(data)
    with open(dst, "w") as f:
        json.dump(encode(result), f)
