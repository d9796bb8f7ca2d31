"""Messages of ``kpi-xl export``: the PDF of the meeting pages, made by LibreOffice."""

EXPORT_MESSAGES: dict[str, dict[str, str]] = {
    "export_what": {
        "nl": "zeg wat er geëxporteerd moet worden, bijvoorbeeld --pdf",
        "en": "say what to export, e.g. --pdf",
    },
    "export_not_found": {
        "nl": "werkmap niet gevonden: {path}",
        "en": "workbook not found: {path}",
    },
    "export_suffix": {
        "nl": "{path} is geen PDF-bestand: geef een naam die eindigt op .pdf (bijvoorbeeld -o {suggestion})",
        "en": "{path} is not a PDF file: give a name ending in .pdf (e.g. -o {suggestion})",
    },
    "export_no_pages": {
        "nl": "{name} heeft geen van de bladen {sheets}; maak de werkmap met kpi-xl new of kpi-xl demo",
        "en": "{name} has none of the sheets {sheets}; make the workbook with kpi-xl new or kpi-xl demo",
    },
    "export_no_libreoffice": {
        "nl": "LibreOffice is niet geïnstalleerd, dus hier kan geen PDF gemaakt worden. Installeer het "
              "(Debian/Ubuntu: sudo apt-get install libreoffice-calc) of druk de bladen af vanuit Excel",
        "en": "LibreOffice is not installed, so no PDF can be made here. Install it "
              "(Debian/Ubuntu: sudo apt-get install libreoffice-calc) or print the sheets from Excel",
    },
    "export_timeout": {
        "nl": "LibreOffice was niet binnen {seconds} s klaar",
        "en": "LibreOffice did not finish within {seconds} s",
    },
    "export_failed": {
        "nl": "LibreOffice kon {name} niet omzetten: {reason}",
        "en": "LibreOffice could not convert {name}: {reason}",
    },
    "export_done": {
        "nl": "PDF met {sheets}: {path}",
        "en": "PDF of {sheets}: {path}",
    },
    "export_missing": {
        "nl": "niet in deze werkmap (eerst vernieuwen?): {sheets}",
        "en": "not in this workbook (refresh it first?): {sheets}",
    },
}
