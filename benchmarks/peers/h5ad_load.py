"""Time anndata.read_h5ad on a file: one warm-up, then the median of N reads. Prints JSON {seconds, runs, nnz}.

Usage: h5ad_load.py <file.h5ad> [runs=5]
"""
import json
import statistics
import sys
import time

import anndata


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    a = anndata.read_h5ad(path)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        a = anndata.read_h5ad(path)
        times.append(time.perf_counter() - t)
    print(json.dumps({"seconds": statistics.median(times), "runs": runs, "nnz": int(a.X.nnz)}))


if __name__ == "__main__":
    main()
