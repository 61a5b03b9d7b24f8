"""Write h5ad files with anndata 0.8 covering every X layout/dtype and every obs/var column kind.

Usage: h5ad_make.py <out_dir>
Writes <out_dir>/<fmt>_<dtype>[_gzip].h5ad for fmt in csr, csc, dense and dtype in float32, float64, int32, int64.
"""
import os
import sys

import anndata
import numpy as np
import pandas as pd
import scipy.sparse as sp


def build(fmt, dtype, rng):
    n_obs, n_var = 60, 17
    dense = rng.poisson(0.7, size=(n_obs, n_var)).astype(np.float64)
    if dtype.startswith("float"):
        dense = dense * rng.random((n_obs, n_var)) * 3.3  # non-integers, f64 values that round in float32
    dense = dense.astype(dtype)
    x = {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "dense": np.asarray}[fmt](dense)
    obs = pd.DataFrame(index=[f"cell{i}-é" for i in range(n_obs)])
    obs["perturbation"] = pd.Categorical(rng.choice(["control", "KO_A", "KO_B", "A+B"], n_obs))
    obs["dose"] = pd.Categorical(rng.choice(["low", "mid", "high"], n_obs), categories=["low", "mid", "high"], ordered=True)
    obs["with_nan_cat"] = pd.Categorical(rng.choice(["x", "y", None], n_obs))
    obs["barcode"] = [f"BC{i:05d}" for i in range(n_obs)]  # unique strings stay string-array
    obs["n_counts"] = rng.random(n_obs) * 1000
    obs["f32"] = rng.random(n_obs).astype(np.float32)
    obs["i8"] = rng.integers(-100, 100, n_obs).astype(np.int8)
    obs["i32"] = rng.integers(-1e6, 1e6, n_obs).astype(np.int32)
    obs["i64"] = rng.integers(-1e12, 1e12, n_obs)
    obs["u8"] = rng.integers(0, 255, n_obs).astype(np.uint8)
    obs["flag"] = rng.random(n_obs) > 0.5
    obs["nullable_int"] = pd.array([None if i % 7 == 0 else i * 3 for i in range(n_obs)], dtype="Int64")
    obs["nullable_bool"] = pd.array([None if i % 5 == 0 else i % 2 == 0 for i in range(n_obs)], dtype="boolean")
    obs["with_nan"] = np.where(rng.random(n_obs) > 0.8, np.nan, rng.random(n_obs))
    var = pd.DataFrame(index=[f"GENE{j}" for j in range(n_var)])
    var["highly_variable"] = rng.random(n_var) > 0.5
    var["means"] = rng.random(n_var)
    var["feature_length"] = pd.Categorical(rng.choice([1200, 800, 4500], n_var))  # numeric categories
    a = anndata.AnnData(X=x, obs=obs, var=var)
    a.layers["counts"] = sp.csr_matrix(rng.poisson(2.0, size=(n_obs, n_var)).astype(np.float32))
    a.layers["dense"] = rng.random((n_obs, n_var)).astype(np.float32)
    a.obsm["X_pca"] = rng.standard_normal((n_obs, 5)).astype(np.float32)
    a.obsm["X_umap"] = rng.standard_normal((n_obs, 2))
    a.varm["PCs"] = rng.standard_normal((n_var, 5))
    a.obsp["distances"] = sp.random(n_obs, n_obs, density=0.1, format="csr", random_state=1)
    a.uns["title"] = "test ünïcode"
    a.uns["params"] = {"n_neighbors": 15, "resolution": 0.5, "use_raw": True, "method": "umap",
                       "nested": {"deep": np.arange(4, dtype=np.int32), "names": np.array(["a", "b"], dtype=object)}}
    a.uns["colors"] = np.array(["#ff0000", "#00ff00"], dtype=object)
    a.uns["variance"] = rng.random(5)
    return a


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    for fmt in ["csr", "csc", "dense"]:
        for dtype in ["float32", "float64", "int32", "int64"]:
            a = build(fmt, dtype, rng)
            gzip = dtype in ("float64", "int32")
            a.write_h5ad(os.path.join(out, f"{fmt}_{dtype}{'_gzip' if gzip else ''}.h5ad"), compression="gzip" if gzip else None)


if __name__ == "__main__":
    main()
