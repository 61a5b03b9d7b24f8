"""10x Matrix Market peer for `tenx-read`.

  tenx_read.py make <dir> <cells> <genes> <density>   writes a gzipped Cell Ranger 3 directory with scipy (seed 0)
  tenx_read.py read <dir> [runs=3]                     times what scanpy.read_10x_mtx does without scanpy:
      scipy.io.mmread(matrix.mtx.gz).T.tocsr() + pandas.read_csv of features/barcodes; one warm-up, then the median.
Prints JSON.
"""
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd
import scipy.io
import scipy.sparse as sp


def make(directory, cells, genes, density):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(0)
    m = sp.random(genes, cells, density=density, format="csc", random_state=0, data_rvs=lambda n: rng.integers(1, 50, n)).astype(np.int64)
    with gzip.open(os.path.join(directory, "matrix.mtx.gz"), "wb", compresslevel=1) as f:
        scipy.io.mmwrite(f, m, field="integer")
    with gzip.open(os.path.join(directory, "features.tsv.gz"), "wt") as f:
        f.writelines(f"ENSG{i:011d}\tGENE{i}\tGene Expression\n" for i in range(genes))
    with gzip.open(os.path.join(directory, "barcodes.tsv.gz"), "wt") as f:
        f.writelines(f"CELL{i:08d}-1\n" for i in range(cells))
    print(json.dumps({"nnz": int(m.nnz)}))


def read(directory):
    x = scipy.io.mmread(os.path.join(directory, "matrix.mtx.gz")).T.tocsr()
    genes = pd.read_csv(os.path.join(directory, "features.tsv.gz"), header=None, sep="\t")
    cells = pd.read_csv(os.path.join(directory, "barcodes.tsv.gz"), header=None)
    return x, genes, cells


def main():
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
        return
    directory = sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    x, _, _ = read(directory)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        x, _, _ = read(directory)
        times.append(time.perf_counter() - t)
    print(json.dumps({"seconds": statistics.median(times), "runs": runs, "nnz": int(x.nnz), "sum": float(x.sum())}))


if __name__ == "__main__":
    main()
