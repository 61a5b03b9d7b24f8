"""Peer of `h5mu-load`: times what Python does to load the same multimodal data.

  h5mu_load.py h5mu <file.h5mu> <runs>        h5py + anndata 0.8 read_elem of /obs, /var and every /mod/<name>
                                              (what mudata.read_h5mu does; mudata itself is not installable here)
  h5mu_load.py h5ad <runs> <file.h5ad>...     anndata.read_h5ad of each per-modality file
One warm-up, then the median; prints JSON with the seconds and the total stored values read.
"""
import json
import statistics
import sys
import time

import anndata
import h5py
from anndata._io.specs import read_elem


def load_h5mu(path):
    with h5py.File(path, "r") as f:
        read_elem(f["obs"]), read_elem(f["var"])
        return [read_elem(f["mod"][m]) for m in f["mod"]]


def load_h5ad(paths):
    return [anndata.read_h5ad(p) for p in paths]


def main():
    kind = sys.argv[1]
    if kind == "h5mu":
        runs, load = int(sys.argv[3]), (lambda: load_h5mu(sys.argv[2]))
    else:
        runs, load = int(sys.argv[2]), (lambda: load_h5ad(sys.argv[3:]))
    adatas = load()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        adatas = load()
        times.append(time.perf_counter() - t)
    print(json.dumps({"seconds": statistics.median(times), "nnz": int(sum(a.X.nnz for a in adatas))}))


if __name__ == "__main__":
    main()
