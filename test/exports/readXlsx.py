"""Reads an .xlsx with openpyxl and prints every sheet as JSON (the read-back check of the Excel export).

Each cell is [type, value]: type is openpyxl's data type ("n" number, "s" text, "f" formula, ...) and
the Python type of the value ("int", "float", "str", "NoneType"), so the test sees numbers, text and
formulas apart.
"""
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({
    "openpyxl": openpyxl.__version__,
    "sheets": [
        {
            "name": sheet.title,
            "frozen": sheet.freeze_panes,
            "rows": [
                [[cell.data_type, type(cell.value).__name__, cell.value] for cell in row]
                for row in sheet.iter_rows()
            ],
        }
        for sheet in book.worksheets
    ],
}))
