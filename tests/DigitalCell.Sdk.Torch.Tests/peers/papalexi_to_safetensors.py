"""Test peer: reads the Papalexi subset with anndata, normalises with the scanpy convention
(counts scaled to 1e4 per cell, then natural log1p) and writes X as float32 safetensors by hand
(8-byte LE header length, JSON header, raw bytes) with gene names and perturbation labels in the metadata."""
import json, struct, sys
import anndata as ad
import numpy as np

src, dst = sys.argv[1], sys.argv[2]
a = ad.read_h5ad(src)
x = a.X.toarray().astype(np.float64)
x = np.log1p(x / x.sum(axis=1, keepdims=True) * 1e4).astype(np.float32)
data = np.ascontiguousarray(x).tobytes()
header = {
    "__metadata__": {"genes": json.dumps(list(a.var_names)), "perturbation": json.dumps(list(a.obs["perturbation"].astype(str)))},
    "X": {"dtype": "F32", "shape": list(x.shape), "data_offsets": [0, len(data)]},
}
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)
with open(dst, "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + data)
