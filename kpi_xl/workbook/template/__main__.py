"""``python -m kpi_xl.workbook.template build [PATH] [--config FILE]``: rebuild the template workbook."""

import sys

from kpi_xl.workbook.template import main

if __name__ == "__main__":
    sys.exit(main())
