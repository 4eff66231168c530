"""Reads a .dta with pandas and prints what it found as JSON (the read-back check of the Stata export)."""
import json
import math
import sys

import pandas as pd
from pandas.io.stata import StataMissingValue, StataReader


def cell(value):
    if isinstance(value, StataMissingValue):
        return {"missing": str(value)}
    if isinstance(value, str):
        return value
    number = float(value)
    return {"nan": True} if math.isnan(number) else number


path = sys.argv[1]
frame = pd.read_stata(path, convert_categoricals=False, convert_missing=True)
with StataReader(path) as reader:
    reader.read()
    variable_labels = reader.variable_labels()
    value_labels = reader.value_labels()
    data_label = reader.data_label

print(json.dumps({
    "pandas": pd.__version__,
    "columns": list(frame.columns),
    "rows": [[cell(v) for v in row] for row in frame.itertuples(index=False, name=None)],
    "variableLabels": variable_labels,
    "valueLabels": {name: {str(int(k)): v for k, v in labels.items()} for name, labels in value_labels.items()},
    "dataLabel": data_label,
}))
