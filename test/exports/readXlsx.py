"""Reads an .xlsx with openpyxl and prints every sheet as JSON (the read-back check of the Excel export).

Each cell is [type, python type, value, is_date, number format]: type is openpyxl's data type ("n" number,
"s" text, "f" formula, ...) and the Python type of the value ("int", "float", "str", "datetime",
"NoneType"), so the test sees numbers, text, dates and formulas apart; a date's value is ISO 8601 text.
Each sheet also gives its frozen pane, AutoFilter range and column widths. openpyxl drops the workbook's
hidden _xlnm._FilterDatabase names when it reads, so those are read from xl/workbook.xml itself.
"""
import datetime
import json
import sys
import zipfile
import xml.etree.ElementTree as ElementTree

import openpyxl

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def value_of(cell):
    if isinstance(cell.value, (datetime.datetime, datetime.date, datetime.time)):
        return cell.value.isoformat()
    return cell.value


def defined_names(path):
    with zipfile.ZipFile(path) as package:
        root = ElementTree.fromstring(package.read("xl/workbook.xml"))
    return [
        {
            "name": name.get("name"),
            "localSheetId": name.get("localSheetId"),
            "hidden": name.get("hidden"),
            "text": name.text,
        }
        for name in root.iter(MAIN + "definedName")
    ]


book = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({
    "openpyxl": openpyxl.__version__,
    "definedNames": defined_names(sys.argv[1]),
    "sheets": [
        {
            "name": sheet.title,
            "frozen": sheet.freeze_panes,
            "filter": sheet.auto_filter.ref,
            "widths": {
                letter: dimension.width
                for letter, dimension in sheet.column_dimensions.items()
                if dimension.customWidth
            },
            "rows": [
                [
                    [cell.data_type, type(cell.value).__name__, value_of(cell), cell.is_date, cell.number_format]
                    for cell in row
                ]
                for row in sheet.iter_rows()
            ],
        }
        for sheet in book.worksheets
    ],
}))
