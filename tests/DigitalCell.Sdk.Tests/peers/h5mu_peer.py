"""The Python side of the h5mu interop tests. mudata cannot be installed here, so this reads and writes h5mu files
exactly as mudata does it, with h5py and anndata 0.8: one AnnData per modality under /mod/<name> (anndata's
read_elem / write_elem), shared obs/var/obsm/obsmap/varmap at the root, the 512-byte user block starting "MuData".

Usage:
  h5mu_peer.py dump <file.h5mu> <out_dir>   -> <out_dir>/root.json + <out_dir>/mod/<name>/ (h5ad_dump.py's format)
  h5mu_peer.py write <file.h5mu>            -> a small file with two modalities sharing only some cells
"""
import json
import os
import sys

import anndata
import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp
from anndata._io.specs import read_elem, write_elem

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from h5ad_dump import dump_anndata, frame, uns  # noqa: E402


def dump(path, out):
    with open(path, "rb") as f:
        header = f.read(512).rstrip(b"\0").decode("ascii", "replace")
    os.makedirs(out, exist_ok=True)
    with h5py.File(path, "r") as f:
        mods = list(f["mod"].keys())
        order = [str(m) for m in f["mod"].attrs.get("mod-order", [])]
        if all(m in order for m in mods):  # mudata's rule
            mods = [m for m in order if m in mods]
        root = {
            "header": header,
            "attrs": {k: (v if isinstance(v, str) else int(v)) for k, v in f.attrs.items()},
            "mods": mods,
            "obs": frame(read_elem(f["obs"])),
            "var": frame(read_elem(f["var"])),
            "obsmap": {k: np.asarray(v).astype(int).tolist() for k, v in f["obsmap"].items()},
            "varmap": {k: np.asarray(v).astype(int).tolist() for k, v in f["varmap"].items()},
            "obsm": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "values": np.asarray(v).astype(float).ravel().tolist()} for k, v in f["obsm"].items()},
            "varm": {k: np.asarray(v).astype(bool).tolist() for k, v in f["varm"].items()},
            "uns": uns(read_elem(f["uns"])),
        }
        for m in mods:
            dump_anndata(read_elem(f["mod"][m]), os.path.join(out, "mod", m))
    with open(os.path.join(out, "root.json"), "w") as f:
        json.dump(root, f)


def write(path):
    rng = np.random.default_rng(5)
    cells = [f"AAAC{i:03d}-1" for i in range(30)]
    counts = sp.random(30, 12, density=0.3, random_state=1, format="csr", dtype=np.float32)
    counts.data = np.round(counts.data * 40 + 1).astype(np.float32)
    rna = anndata.AnnData(
        X=counts,
        obs=pd.DataFrame({"n_counts": np.asarray(counts.sum(1)).ravel()}, index=cells),
        var=pd.DataFrame({"gene_ids": [f"ENSG{j:05d}" for j in range(12)]}, index=[f"GENE{j}" for j in range(12)]),
        layers={"counts": counts.copy()},
        obsm={"X_pca": rng.normal(size=(30, 3)).astype(np.float32)},
        uns={"log1p": {"base": "e"}},
    )
    # The protein panel has only 25 of the cells, in another order: obsmap has zeros and is not the identity.
    prot_cells = [cells[i] for i in rng.permutation(30)[:25]]
    prot = anndata.AnnData(
        X=np.round(rng.gamma(2.0, 50.0, size=(25, 4))).astype(np.float32),
        obs=pd.DataFrame({"isotype_sum": rng.random(25)}, index=prot_cells),
        var=pd.DataFrame({"isotype_control": [False, False, True, False]}, index=["CD3", "CD4", "IgG1", "CD14"]),
    )
    labels = pd.Categorical(["T", "B", None, "Mono", "T", "NK"] * 5, categories=["B", "Mono", "NK", "T"])
    obs = pd.DataFrame({"cell_type": labels, "score": np.linspace(0, 1, 30), "doublet": np.arange(30) % 7 == 0}, index=cells)
    var_names = list(rna.var_names) + list(prot.var_names)
    var = pd.DataFrame(index=var_names)
    with h5py.File(path, "w", userblock_size=512) as f:
        f.attrs["encoder"] = "mudata"
        f.attrs["encoder-version"] = "0.2.3"
        f.attrs["encoding-type"] = "MuData"
        f.attrs["encoding-version"] = "0.1.0"
        f.attrs["axis"] = 0
        mod = f.create_group("mod")
        for name, a in [("rna", rna), ("prot", prot)]:
            write_elem(mod, name, a)
        mod.attrs["mod-order"] = np.array(["rna", "prot"], dtype=object)
        write_elem(f, "obs", obs)
        write_elem(f, "var", var)
        obsmap = {"rna": np.arange(1, 31, dtype=np.uint32),
                  "prot": np.array([prot_cells.index(c) + 1 if c in prot_cells else 0 for c in cells], dtype=np.uint32)}
        varmap = {"rna": np.array(list(range(1, 13)) + [0] * 4, dtype=np.uint32),
                  "prot": np.array([0] * 12 + list(range(1, 5)), dtype=np.uint32)}
        write_elem(f, "obsm", {"rna": obsmap["rna"] > 0, "prot": obsmap["prot"] > 0, "X_joint": rng.normal(size=(30, 2)).astype(np.float32)})
        write_elem(f, "varm", {k: v > 0 for k, v in varmap.items()})
        write_elem(f, "obsmap", obsmap)
        write_elem(f, "varmap", varmap)
        write_elem(f, "obsp", {})
        write_elem(f, "varp", {})
        write_elem(f, "uns", {"title": "written by the mudata layout in Python"})
    with open(path, "r+b") as f:  # mudata's header, as its _write_h5mu does after closing the HDF5 file
        f.write(b"MuData (format-version=0.1.0;creator=muon;creator-version=0.2.3)")


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
