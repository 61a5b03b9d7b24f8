"""Write a valid small h5ad with anndata, then one broken copy per malformation, edited with h5py.

Usage: h5ad_malform.py <out_dir>
Files: valid.h5ad and <case>.h5ad for each case below (the C# tests assert the exact error each one gives).
"""
import os
import shutil
import sys

import anndata
import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp


def base(path):
    rng = np.random.default_rng(5)
    x = sp.csr_matrix(rng.poisson(0.8, size=(60, 17)).astype(np.float32))
    obs = pd.DataFrame({"perturbation": pd.Categorical(rng.choice(["control", "A", "B", "C"], 60)),
                        "n_counts": rng.random(60)}, index=[f"c{i}" for i in range(60)])
    anndata.AnnData(x, obs=obs, var=pd.DataFrame(index=[f"g{j}" for j in range(17)])).write_h5ad(path)


def replace(f, name, data, attrs=None):
    old = dict(f[name].attrs)
    del f[name]
    f.create_dataset(name, data=data)
    for k, v in (attrs if attrs is not None else old).items():
        f[name].attrs[k] = v


def unknown_encoding(f):
    f["X"].attrs["encoding-type"] = "zarr_matrix"


def unsupported_version(f):
    f["X"].attrs["encoding-version"] = "0.9.0"


def wrong_encoding(f):
    f["X"].attrs["encoding-type"] = "dataframe"
    f["X"].attrs["encoding-version"] = "0.2.0"


def indptr_length(f):
    replace(f, "X/indptr", f["X/indptr"][:-1])


def index_out_of_range(f):
    indices = f["X/indices"][:]
    indices[5] = 20
    replace(f, "X/indices", indices)


def indptr_decreasing(f):
    indptr = f["X/indptr"][:]
    indptr[30] = indptr[29] - 1
    replace(f, "X/indptr", indptr)


def codes_out_of_range(f):
    codes = f["obs/perturbation/codes"][:]
    codes[7] = 9
    replace(f, "obs/perturbation/codes", codes)


def obs_length(f):
    replace(f, "obs/_index", np.array([f"c{i}" for i in range(61)], dtype=object), {"encoding-type": "string-array", "encoding-version": "0.2.0"})
    f["obs"].attrs["column-order"] = np.array([], dtype=np.float64)  # what anndata writes for no columns
    del f["obs/perturbation"], f["obs/n_counts"]


def column_length(f):
    replace(f, "obs/n_counts", f["obs/n_counts"][:-2])


def missing_data(f):
    del f["X/data"]


def numbers_as_categories_codes(f):
    replace(f, "obs/perturbation/codes", f["obs/perturbation/codes"][:].astype(np.float64))


def unsorted_indices(f):
    """Valid for scipy (indices need not be sorted within a row); the reader must sort, not reject."""
    indptr, indices, data = f["X/indptr"][:], f["X/indices"][:], f["X/data"][:]
    for r in range(0, 60, 3):
        a, b = indptr[r], indptr[r + 1]
        indices[a:b], data[a:b] = indices[a:b][::-1].copy(), data[a:b][::-1].copy()
    replace(f, "X/indices", indices)
    replace(f, "X/data", data)


CASES = [unsorted_indices, unknown_encoding, unsupported_version, wrong_encoding, indptr_length, index_out_of_range, indptr_decreasing,
         codes_out_of_range, obs_length, column_length, missing_data, numbers_as_categories_codes]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    valid = os.path.join(out, "valid.h5ad")
    base(valid)
    for case in CASES:
        path = os.path.join(out, case.__name__ + ".h5ad")
        shutil.copy(valid, path)
        with h5py.File(path, "r+") as f:
            case(f)
    data = open(valid, "rb").read()
    for name, size in [("truncated_half", len(data) // 2), ("truncated_header", 100)]:
        with open(os.path.join(out, name + ".h5ad"), "wb") as f:
            f.write(data[:size])
    with open(os.path.join(out, "not_hdf5.h5ad"), "w") as f:
        f.write("cell,gene,count\nc0,g0,1\n")


if __name__ == "__main__":
    main()
