"""Independent reference of the VCC 2026 suite, written from cell-eval2's docs/vcc2026_metrics/vcc2026-metrics-brief.md
(rule_version 3) with numpy/scipy only: python3 vcc2026_ref.py IN.json OUT.json.

IN: {"genes": [...], "contexts": [{"name", "units": [labels], "real": [cells x genes per unit], "control": cells x genes,
     "pred": [cells x genes per unit], "halves": [[{"a": rows, "b": rows} per unit ..., control last] per split]}]}
Cells are log1p values as float32 (the C# side's input); counts are expm1 of them, cast to float32.
OUT: per context: per-unit values and aggregates of pred, baseline and replicate anchors, scaled scores.
"""
import json
import sys

import numpy as np
from scipy.stats import mannwhitneyu

TS = 5e4
CPM = 1e6
EPS = 1e-9
ALPHA = 0.05
MIN_CPM = 5.0
MIN_GATE = 10
METRICS = ["pds_cosine", "expr_mse_unbiased_capped_norm", "de_wilcoxon_direction_fidelity_yield_raw",
           "de_wilcoxon_direction_reach_raw", "de_wilcoxon_sig_jaccard", "de_wilcoxon_lfc_nmae"]


def counts(log_cells):
    return np.expm1(np.asarray(log_cells, dtype=np.float32).astype(np.float64)).astype(np.float32).astype(np.float64)


def profile(y):
    P = y.sum(axis=0)
    S = P.sum()
    return np.log1p(TS * P / S)


def jackknife(y):
    n = y.shape[0]
    if n < 2:
        return 0.0
    P = y.sum(axis=0)
    l = y.sum(axis=1)
    S = l.sum()
    v = np.log1p(TS * np.maximum(P[None, :] - y, 0) / (S - l)[:, None])
    return (n - 1) / n * ((v - v.mean(axis=0)) ** 2).sum()


def bh(p):
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1)
    return out


def de_table(units, control, genes_kept):
    """Wilcoxon (two-sided, asymptotic, tie + continuity correction) on CPM, BH per unit over the kept genes."""
    def cpm(y):
        return (y * (CPM / y.sum(axis=1))[:, None]).astype(np.float32).astype(np.float64)
    c = cpm(control)[:, genes_kept]
    tables = []
    for y in units:
        u = cpm(y)[:, genes_kept]
        p = np.array([mannwhitneyu(u[:, j], c[:, j], alternative="two-sided", method="asymptotic", use_continuity=True).pvalue
                      for j in range(len(genes_kept))])
        lfc = np.log2((u.mean(axis=0) + EPS) / (c.mean(axis=0) + EPS))
        tables.append({"p": p, "padj": bh(p), "lfc": lfc})
    return tables


def evaluate(genes, labels, ref_units, ref_control, sub_units, sub_control, kept, full_ref_de=None):
    n, G = len(labels), len(genes)
    pos = {g: i for i, g in enumerate(genes)}
    targets = [set(pos[t] for t in l.split("+") if t in pos) for l in labels]
    panel = set().union(*targets)
    out = {}
    # §1
    feat = np.array([g for g in range(G) if g not in panel])
    b_ctrl_ref = profile(ref_control)
    b_ctrl_sub = profile(sub_control)
    real_eff = [(profile(y) - b_ctrl_ref)[feat] for y in ref_units]
    pds = []
    for p in range(n):
        pe = (profile(sub_units[p]) - b_ctrl_sub)[feat]
        d = []
        for q in range(n):
            na, nb = np.linalg.norm(pe), np.linalg.norm(real_eff[q])
            d.append(1.0 if na == 0 or nb == 0 else 1 - pe.dot(real_eff[q]) / (na * nb))
        d = np.array(d)
        k = (d < d[p]).sum() + 0.5 * ((d == d[p]).sum() - 1)
        pds.append(1 - k / (n - 1) if n > 1 else None)
    out["pds_cosine"] = pds
    # §2
    bh_ = [profile(y) for y in sub_units]
    b = [profile(y) for y in ref_units]
    Ch = [jackknife(y) for y in sub_units]
    C = [jackknife(y) for y in ref_units]
    Cc = jackknife(ref_control)
    Gp = [G - len(t) for t in targets]
    B = 0.0
    for g in range(G):
        R = [p for p in range(n) if g not in targets[p]]
        if not R:
            continue
        w = np.array([1 / Gp[p] for p in R])
        vals = np.array([bh_[p][g] for p in R])
        mean = (w * vals).sum() / w.sum()
        B += (w * (vals - mean) ** 2).sum()
    credit = sum(min(Ch[p], C[p]) / Gp[p] for p in range(n))
    rho = min(1.0, B / credit) if credit > 0 else 1.0
    N, D = [], []
    for p in range(n):
        keep = np.array([g for g in range(G) if g not in targets[p]])
        N.append((((bh_[p] - b[p])[keep] ** 2).sum() - rho * min(Ch[p], C[p]) - C[p]) / Gp[p])
        D.append((((b[p] - b_ctrl_ref)[keep] ** 2).sum() - C[p] - Cc) / Gp[p])
    out["N"], out["D"] = N, D
    # §3–§7
    ref_de = de_table(ref_units, ref_control, kept)
    sub_de = de_table(sub_units, sub_control, kept)
    fid, reach, jac, nmae = [], [], [], []
    for p in range(n):
        r, s = ref_de[p], sub_de[p]
        js = [j for j in range(len(kept)) if kept[j] not in targets[p]]
        rsig = {j for j in js if r["padj"][j] < ALPHA}
        ssig = {j for j in js if s["padj"][j] < ALPHA}
        adj = lambda j: not np.isnan(r["lfc"][j]) and r["lfc"][j] != 0
        same = lambda j: (not np.isnan(s["lfc"][j])) and s["lfc"][j] != 0 and np.sign(s["lfc"][j]) == np.sign(r["lfc"][j])
        calls = [j for j in ssig if adj(j)]
        m = max(len(calls), len(rsig))
        fid.append(None if m == 0 else sum(same(j) for j in calls) / m)
        if rsig:
            nl = lambda x: np.inf if np.isnan(x) else x
            order = sorted(rsig, key=lambda j: (0 if j in ssig else 1, nl(s["padj"][j]), nl(s["p"][j]), -abs(s["lfc"][j]), genes[kept[j]]))
            depth = good = best = 0
            for j in order:
                if not adj(j):
                    continue
                depth += 1
                good += same(j)
                if good / depth >= 0.9 - 1e-12:
                    best = depth
            reach.append(best / len(rsig))
        else:
            reach.append(None)
        union = rsig | ssig
        jac.append(1.0 if not union else len(rsig & ssig) / len(union))
        g = (full_ref_de or ref_de)[p]
        gate = [j for j in js if g["padj"][j] < ALPHA and np.isfinite(g["lfc"][j])]
        den = sum(abs(g["lfc"][j]) for j in gate)
        fin = lambda x: x if np.isfinite(x) else 0.0
        nmae.append(sum(abs(fin(s["lfc"][j]) - fin(r["lfc"][j])) for j in gate) / den
                    if len(gate) >= MIN_GATE and den > 0 and np.isfinite(den) else None)
    out.update({METRICS[2]: fid, METRICS[3]: reach, METRICS[4]: jac, METRICS[5]: nmae})
    agg = {}
    for k in METRICS:
        if k == METRICS[1]:
            agg[k] = sum(N) / sum(D)
        else:
            vals = [v for v in out[k] if v is not None and not np.isnan(v)]
            agg[k] = float(np.mean(vals)) if vals else float("nan")
    out["aggregate"] = agg
    return out, ref_de


def main():
    data = json.load(open(sys.argv[1]))
    genes = data["genes"]
    result = []
    for ctx in data["contexts"]:
        labels = ctx["units"]
        real = [counts(x) for x in ctx["real"]]
        control = counts(ctx["control"])
        pred = [counts(x) for x in ctx["pred"]]
        cpm_ctrl = (control * (CPM / control.sum(axis=1))[:, None]).mean(axis=0)
        kept = [g for g in range(len(genes)) if cpm_ctrl[g] > MIN_CPM]
        user, full_de = evaluate(genes, labels, real, control, pred, control, kept)
        mean = np.mean([y.mean(axis=0) for y in real], axis=0)
        base_units = [np.tile(counts(np.log1p(mean).astype(np.float32)[None, :]), (y.shape[0], 1)) for y in real]
        base, _ = evaluate(genes, labels, real, control, base_units, control, kept)
        reps = []
        for split in ctx["halves"]:
            a = [real[i][split[i]["a"]] for i in range(len(real))]
            b = [real[i][split[i]["b"]] for i in range(len(real))]
            ca, cb = control[split[-1]["a"]], control[split[-1]["b"]]
            rep, _ = evaluate(genes, labels, b, cb, a, ca, kept, full_ref_de=full_de)
            reps.append(rep["aggregate"])
        anchors = {k: {"b": base["aggregate"][k], "r": float(np.mean([r[k] for r in reps]))} for k in METRICS}
        scaled = {k: (user["aggregate"][k] - anchors[k]["b"]) / (anchors[k]["r"] - anchors[k]["b"]) for k in METRICS}
        result.append({"name": ctx["name"], "user": user, "anchors": anchors, "scaled": scaled})
    json.dump(result, open(sys.argv[2], "w"), default=lambda o: None if o is None else float(o))


if __name__ == "__main__":
    main()
