"""Dump what Python anndata reads from an h5ad file, for the C# interop tests to compare against.

Usage: h5ad_dump.py <file.h5ad> <out_dir> [<file.h5ad> <out_dir> ...]
Writes <out_dir>/dump.json (shapes, names, every obs/var column, uns, matrix shapes) and, for each matrix
(X, layers/*, obsp/*, varp/*, obsm/*, varm/*), raw little-endian arrays: <name>.indptr.i32, .indices.i32, .data.f32
(canonical float32 CSR with sorted indices; dense inputs lose their zeros as scipy.sparse.csr_matrix does).
Floats in JSON are strings in Python repr ("nan", "inf" spelled NaN/Infinity) so no precision is lost.
"""
import json
from collections.abc import Mapping
import os
import sys

import anndata
import numpy as np
import pandas as pd
import scipy.sparse as sp


def num(v):
    v = float(v)
    if np.isnan(v):
        return "NaN"
    if np.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(v)


def values(arr):
    arr = np.asarray(arr)
    if arr.dtype.kind == "f":
        return [num(v) for v in arr.ravel()]
    if arr.dtype.kind == "b":
        return [bool(v) for v in arr.ravel()]
    if arr.dtype.kind in "iu":
        return [int(v) for v in arr.ravel()]
    return [None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in arr.ravel()]


def column(s):
    if isinstance(s.dtype, pd.CategoricalDtype):
        return {"kind": "categorical", "categories": [str(c) for c in s.cat.categories], "codes": s.cat.codes.astype(int).tolist(),
                "ordered": bool(s.cat.ordered)}
    if isinstance(s.dtype, pd.BooleanDtype):
        return {"kind": "bool", "values": [bool(v) if not m else False for v, m in zip(s.fillna(False), s.isna())], "mask": s.isna().tolist()}
    if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) and s.dtype.kind in "iu":
        return {"kind": "numeric", "dtype": str(s.dtype.numpy_dtype), "values": [int(v) if not m else 0 for v, m in zip(s.fillna(0), s.isna())],
                "mask": s.isna().tolist()}
    if s.dtype.kind == "b":
        return {"kind": "bool", "values": values(s.values)}
    if s.dtype.kind in "iuf":
        return {"kind": "numeric", "dtype": str(s.dtype), "values": values(s.values)}
    return {"kind": "string", "values": values(s.values)}


def frame(df):
    return {"index": [str(i) for i in df.index], "columns": {c: column(df[c]) for c in df.columns}, "order": list(df.columns)}


def uns(v):
    if isinstance(v, Mapping):
        return {"type": "dict", "items": {k: uns(x) for k, x in v.items()}}
    if isinstance(v, str):
        return {"type": "string", "value": v}
    if isinstance(v, (bool, np.bool_)):
        return {"type": "bool", "value": bool(v)}
    if isinstance(v, (int, np.integer)):
        return {"type": "int", "value": int(v)}
    if isinstance(v, (float, np.floating)):
        return {"type": "float", "value": num(v)}
    if isinstance(v, np.ndarray) and v.dtype.names is None:
        return {"type": "array", "dtype": str(v.dtype) if v.dtype.kind not in "OUS" else "str", "shape": list(v.shape), "values": values(v)}
    if isinstance(v, np.ndarray):
        return {"type": "skipped", "why": "structured array"}
    if isinstance(v, pd.DataFrame):
        return {"type": "dataframe", "frame": frame(v)}
    if sp.issparse(v):
        return {"type": "sparse", "shape": list(v.shape)}
    return {"type": "other", "repr": repr(type(v))}


def matrix(m, name, out):
    csr = sp.csr_matrix(m).astype(np.float32)
    csr.sort_indices()
    base = os.path.join(out, name.replace("/", "__"))
    csr.indptr.astype("<i4").tofile(base + ".indptr.i32")
    csr.indices.astype("<i4").tofile(base + ".indices.i32")
    csr.data.astype("<f4").tofile(base + ".data.f32")
    return {"shape": list(m.shape), "sparse": bool(sp.issparse(m)), "dtype": str(m.dtype), "format": getattr(m, "format", "dense")}


def main():
    for path, out in zip(sys.argv[1::2], sys.argv[2::2]):
        dump_file(path, out)


def dump_file(path, out):
    dump_anndata(anndata.read_h5ad(path), out)


def dump_anndata(a, out):
    os.makedirs(out, exist_ok=True)
    mats = {"X": matrix(a.X, "X", out)}
    for group in ["layers", "obsm", "varm", "obsp", "varp"]:
        for k, m in getattr(a, group).items():
            if isinstance(m, pd.DataFrame):
                continue
            mats[group + "/" + k] = matrix(m, group + "/" + k, out)
    dump = {"shape": list(a.shape), "obs": frame(a.obs), "var": frame(a.var), "matrices": mats, "uns": uns(dict(a.uns))}
    with open(os.path.join(out, "dump.json"), "w") as f:
        json.dump(dump, f)


if __name__ == "__main__":
    main()
