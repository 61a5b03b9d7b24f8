"""References for the prior models (numpy / scikit-learn), from a JSON of inputs and pseudobulk changes.

ridge IN OUT     sklearn Ridge(alpha=IN.alpha) with intercept on (X_train, Y_train), predictions for X_test; and the
                 alpha RidgeCV picks by efficient leave-one-out over IN.grid.
bilinear IN OUT  Ahlmann-Eltze's solve_y_axb: W = (G'G + lI)^-1 G' Yc P' (PP' + lI)^-1, Yc = Y - rowMeans(Y); the control
                 is the last column of Y (zeros) and P (zeros); predictions G W p + b for P_test.
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
else:
    sys.exit("unknown command " + cmd)
