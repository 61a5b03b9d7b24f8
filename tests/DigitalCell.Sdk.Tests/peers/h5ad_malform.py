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


def unwritten(f, name, shape, dtype, attrs=None, **options):
    """A chunked dataset whose chunks were never written: a few bytes in the file, any shape (HDF5 fills it on read)."""
    old = dict(f[name].attrs) if name in f else {}
    if name in f:
        del f[name]
    f.create_dataset(name, shape=shape, dtype=dtype, chunks=(min(shape[0], 65536),) + tuple(shape[1:]), **options)
    for k, v in (attrs if attrs is not None else old).items():
        f[name].attrs[k] = v


ARRAY = {"encoding-type": "array", "encoding-version": "0.2.0"}


def bomb_indptr(f):
    """An int64 indptr of 2e9 entries: 16 GB if read before its length is compared with the shape."""
    unwritten(f, "X/indptr", (2_000_000_000,), "i8")


def bomb_data(f):
    unwritten(f, "X/data", (2_000_000_000,), "f4")
    unwritten(f, "X/indices", (2_000_000_000,), "i4")


def bomb_dense_x(f):
    """A gzip-compressed dense X of 100,000 × 100,000 (40 GB) in a file of kilobytes."""
    del f["X"]
    f.create_dataset("X", shape=(100_000, 100_000), dtype="f4", chunks=(1000, 1000), compression="gzip")
    for k, v in ARRAY.items():
        f["X"].attrs[k] = v


def bomb_uns(f):
    unwritten(f, "uns/huge", (2_000_000_000,), "f4", ARRAY)


def bomb_uns_gzip(f):
    unwritten(f, "uns/huge", (2_000_000_000,), "f4", ARRAY, compression="gzip")


def uns_cycle(f):
    """A hard link from a group to its own parent: following it naively recurses until the stack overflows."""
    g = f.create_group("uns/a")
    g.attrs["encoding-type"], g.attrs["encoding-version"] = "dict", "0.1.0"
    g["loop"] = g


CASES = [unsorted_indices, unknown_encoding, unsupported_version, wrong_encoding, indptr_length, index_out_of_range, indptr_decreasing,
         codes_out_of_range, obs_length, column_length, missing_data, numbers_as_categories_codes,
         bomb_indptr, bomb_data, bomb_dense_x, bomb_uns, bomb_uns_gzip, uns_cycle]


def root_btree_child_past_eof(data):
    """Superblock v0 (h5py's default): the root symbol-table entry's scratch pad holds the root group's B-tree address
    (byte 80); that node's first child address (24-byte node header + one 8-byte key) is pointed past the end."""
    btree = int.from_bytes(data[80:88], "little")
    assert data[btree:btree + 4] == b"TREE"
    data[btree + 32:btree + 40] = (len(data) * 4096).to_bytes(8, "little")


def global_heap_flip(data):
    """24 bytes of the first global heap collection (where the vlen strings live), inverted."""
    at = data.index(b"GCOL")
    data[at + 16:at + 40] = bytes(b ^ 0xFF for b in data[at + 16:at + 40])


BYTE_CASES = [root_btree_child_past_eof, global_heap_flip]


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
    for case in BYTE_CASES:
        edited = bytearray(data)
        case(edited)
        with open(os.path.join(out, case.__name__ + ".h5ad"), "wb") as f:
            f.write(edited)
    for name, size in [("truncated_half", len(data) // 2), ("truncated_header", 100)]:
        with open(os.path.join(out, name + ".h5ad"), "wb") as f:
            f.write(data[:size])
    with open(os.path.join(out, "not_hdf5.h5ad"), "w") as f:
        f.write("cell,gene,count\nc0,g0,1\n")


if __name__ == "__main__":
    main()
