"""The template's number formats, colours and the named cell formats every sheet writes with."""

from __future__ import annotations

DATE_FORMAT = "dd-mm-yyyy"
EURO_FORMAT = '"€" #,##0'
EURO_CENTS = '"€" #,##0.00'
PCT_FORMAT = "0%"
DAYS_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
TILE_FORMATS = {"qualified_leads": COUNT_FORMAT, "action_points": COUNT_FORMAT, "pipeline_value": EURO_FORMAT,
                "deal_velocity": DAYS_FORMAT, "retention": PCT_FORMAT}

BLUE, GREY, LIGHT = "#1F4E79", "#7F7F7F", "#DDEBF7"
LIGHT_FILLS = {"green": "#C6EFCE", "orange": "#FFE699", "red": "#F8CBAD"}


def _formats(wb) -> dict:
    f = {}

    def add(key, **props):
        f[key] = wb.add_format({"font_name": "Calibri", "font_size": 10, **props})

    add("plain")
    add("title", bold=True, font_size=18, font_color=BLUE)
    add("label", font_color=GREY)
    add("label_right", font_color=GREY, align="right")
    add("input", bg_color="#FFF2CC", border=1, align="center", bold=True)
    add("datetime", num_format="dd-mm-yyyy hh:mm", align="left")
    add("count_left", num_format=COUNT_FORMAT, align="left", bold=True)
    add("section", bold=True, font_size=12, font_color=BLUE, bottom=2, bottom_color=BLUE)
    add("header", bold=True, bg_color=LIGHT, bottom=1, text_wrap=True, valign="bottom")
    add("header_right", bold=True, bg_color=LIGHT, bottom=1, align="right", text_wrap=True, valign="bottom")
    add("text")
    add("wrap", text_wrap=True, valign="top", font_size=9)
    add("count", num_format=COUNT_FORMAT)
    add("euro", num_format=EURO_FORMAT)
    add("pct", num_format=PCT_FORMAT)
    add("days", num_format=DAYS_FORMAT)
    add("score", num_format="0")
    add("status", align="center", bold=True)
    add("tile_label", bold=True, font_color="white", bg_color=BLUE, align="left")
    add("tile_small", font_color=GREY, font_size=9, bg_color="#F2F2F2")
    add("tile_pad", bg_color="#F2F2F2")
    add("tile_note", font_color="#C00000", font_size=8, bg_color="#F2F2F2", italic=True)
    for kpi, number in TILE_FORMATS.items():
        add(f"tile_value_{kpi}", num_format=number, bold=True, font_size=20, bg_color="#F2F2F2", align="left")
        add(f"tile_num_{kpi}", num_format=number, font_size=9, bg_color="#F2F2F2")
    add("tile_pct", num_format=PCT_FORMAT, font_size=9, bg_color="#F2F2F2", bold=True)
    add("tile_status", font_size=9, bg_color="#F2F2F2", bold=True, align="center")
    add("insight_title", bold=True, italic=True, font_size=11, font_color=GREY, bottom=1, bottom_color=GREY)
    add("insight_label", italic=True, font_color=GREY, font_size=9)
    add("insight_pct", num_format=PCT_FORMAT, font_color=GREY, font_size=9)
    add("insight_euro", num_format=EURO_FORMAT, font_color=GREY, font_size=9)
    add("insight_header", italic=True, font_color=GREY, font_size=9, bottom=1)
    add("insight_text", font_color=GREY, font_size=9)
    add("insight_count", num_format=COUNT_FORMAT, font_color=GREY, font_size=9)
    add("more", italic=True, font_color=GREY, font_size=9)
    add("chart_data", font_color=GREY, font_size=9)
    add("chart_euro", font_color=GREY, font_size=9, num_format=EURO_FORMAT)
    for light, colour in LIGHT_FILLS.items():
        f[f"light_{light}"] = wb.add_format({"bg_color": colour})
    for number in (DATE_FORMAT, EURO_FORMAT, COUNT_FORMAT):
        add(f"number:{number}", num_format=number)
    add("help_title", bold=True, font_size=14, font_color=BLUE)
    add("help_head", bold=True, font_color=BLUE)
    add("help_text", text_wrap=True, valign="top")
    # the reference sheets (History, Checks, Uitleg), printed landscape one page wide
    add("top", valign="top")
    add("top_wrap", text_wrap=True, valign="top")
    add("help_name", bold=True, font_color=BLUE, text_wrap=True, valign="top")
    add("help_section", bold=True, font_size=12, font_color=BLUE, bottom=2, bottom_color=BLUE, valign="bottom")
    add("help_insight", bold=True, italic=True, font_size=12, font_color=GREY, bottom=1, bottom_color=GREY,
        valign="bottom")
    add("history_month", align="left")
    add("top_indent", align="left", valign="top", indent=1)
    return f
