"""Render-test helpers: a workbook's sheets printed by LibreOffice, measured word by word.

    pdf = render(book, [L.DASHBOARD], tmp_path / "dashboard.pdf")   # skips the test without LibreOffice
    page = pages(pdf)[0]
    assert page.landscape and page.share_at_least(11.7) >= 0.9

``render`` prints sheets with ``kpi_xl.workbook.export`` (what ``kpi-xl export`` does), in the order
given; ``render_each`` prints each sheet into its own PDF, so the pages of each sheet are known;
``pages`` reads every page's size and its words' boxes with ``pdftotext -bbox`` (poppler-utils);
``split`` writes one PDF per page (``pdfseparate``); ``pictures`` one PNG per page (``pdftoppm``).

In LibreOffice's PDFs a word box is about 1.3× the font size: 9 pt type gives an 11.7 pt box
(:data:`BOX_PER_PT`), so ``page.words_under(9 * BOX_PER_PT)`` lists the words under 9 pt.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kpi_xl.workbook.export import export_pdf, find_soffice

BOX_PER_PT = 1.3  # a word box's height ÷ the font size, in LibreOffice's PDFs
POPPLER = ("pdftotext", "pdfinfo", "pdfseparate", "pdftoppm")


def require_tools(*tools: str) -> None:
    """Skip the calling test, with the reason, when LibreOffice or a poppler tool is missing."""
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the pages cannot be rendered here; CI installs it")
    for tool in tools or ("pdftotext",):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed: the rendered pages cannot be measured")


def render(workbook: Path, sheets: Sequence[str], pdf: Path) -> Path:
    """``sheets`` of ``workbook`` printed by LibreOffice into ``pdf``, in the order given."""
    require_tools("pdftotext")
    target, found = export_pdf(workbook, pdf, sheets)
    assert found == list(sheets), f"sheets missing from {workbook.name}: {set(sheets) - set(found)}"
    return target


def render_each(workbook: Path, sheets: Sequence[str], folder: Path) -> dict[str, list[Page]]:
    """Each sheet printed into its own PDF in ``folder``: sheet → its pages, measured."""
    folder.mkdir(parents=True, exist_ok=True)
    return {sheet: pages(render(workbook, [sheet], folder / f"{sheet}.pdf")) for sheet in sheets}


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        """The box's height in points (about 1.3× the font size)."""
        return self.y1 - self.y0

    def overlaps(self, other: Word, slack: float = 0.5) -> bool:
        """Are the two words printed over each other: boxes covering each other by more than ``slack``
        points across and more than half the lower box's height? (The boxes of two lines of text one
        under the other overlap by a point or two: that is line spacing, not overlap.)"""
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > slack
                and min(self.y1, other.y1) - max(self.y0, other.y0) > min(self.height, other.height) / 2)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, in the PDF
    width: float  # points
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def lines(self, tolerance: float = 2.0) -> list[str]:
        """The words grouped into lines by their top (within ``tolerance`` points), left to right."""
        rows: list[list[Word]] = []
        for word in sorted(self.words, key=lambda w: (w.y0, w.x0)):
            if rows and abs(rows[-1][0].y0 - word.y0) <= tolerance:
                rows[-1].append(word)
            else:
                rows.append([word])
        return [" ".join(w.text for w in sorted(row, key=lambda w: w.x0)) for row in rows]

    def beyond(self, margin: float) -> list[Word]:
        """Words that reach into the outer ``margin`` points of the page (cut off, or printed past it)."""
        return [w for w in self.words
                if w.x0 < margin or w.x1 > self.width - margin or w.y0 < 0 or w.y1 > self.height]

    def words_under(self, box_height: float) -> list[Word]:
        return [w for w in self.words if w.height < box_height]

    def share_at_least(self, box_height: float) -> float:
        """The share of the page's words whose box is at least ``box_height`` points high."""
        return sum(w.height >= box_height for w in self.words) / len(self.words) if self.words else 0.0

    def overlapping(self) -> list[tuple[Word, Word]]:
        """Pairs of words printed over each other (text running into the next row or cell)."""
        found = []
        ordered = sorted(self.words, key=lambda w: w.y0)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if b.y0 >= a.y1:
                    break
                if a.overlaps(b):
                    found.append((a, b))
        return found


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', re.S)


def pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf``: its size and its words' boxes (``pdftotext -bbox``)."""
    require_tools("pdftotext")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, (width, height, body) in enumerate(_PAGE.findall(out), start=1):
        words = [Word(html.unescape(t), float(a), float(b), float(c), float(d))
                 for a, b, c, d, t in _WORD.findall(body)]
        found.append(Page(number, float(width), float(height), words))
    return found


def split(pdf: Path, folder: Path) -> list[Path]:
    """One PDF per page of ``pdf`` in ``folder`` (``pdfseparate``), in page order."""
    require_tools("pdfseparate")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdfseparate", str(pdf), str(folder / "page-%d.pdf")], check=True, capture_output=True)
    return sorted(folder.glob("page-*.pdf"), key=lambda p: int(p.stem.split("-")[1]))


def pictures(pdf: Path, prefix: Path, dpi: int = 70) -> list[Path]:
    """One PNG per page (``pdftoppm``): ``prefix-1.png``, ``prefix-2.png``, …, to look at."""
    require_tools("pdftoppm")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True, capture_output=True)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
