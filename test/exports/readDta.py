"""Reads a .dta with pandas and prints what it found as JSON (the read-back check of the Stata export)."""
import json
import math
import sys

import pandas as pd
from pandas.io.stata import StataMissingValue, StataReader


def cell(value, moment=None):
    if isinstance(value, StataMissingValue):
        return {"missing": str(value)}
    if moment is not None:
        # A %tc date-time as data.csv writes it: ISO 8601 in UTC, to the second.
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str):
        return value
    number = float(value)
    return {"nan": True} if math.isnan(number) else number


path = sys.argv[1]
# pandas cannot convert a %tc column holding missing values with convert_missing=True (np.isnan of
# its StataMissingValue objects fails), so the missing kinds come from a read without date conversion
# and the instants from a read with it.
frame = pd.read_stata(path, convert_categoricals=False, convert_missing=True, convert_dates=False)
dated = pd.read_stata(path, convert_categoricals=False)
moments = [
    dated[name] if pd.api.types.is_datetime64_any_dtype(dated[name].dtype) else None for name in frame.columns
]
with StataReader(path) as reader:
    reader.read()
    variable_labels = reader.variable_labels()
    value_labels = reader.value_labels()
    data_label = reader.data_label

print(json.dumps({
    "pandas": pd.__version__,
    "columns": list(frame.columns),
    "rows": [
        [cell(v, None if moments[c] is None else moments[c].iloc[r]) for c, v in enumerate(row)]
        for r, row in enumerate(frame.itertuples(index=False, name=None))
    ],
    "variableLabels": variable_labels,
    "valueLabels": {name: {str(int(k)): v for k, v in labels.items()} for name, labels in value_labels.items()},
    "dataLabel": data_label,
}))
