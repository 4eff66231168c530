"""Computes, with pandas alone, the figures an export's codebook gives for some variables of data.csv.

argv: data.csv, then a JSON object {variable: {"missing": [codes], "coded": true|false}}. Prints JSON:
per coded variable, value_counts with %, valid %, weighted n and weighted % (weights: wt_nr);
per number, n, mean, std (ddof=1), min, max and the wt_nr-weighted mean of its valid values;
and per stratum, the completes and their wt_nr.
"""
import json
import sys

import pandas as pd

data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
spec = json.loads(sys.argv[2])
weight = pd.to_numeric(data["wt_nr"]) if "wt_nr" in data else None
out = {"rows": len(data), "variables": {}}
for name, how in spec.items():
    values = pd.to_numeric(data[name])
    missing = values.isin(how["missing"])
    valid = values[~missing]
    if how["coded"]:
        counts = values.value_counts()
        valid_n = int((~missing).sum())
        total_w = float(weight.sum())
        valid_w = float(weight[~missing].sum())
        out["variables"][name] = {
            str(int(code)): {
                "n": int(n),
                "percent": 100 * n / len(data),
                "valid_percent": None if code in how["missing"] else 100 * n / valid_n,
                "weighted_n": float(weight[values == code].sum()),
                "weighted_percent": 100 * float(weight[values == code].sum()) / total_w,
                "weighted_valid_percent": None
                if code in how["missing"]
                else 100 * float(weight[values == code].sum()) / valid_w,
            }
            for code, n in counts.items()
        }
    else:
        w = weight[~missing]
        out["variables"][name] = {
            "n": int(valid.count()),
            "mean": float(valid.mean()),
            "sd": float(valid.std(ddof=1)),
            "min": float(valid.min()),
            "max": float(valid.max()),
            "weighted_mean": float((valid * w).sum() / w.sum()),
            "missing": {str(int(c)): int(n) for c, n in values[missing].value_counts().items()},
        }
completes = data[data["disposition"] == "1.1"]
out["strata"] = {
    stratum: {"completes": len(rows), "wt_nr": float(pd.to_numeric(rows["wt_nr"]).iloc[0])}
    for stratum, rows in completes.groupby("stratum")
}
print(json.dumps(out))
