"""Messages about the month a refresh is asked for."""

MONTH_MESSAGES: dict[str, dict[str, str]] = {
    # a month typed (--month, the month selector, a worksheet function's argument): said before the config is
    # known, so in both languages
    "month_not_a_month": {
        "nl": "'{value}' is geen maand; schrijf hem als JJJJ-MM, bijvoorbeeld 2026-10",
        "en": "'{value}' is not a month; write it as YYYY-MM, for example 2026-10",
    },
    # the month a refresh is asked for (--month or the Dashboard's month selector)
    "month_outside_data": {
        "nl": "{month}: die maand valt buiten de gegevens; kies een maand van {first} t/m {last}",
        "en": "{month}: that month is outside the data; choose a month from {first} to {last}",
    },
    "month_without_data": {
        "nl": "{month}: de werkmap bevat nog geen gedateerde rijen; laat de maand leeg",
        "en": "{month}: the workbook holds no dated rows yet; leave the month empty",
    },
}
