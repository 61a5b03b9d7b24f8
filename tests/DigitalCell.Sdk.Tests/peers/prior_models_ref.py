"""References for the prior models (numpy / scikit-learn), from a JSON of inputs and pseudobulk changes.

ridge IN OUT     sklearn Ridge(alpha=IN.alpha) with intercept on (X_train, Y_train), predictions for X_test; and the
                 alpha RidgeCV picks by efficient leave-one-out over IN.grid.
bilinear IN OUT  Ahlmann-Eltze's solve_y_axb: W = (G'G + lI)^-1 G' Yc P' (PP' + lI)^-1, Yc = Y - rowMeans(Y); the control
                 is the last column of Y (zeros) and P (zeros); predictions G W p + b for P_test.
transfer IN OUT  linear-transfer from raw cells of two screens: the source's perturbation PCA (conditions x genes, genes
                 centred, K_s components scaled to unit RMS over conditions) is P for genes the source perturbed alone;
                 other genes use the target's data block (PCA of the training pseudobulk with genes as observations,
                 conditions centred, K_d components scaled to unit RMS over genes) in separate columns; then the
                 bilinear ridge above; predicted test means = control + max(change, -control).
"""
import json, sys
import numpy as np
from sklearn.linear_model import Ridge, RidgeCV

cmd, src, out = sys.argv[1:4]
d = json.load(open(src))
if cmd == "ridge":
    x, y, xt = (np.array(d[k]) for k in ("x_train", "y_train", "x_test"))
    pred = Ridge(alpha=d["alpha"], fit_intercept=True, solver="svd").fit(x, y).predict(xt)
    cv = RidgeCV(alphas=d["grid"], fit_intercept=True).fit(x, y)
    json.dump({"pred": pred.tolist(), "alpha": float(cv.alpha_)}, open(out, "w"))
elif cmd == "bilinear":
    g, y, p, pt = (np.array(d[k]) for k in ("g", "y", "p", "p_test"))
    lam = d["ridge"]
    b = y.mean(axis=1, keepdims=True)
    w = np.linalg.solve(g.T @ g + lam * np.eye(g.shape[1]), g.T @ (y - b)) @ p.T @ np.linalg.inv(p @ p.T + lam * np.eye(p.shape[0]))
    json.dump({"pred": (g @ w @ pt.T + b).T.tolist()}, open(out, "w"))
elif cmd == "transfer":
    def means(x, labels):
        labels = np.array(labels)
        return {l: x[labels == l].mean(axis=0) for l in sorted(set(labels))}
    def unit_rms(m):
        rms = np.sqrt((m ** 2).mean(axis=0))
        return m / np.where(rms > 0, rms, 1)
    src = means(np.array(d["source_x"]), d["source_labels"])
    names = sorted(src)
    c = np.array([src[l] for l in names]); c = c - c.mean(axis=0)
    u, s, _ = np.linalg.svd(c, full_matrices=False)
    ks = min(d["k_source"], len(names) - 1)
    scores = unit_rms(u[:, :ks] * s[:ks])
    emb = {l: scores[i] for i, l in enumerate(names) if l != "control" and "+" not in l}
    tgt = means(np.array(d["target_x"]), d["target_labels"])
    genes, train, ctrl = d["genes"], d["train"], tgt["control"]
    cond = np.array([tgt[l] for l in train] + [ctrl]).T          # genes x conditions
    cond = cond - cond.mean(axis=0)
    u, s, _ = np.linalg.svd(cond, full_matrices=False)
    kd = min(d["k_data"], cond.shape[1])
    g = unit_rms(u[:, :kd] * s[:kd])
    def p_of(label):
        v = np.zeros(ks + kd)
        for t in label.split("+"):
            if t in emb: v[:ks] += emb[t]
            elif t in genes: v[ks:] += g[genes.index(t)]
        return v
    y = np.array([tgt[l] - ctrl for l in train] + [np.zeros(len(genes))]).T
    p = np.array([p_of(l) for l in train] + [np.zeros(ks + kd)]).T
    lam = d["ridge"]
    b = y.mean(axis=1, keepdims=True)
    w = np.linalg.solve(g.T @ g + lam * np.eye(kd), g.T @ (y - b)) @ p.T @ np.linalg.inv(p @ p.T + lam * np.eye(ks + kd))
    pred = [ctrl + np.maximum((g @ w @ p_of(l)) + b[:, 0], -ctrl) for l in d["test"]]
    json.dump({"pred": np.array(pred).tolist(), "source_genes": sorted(emb)}, open(out, "w"))
else:
    sys.exit("unknown command " + cmd)
