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
    # the Coaching and Inzicht pages: 11 pt body text, so that it prints at 9 pt or more on A4;
    # "quiet_*" is Inzicht's grey (visibly secondary), "page_*" Coaching's
    for prefix, colour in (("page", "black"), ("quiet", "#595959")):
        add(f"{prefix}_title", bold=True, font_size=16, font_color=BLUE if prefix == "page" else GREY,
            italic=prefix == "quiet")
        add(f"{prefix}_note", italic=True, font_size=11, font_color=GREY)
        add(f"{prefix}_section", bold=True, font_size=12, font_color=BLUE if prefix == "page" else GREY,
            bottom=2 if prefix == "page" else 1, bottom_color=BLUE if prefix == "page" else GREY)
        add(f"{prefix}_header", bold=True, font_size=11, font_color=colour, bg_color=LIGHT if prefix == "page"
            else "#F2F2F2", bottom=1, text_wrap=True, valign="bottom")
        add(f"{prefix}_header_right", bold=True, font_size=11, font_color=colour, bg_color=LIGHT
            if prefix == "page" else "#F2F2F2", bottom=1, text_wrap=True, valign="bottom", align="right")
        add(f"{prefix}_text", font_size=11, font_color=colour, valign="top")
        add(f"{prefix}_name", font_size=11, font_color=colour, valign="top", bold=True, text_wrap=True)
        add(f"{prefix}_wrap", font_size=11, font_color=colour, valign="top", text_wrap=True)
        add(f"{prefix}_more", italic=True, font_size=11, font_color=GREY, valign="top")
        add(f"{prefix}_month", bold=True, font_size=12, font_color=colour, align="right")
        for name, number in (("count", COUNT_FORMAT), ("euro", EURO_FORMAT), ("pct", PCT_FORMAT),
                             ("days", DAYS_FORMAT), ("score", "0"), ("date", DATE_FORMAT)):
            add(f"{prefix}_{name}", num_format=number, font_size=11, font_color=colour, valign="top")
    # the Dashboard's cards and its table per rep (read across a table: nothing under 10 pt)
    card_grey = "#F2F2F2"
    times = '0.0"×"'  # pipeline coverage: 2.4×
    # a change with its sign and an arrow: ▲ +17, ▼ −479, = 0
    change_formats = {
        "qualified_leads": '"▲ +"#,##0;"▼ −"#,##0;"= 0"',
        "action_points": '"▲ +"#,##0;"▼ −"#,##0;"= 0"',
        "pipeline_value": '"▲ +€ "#,##0;"▼ −€ "#,##0;"= € 0"',
        "deal_velocity": '"▲ +"0.0;"▼ −"0.0;"= 0"',
        "retention": '"▲ +"0.0%;"▼ −"0.0%;"= 0%"',
    }
    card = {"bg_color": card_grey, "valign": "vcenter"}
    edge = {"left": 5, "left_color": "white"}  # a white line between two cards
    add("card_label", bold=True, font_color="white", bg_color=BLUE, valign="vcenter", text_wrap=True, **edge)
    add("card_text", font_color=GREY, **card, **edge)
    add("card_pad", **card)
    add("card_pad_first", **card, **edge)
    add("card_pct", num_format=PCT_FORMAT, bold=True, align="right", **card)
    add("card_light", bold=True, align="center", **card)
    add("card_times", num_format=times, align="right", **card)
    add("card_days", num_format=DAYS_FORMAT, align="right", **card)
    for kpi, number in TILE_FORMATS.items():
        add(f"card_value_{kpi}", num_format=number, bold=True, font_size=18, font_color=BLUE, align="left",
            indent=1, **card, **edge)
        add(f"card_num_{kpi}", num_format=number, align="right", **card)
        add(f"card_change_{kpi}", num_format=change_formats[kpi], align="right", **card)
    add("dash_problems", bold=True, font_color="#C00000", underline=1)
    add("dash_note", italic=True, font_color=GREY, text_wrap=True, valign="top")
    add("times", num_format=times)
    add("header_turned", bold=True, bg_color=LIGHT, bottom=1, text_wrap=True, rotation=90, align="center",
        valign="bottom")
    add("light_word", align="center")
    add("text_bold_left", bold=True, align="left")
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
