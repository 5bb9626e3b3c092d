"""Read a saved page (HTML or text) into an article: main text and metadata.

    >>> page = read_page(Path("~/Downloads/treaty.html").expanduser())
    >>> page.outlet, page.published, page.published_basis
    ('Caucasus Wire', datetime.date(2015, 3, 18), 'metadata')

HTML goes through trafilatura (main text, title, site name, author, canonical
address); nothing here scrapes markup by hand. The publication date is taken, in this
order, from what the user gives (``--published``), the page's structured metadata
only (``<head>`` meta tags, JSON-LD, ``itemprop=datePublished``: never a date printed
in the page body, which is often a display or "updated" date), the address
(``/2015/03/18/``, ``/201411231015...``), or the dateline ("MOSCOW, November 23
(Sputnik) -") completed by the year of the address. Each comes with a precision and a
basis, and a note that says where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import htmldate
import lxml.html
import trafilatura

from caucmap.errors import UsageError
from caucmap.ingest.dates import MONTHS, find_dates
from caucmap.safeio import read_bytes

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MIN_WORDS = 25  # shorter than a wire brief: not an article
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z'\u2019.\- ]{2,40}?)(?:,\s*(?P<country>[A-Z][A-Za-z.\- ]{1,30}?))?"
    r"(?:,\s*(?P<when>" + MONTHS + r"\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+" + MONTHS
    + r"(?:,?\s*\d{4})?))?"
    r"\s*(?:\((?P<agency>[^)]{2,40})\))?\s*[-\u2013\u2014:]+\s",
    re.MULTILINE,
)
_ADDRESS_DAY = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>[01]\d)[/-](?P<d>[0-3]\d)(?:/|\b)")
_ADDRESS_STAMP = re.compile(r"/(?:[a-z-]*/)*(?P<y>20[0-4]\d)(?P<m>[01]\d)(?P<d>[0-3]\d)\d*")
_ADDRESS_MONTH = re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>[01]\d)/")
_ADDRESS_YEAR = re.compile(r"/(?P<y>(?:19|20)\d{2})/")


@dataclass(frozen=True)
class Dateline:
    """ "MOSCOW, November 23 (Sputnik) -": ``text`` is those words as printed."""

    text: str
    place: str
    when: str | None
    agency: str | None


@dataclass
class Page:
    """An article as read from a saved page, before anything is stored."""

    path: Path
    text: str
    title: str | None
    outlet: str | None
    author: str | None
    address: str | None
    published: date | None
    published_precision: str | None
    published_basis: str | None
    published_note: str | None
    dateline: Dateline | None
    page_chars: int
    warnings: list[str] = field(default_factory=list)


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise UsageError(f"{name}: the file is empty")
    if b"\x00" in data[:4096]:
        raise UsageError(f"{name}: binary data, not a saved page or text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text (byte {exc.start}); save the page as "
                         "UTF-8") from None


def _is_html(path: Path, text: str) -> bool:
    if path.suffix.lower() in HTML_SUFFIXES:
        return True
    if path.suffix.lower() in TEXT_SUFFIXES:
        return False
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def _metadata_date(html: str) -> str | None:
    """The publication date the page *declares*: head, JSON-LD and datePublished only."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    keep = lxml.html.Element("html")
    head = tree.find("head")
    if head is not None:
        keep.append(head)
    body = lxml.html.Element("body")
    for node in tree.xpath('//script[@type="application/ld+json"]|//*[@itemprop="datePublished"]'):
        body.append(node)
    keep.append(body)
    # the address is its own basis (see address_date): htmldate would read it from these
    for node in keep.xpath('//link|//meta[@property="og:url" or @name="twitter:url"]'):
        node.getparent().remove(node)
    return htmldate.find_date(keep, extensive_search=False, original_date=True)


def address_date(address: str) -> tuple[date, str] | None:
    """A date written in an address, with its precision: day, month or year."""
    path = urlsplit(address).path
    for rx, precision in ((_ADDRESS_DAY, "day"), (_ADDRESS_STAMP, "day"),
                          (_ADDRESS_MONTH, "month"), (_ADDRESS_YEAR, "year")):
        m = rx.search(path)
        if not m:
            continue
        groups = m.groupdict()
        try:
            found = date(int(groups["y"]), int(groups.get("m") or 1), int(groups.get("d") or 1))
        except ValueError:
            continue
        return found, precision
    return None


def find_dateline(text: str) -> Dateline | None:
    """The dateline of the first paragraphs: place, optional date, optional agency."""
    for m in _DATELINE.finditer(text[:1500]):
        place = m.group("place").strip()
        # "TBILISI -", or "Tbilisi, 24 November (Agenda.ge) -" with a date or an agency
        if len(place) >= 3 and (place.upper() == place or m.group("when") or m.group("agency")):
            text = m.group(0).rstrip().rstrip("-\u2013\u2014:").rstrip()
            return Dateline(text, place.title(), m.group("when"), m.group("agency"))
    return None


def _dateline_date(line: Dateline, year: int | None) -> date | None:
    """The dateline's date; a dateline without a year takes the address's year."""
    if not line.when:
        return None
    full = re.search(r"\d{4}", line.when) is not None
    if not full and year is None:
        return None
    found = find_dates(line.when if full else f"{line.when}, {year}", date(year or 2000, 7, 1))
    return found[0].start if found and found[0].precision.value == "day" else None


def _publication(page: Page, given: date | None, meta: str | None) -> None:
    """Fill the publication date, precision, basis and note; never from a display date."""
    if given:
        page.published, page.published_precision = given, "day"
        page.published_basis, page.published_note = "given", "Given on the command line."
        return
    if meta:
        page.published, page.published_precision = date.fromisoformat(meta), "day"
        page.published_basis = "metadata"
        page.published_note = "Stated in the page's metadata (meta tags / JSON-LD)."
        return
    from_address = address_date(page.address) if page.address else None
    dated = (_dateline_date(page.dateline, from_address[0].year if from_address else None)
             if page.dateline else None)
    if from_address and from_address[1] == "day":
        page.published, page.published_precision = from_address[0], "day"
        page.published_basis = "address"
        page.published_note = f"From the address ({page.address})."
    elif dated:
        page.published, page.published_precision = dated, "day"
        page.published_basis = "dateline"
        when = page.dateline.when  # type: ignore[union-attr]
        page.published_note = f"Dateline '{when}'" + (
            "" if re.search(r"\d{4}", when or "") else
            f"; the year from the address ({page.address}).")
    elif from_address:
        page.published, page.published_precision = from_address
        page.published_basis = "address"
        page.published_note = (f"Only the {from_address[1]} is known, from the address "
                               f"({page.address}); the date stands for the {from_address[1]}.")


def _warn_if_cut(page: Page) -> None:
    words = len(page.text.split())
    body = page.text.rstrip()
    if not body.endswith((".", "!", "?", '"', "\u201d", "'", "\u2019", ")")):
        page.warnings.append("the text ends mid-sentence: it may be cut short")
    if page.dateline is None:
        page.warnings.append("no dateline found: check the text is the whole article")
    if page.page_chars and len(page.text) < 0.1 * page.page_chars and words < 150:
        page.warnings.append(f"the article text is {len(page.text):,} characters of a "
                             f"{page.page_chars:,}-character page: it may be cut short")


def read_page(path: Path, *, address: str | None = None, outlet: str | None = None,
              published: date | None = None) -> Page:
    """Read ``path`` (HTML or text); raise :class:`UsageError` with one line if unusable."""
    path = Path(path)
    name = str(path)
    try:
        raw = _decode(read_bytes(path.resolve(), root=path.resolve().parent, kind="page"), name)
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{name}: {exc}") from None
    meta_date = title = author = site = url = None
    if _is_html(path, raw):
        doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                          include_tables=False)
        if doc is None or not (doc.text or "").strip():
            raise UsageError(f"{name}: no article text found in the page")
        text = doc.text
        title, author, site, url = doc.title, doc.author, doc.sitename, doc.url
        meta_date = _metadata_date(raw)
        page_chars = len(" ".join(lxml.html.fromstring(raw).text_content().split()))
    else:
        text = raw.replace("\r\n", "\n")
        first = text.strip().split("\n", 1)[0].strip()
        if len(first) < 200 and not first.endswith((".", '"', "\u201d")):
            title = first
        page_chars = 0
    text = text.strip() + "\n"
    if len(text.split()) < MIN_WORDS:
        raise UsageError(f"{name}: only {len(text.split())} words of text: not an article")
    line = find_dateline(text)
    page = Page(path, text, title, outlet or site or (line.agency if line else None), author,
                address or url, None, None, None, None, line, page_chars)
    _publication(page, published, meta_date)
    _warn_if_cut(page)
    return page
