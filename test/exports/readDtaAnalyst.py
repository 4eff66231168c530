"""Reads a .dta as an analyst would with pandas and prints what each column became as JSON: read_stata
with its defaults (dtype, mean, cells; date-times as ISO 8601 with milliseconds), then again with
convert_missing=True (cells, extended missing values as {"missing": ".n"}), and the variable labels."""
import json
import math
import sys

import pandas as pd
from pandas.io.stata import StataMissingValue, StataReader


def cell(value):
    if isinstance(value, StataMissingValue):
        return {"missing": str(value)}
    if value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, str):
        return value
    return float(value)


def column(series):
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
    return {
        "dtype": str(series.dtype),
        "mean": float(series.mean()) if numeric else None,
        "cells": [cell(v) for v in series],
    }


path = sys.argv[1]
frame = pd.read_stata(path)
try:
    with_missing = pd.read_stata(path, convert_missing=True)
    converted = {name: [cell(v) for v in with_missing[name]] for name in with_missing.columns}
    convert_error = None
except Exception as error:  # pandas' own failure is what the test reports, not a crash of this script
    converted = None
    convert_error = f"{type(error).__name__}: {error}"
with StataReader(path) as reader:
    reader.read()
    variable_labels = reader.variable_labels()

print(json.dumps({
    "columns": {name: column(frame[name]) for name in frame.columns},
    "convertMissing": converted,
    "convertMissingError": convert_error,
    "variableLabels": variable_labels,
}))
