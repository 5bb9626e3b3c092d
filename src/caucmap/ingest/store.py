"""Store an article as a seed: the text file and its entry in ``seeds/sources.yaml``.

    >>> plan = plan_seed(evidence, page)      # checks duplicates, names the file and id
    >>> write_seed(root, plan)                # O_EXCL text file + round-trip YAML edit

Seed files are named ``NNN_<hash>.txt``: ``NNN`` the next free three-digit number
(the order sources came in), ``<hash>`` the first 16 hex digits of the SHA-256 of the
text as stored, so a name says which text it holds. Source ids are
``<outlet>-<YYYY-MM-DD>`` (``-<YYYY-MM>`` when only the month is known), with ``-2``,
``-3`` ... when taken. An address or a text already in ``seeds/`` is refused, naming
the source that holds it.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from caucmap.errors import UsageError
from caucmap.evidence import Evidence
from caucmap.ingest.intake import Page
from caucmap.ingest.yamledit import RoundTrip
from caucmap.models import Source
from caucmap.textmatch import normalise

SOURCES = Path("seeds") / "sources.yaml"
LICENCE = "Rights reserved by the outlet ({outlet}); short excerpts are quoted as evidence only."


@dataclass(frozen=True)
class SeedPlan:
    """What ``caucmap add`` will write for one page, decided before anything is written."""

    source: Source
    text: str
    entry: dict[str, Any]


def _address_key(address: str) -> str:
    parts = urlsplit(address.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _slug(outlet: str) -> str:
    name = re.sub(r"^the\s+", "", outlet.strip(), flags=re.I)
    name = re.sub(r"\.(?:com|ge|ru|org|net|info|am|az|ua|eu|invalid)$", "", name, flags=re.I)
    return re.sub(r"[^a-z0-9]+", "", name.lower()) or "source"


def seed_file_name(seeds: Path, text: str) -> str:
    """``NNN_<sha256[:16]>.txt`` with the next free number."""
    numbers = [int(m.group(1)) for p in seeds.iterdir() if (m := re.match(r"(\d{3})_", p.name))]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{max(numbers, default=-1) + 1:03d}_{digest}.txt"


def find_duplicate(evidence: Evidence, page: Page) -> str | None:
    """The id of a source with the same address or the same text, if any."""
    if page.address:
        key = _address_key(page.address)
        for source in evidence.sources.values():
            if _address_key(source.address) == key:
                return source.id
    text = normalise(page.text)
    for source_id, existing in evidence.texts.items():
        known = normalise(existing)
        if text == known or (len(text) > 200 and (text in known or known in text)):
            return source_id
    return None


def plan_seed(evidence: Evidence, page: Page) -> SeedPlan:
    """The seed and sources.yaml entry for ``page``; UsageError if it cannot be stored."""
    name = str(page.path)
    duplicate = find_duplicate(evidence, page)
    if duplicate:
        raise UsageError(f"{name}: already in seeds/ as source '{duplicate}'")
    if not page.outlet:
        raise UsageError(f"{name}: no outlet found in the page; pass --outlet NAME")
    if not page.address:
        raise UsageError(f"{name}: no address found in the page; pass --address URL")
    if page.published is None:
        raise UsageError(f"{name}: no publication date in the page's metadata, address or "
                         "dateline; pass --published YYYY-MM-DD")
    stamp = (page.published.isoformat() if page.published_precision == "day"
             else page.published.isoformat()[:7 if page.published_precision == "month" else 4])
    base = f"{_slug(page.outlet)}-{stamp}"
    source_id, n = base, 1
    while source_id in evidence.sources:
        n += 1
        source_id = f"{base}-{n}"
    entry: dict[str, Any] = {
        "id": source_id,
        "file": seed_file_name(evidence.root / "seeds", page.text),
        "outlet": page.outlet,
        "title": page.title or f"[{page.text.split(chr(10), 1)[0][:100]}]",
        "address": page.address,
        "published": page.published,
        "published_precision": page.published_precision,
        "published_basis": page.published_basis,
        "published_note": page.published_note,
        "language": "en",
        "licence": LICENCE.format(outlet=page.outlet),
    }
    if page.author:
        entry["notes"] = f"By {page.author}. Added with caucmap add."
    try:
        source = Source.model_validate(entry)
    except ValueError as exc:
        raise UsageError(f"{name}: cannot register the source: {exc}") from None
    return SeedPlan(source, page.text, entry)


def write_seed(root: Path, plan: SeedPlan) -> Path:
    """Write the text (refusing to replace a file) and append the sources.yaml entry."""
    path = root / "seeds" / plan.source.file
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(plan.text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        doc = RoundTrip(root, SOURCES, "sources")
        doc.append("sources", plan.entry)
        doc.save()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
