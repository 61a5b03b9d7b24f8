"""Independent references for per-cell gene-program scores (numpy/scipy/pandas; no scanpy or decoupler here).

score-genes H5AD GENES(comma) CTRL_SIZE N_BINS OUT
    scanpy tl.score_genes (src/scanpy/tools/_score_genes.py, ctrl_as_ref=True): gene means over cells, bins of
    round(n/(n_bins-1)) genes by rank(method="min"), every gene of each bin that holds a set gene when CTRL_SIZE
    is at least the bin size (no sampling then), set genes removed from the controls, score = mean(set) - mean(ctrl).
    Also writes the bin of every gene, so sampled control sets can be checked bin by bin.
ulm H5AD NET_TSV(source,target,weight) TMIN OUT
    decoupler ulm by a per-cell scipy.stats.linregress of expression on the source weights: t = slope / stderr.
"""
import json, sys
import anndata
import numpy as np
import pandas as pd
from scipy import stats


def dense(path):
    a = anndata.read_h5ad(path)
    x = a.X.toarray() if hasattr(a.X, "toarray") else np.asarray(a.X)
    return a, x.astype(np.float64)


def score_genes(path, genes, ctrl_size, n_bins, out):
    a, x = dense(path)
    names = pd.Index(a.var_names)
    gene_list = pd.Index([g for g in genes.split(",") if g in names])
    obs_avg = pd.Series(x.mean(axis=0), index=names)
    obs_avg = obs_avg[np.isfinite(obs_avg)]
    n_items = int(np.round(len(obs_avg) / (n_bins - 1)))
    obs_cut = obs_avg.rank(method="min") // n_items
    control = pd.Index([])
    for cut in np.unique(obs_cut.loc[gene_list]):
        r_genes = obs_cut[obs_cut == cut].index
        assert ctrl_size >= len(r_genes), "the reference does not sample"
        control = control.union(r_genes.difference(gene_list))
    idx = lambda gs: [names.get_loc(g) for g in gs]
    score = x[:, idx(gene_list)].mean(axis=1) - x[:, idx(control)].mean(axis=1)
    json.dump({"score": score.tolist(), "control": sorted(control), "cut": {g: int(c) for g, c in obs_cut.items()}}, open(out, "w"))


def ulm(path, net_path, tmin, out):
    a, x = dense(path)
    net = pd.read_csv(net_path, sep="\t")
    net = net[net["target"].isin(a.var_names)]
    features = sorted(set(net["target"]), key=list(a.var_names).index)
    w = net.pivot_table(index="target", columns="source", values="weight", aggfunc="last").reindex(features).fillna(0)
    w = w.loc[:, (w != 0).sum(axis=0) >= tmin]
    cols = [list(a.var_names).index(g) for g in features]
    y = x[:, cols]
    t = np.empty((x.shape[0], w.shape[1]))
    for s in range(w.shape[1]):
        for c in range(x.shape[0]):
            fit = stats.linregress(w.iloc[:, s].to_numpy(), y[c])
            t[c, s] = fit.slope / fit.stderr
    json.dump({"sources": list(w.columns), "t": t.tolist()}, open(out, "w"))


if __name__ == "__main__":
    if sys.argv[1] == "score-genes":
        score_genes(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif sys.argv[1] == "ulm":
        ulm(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit("unknown command " + sys.argv[1])
