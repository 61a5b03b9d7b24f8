"""Independent references for the derived gene priors (numpy/scipy), written from the published algorithms.

go-graph GMT MIN_JACCARD K DIMS OUT   GEARS GO graph (gears/utils.py get_GO_edge_list + get_similarity_network:
                                      Jaccard of GO-term sets > MIN_JACCARD, per gene the K+1 strongest incl. self;
                                      ties by symbol) and the top DIMS+1 eigenpairs (scipy eigsh) of the normalised
                                      adjacency D^-1/2 A D^-1/2 of its largest connected component.
regulons TSV LEVELS DIMS OUT          truncated SVD (scipy svds) of the signed TF x target DoRothEA matrix.
"""
import gzip, json, sys
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh, svds


def opener(path):
    return gzip.open(path, "rt") if path.endswith(".gz") else open(path)


def go_graph(gmt, min_j, k, dims, out):
    terms = []
    for line in opener(gmt):
        f = line.rstrip("\n").split("\t")
        terms.append(sorted(set(g for g in f[2:] if g)))
    genes = sorted(set(g for t in terms for g in t))
    idx = {g: i for i, g in enumerate(genes)}
    rows = [idx[g] for t in terms for g in t]
    cols = [j for j, t in enumerate(terms) for _ in t]
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(genes), len(terms)))
    inter = (m @ m.T).tocsr()
    size = np.asarray(m.sum(axis=1)).ravel()
    neighbours = {}
    src, dst, wts = [], [], []
    for i in range(len(genes)):
        lo, hi = inter.indptr[i], inter.indptr[i + 1]
        js, c = inter.indices[lo:hi], inter.data[lo:hi]
        jac = c / (size[i] + size[js] - c)
        keep = jac > min_j
        cand = sorted(zip(js[keep], jac[keep]), key=lambda x: (-x[1], x[0] != i, genes[x[0]]))[: k + 1]
        neighbours[genes[i]] = [[genes[j], float(w)] for j, w in cand]
        for j, w in cand:
            if j != i:
                src.append(i); dst.append(j); wts.append(w)
    a = sp.coo_matrix((wts, (src, dst)), shape=(len(genes),) * 2).tocsr()
    a = a.maximum(a.T)
    _, labels = connected_components(a, directed=False)
    giant = np.argmax(np.bincount(labels))
    keep = np.where(labels == giant)[0]
    a = a[keep][:, keep]
    d = 1 / np.sqrt(np.asarray(a.sum(axis=1)).ravel())
    n = sp.diags(d) @ a @ sp.diags(d)
    vals, vecs = eigsh(n, k=dims + 1, which="LA", tol=1e-10)
    order = np.argsort(-vals)
    vals, vecs = vals[order], vecs[:, order]
    json.dump({"genes": genes, "neighbours": neighbours, "component": [genes[i] for i in keep],
               "eigenvalues": vals.tolist(), "vector1": vecs[:, 1].tolist(), "vector2": vecs[:, 2].tolist()}, open(out, "w"))


def regulons(tsv, levels, dims, out):
    tfs, targets, r, c, v = {}, {}, [], [], []
    with opener(tsv) as f:
        next(f)
        for line in f:
            tf, conf, target, mor = line.rstrip("\n").split("\t")
            if conf not in levels:
                continue
            r.append(tfs.setdefault(tf, len(tfs))); c.append(targets.setdefault(target, len(targets))); v.append(float(mor))
    m = sp.csr_matrix((v, (r, c)), shape=(len(tfs), len(targets)))
    u, s, vt = svds(m, k=dims, tol=1e-12)
    order = np.argsort(-s)
    json.dump({"tfs": list(tfs), "targets": list(targets), "singular": s[order].tolist(),
               "u": u[:, order].T.tolist(), "v": vt[order].tolist()}, open(out, "w"))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "go-graph":
        go_graph(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif cmd == "regulons":
        regulons(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit("unknown command " + cmd)
