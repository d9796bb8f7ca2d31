"""The workbook file on disk: the package's parts and guards, reading the tables, writing the owned sheets
atomically, new workbooks from the template (and its VBA project), export to PDF, and the headless refresh."""
