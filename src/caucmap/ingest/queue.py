"""The review queue: candidates wait in ``review/queue.json`` until a person decides.

    >>> with project_lock(root):
    ...     enqueue(root, candidates)
    >>> accept(root, "agenda-2015-03-18-s004", {"title": "Treaty signed in Moscow"})
    Accepted(event='treaty-signing-moscow-2015-03-18', files=[...])

Accepting writes the catalogue (``catalogue/events.yaml``, and ``actors.yaml`` /
``geodata/gazetteer.yaml`` for a proposed person or place) through round-trip YAML, so
comments and order stay; the new files are first verified by the same loader as
everything else, in a copy of the project, and on any problem nothing is written.
Every change to the queue or the catalogue happens under one lock file
(``review/.lock``), so two reviewers accepting at once both land, one after the other.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from caucmap.atomic import write_atomic
from caucmap.categories import CAMEO
from caucmap.errors import EvidenceError, UsageError
from caucmap.evidence import Evidence, load_evidence
from caucmap.ingest.candidates import Candidate
from caucmap.ingest.yamledit import RoundTrip
from caucmap.models import Category, DateBasis, DatePrecision
from caucmap.naming import all_names
from caucmap.safeio import load_json, read_text

QUEUE = Path("review") / "queue.json"
LOCK = Path("review") / ".lock"
EVENTS = Path("catalogue") / "events.yaml"
ACTORS = Path("catalogue") / "actors.yaml"
GAZETTEER = Path("geodata") / "gazetteer.yaml"
EDITABLE = ("title", "summary", "category", "start", "end", "date_precision", "date_basis",
            "date_note", "places", "actors", "matches", "id")


@dataclass(frozen=True)
class Accepted:
    event: str
    relation: str
    files: list[Path]


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """One writer at a time for the queue, seeds and catalogue of ``root``."""
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_queue(root: Path) -> list[dict[str, Any]]:
    path = root / QUEUE
    if not path.exists():
        return []
    doc = load_json(read_text(path, root=root, kind="queue"), name=str(QUEUE))
    items = doc.get("candidates") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise UsageError(f"{QUEUE}: expected {{\"candidates\": [...]}}")
    return items


def save_queue(root: Path, items: list[dict[str, Any]]) -> Path:
    text = json.dumps({"candidates": items}, ensure_ascii=False, indent=1) + "\n"
    return write_atomic(root / QUEUE, text, overwrite=True)


def enqueue(root: Path, candidates: list[Candidate], extra: dict[str, Any]) -> None:
    """Add candidates (call under :func:`project_lock`); an id already queued is kept."""
    items = load_queue(root)
    known = {i.get("id") for i in items}
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    items += [{**c.as_dict(), **extra, "queued": stamp} for c in candidates
              if c.id not in known]
    save_queue(root, items)


def pending(root: Path) -> list[dict[str, Any]]:
    return [i for i in load_queue(root) if i.get("status") == "pending"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "x"


def _unique(base: str, taken: set[str]) -> str:
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _keys(value: str, known: Iterable[str]) -> list[str]:
    """The ids or names in a comma-separated ``--set`` value, a known name whole even when
    it holds a comma itself (a proposed "Washington, D.C.")."""
    parts = [v.strip() for v in value.split(",")]
    whole = {re.sub(r"\s*,\s*", ",", k): k for k in known}
    out, i = [], 0
    while i < len(parts):
        j = next((j for j in range(len(parts), i + 1, -1) if ",".join(parts[i:j]) in whole),
                 i + 1)
        out.append(whole.get(",".join(parts[i:j]), parts[i]))
        i = j
    return [k for k in out if k]


def _apply(item: dict[str, Any], changes: dict[str, str]) -> dict[str, Any]:
    """The reviewer's ``--set field=value`` edits, checked field by field."""
    out = dict(item)
    for key, value in changes.items():
        if key not in EDITABLE:
            raise UsageError(f"--set {key}: not an editable field (one of {', '.join(EDITABLE)})")
        if key in ("places", "actors"):
            current = {(i.get("id") or i.get("name")): i for i in item[key]}
            ids = _keys(value, current)
            out[key] = [current.get(i, {"id": i}) for i in ids]
        elif key in ("start", "end"):
            try:
                out[key] = date.fromisoformat(value).isoformat()
            except ValueError:
                raise UsageError(f"--set {key}: not a date in YYYY-MM-DD form: {value!r}") from None
        elif key == "category":
            if value not in {c.value for c in Category}:
                raise UsageError(f"--set category: unknown category {value!r}")
            out[key], out["cameo"] = value, CAMEO[Category(value)]
        elif key == "date_precision" and value not in {p.value for p in DatePrecision}:
            raise UsageError(f"--set date_precision: unknown precision {value!r}")
        elif key == "date_basis" and value not in {b.value for b in DateBasis}:
            raise UsageError(f"--set date_basis: unknown basis {value!r}")
        elif key == "id":
            out["event_id"] = value
        elif key == "matches":
            out[key] = None if value.lower() in ("", "none", "null") else value
            out["relation"] = "corroborates" if out[key] else "new"
        else:
            out[key] = value
    return out


class _Edit:
    """The catalogue files being changed by one accept, and the ids they hold."""

    def __init__(self, root: Path, evidence: Evidence) -> None:
        self.root, self.evidence = root, evidence
        self.events = RoundTrip(root, EVENTS, "catalogue")
        self.touched: set[str] = set()
        self.names: dict[str, str] = {}  # display names of what this accept adds

    @cached_property
    def actors(self) -> RoundTrip:
        """Loaded only when an accept adds a person or a spelling: round trips are slow."""
        return RoundTrip(self.root, ACTORS, "catalogue")

    @cached_property
    def gazetteer(self) -> RoundTrip:
        return RoundTrip(self.root, GAZETTEER, "gazetteer")

    def place_id(self, place: dict[str, Any]) -> str:
        """The gazetteer id of a place, adding a proposed one or a new spelling."""
        text = place.get("text", "")
        if place.get("id"):
            known = self.evidence.places.get(place["id"])
            names = set(all_names(known)) if known else set()
            if known and text and not place.get("inherited") and text not in names:
                entry = self.gazetteer.find("places", known.id)
                entry["variants"].append(text) if "variants" in entry else entry.update(
                    variants=[text])
                self.touched.add("gazetteer")
            return place["id"]
        name = place["name"]
        new_id = _unique(_slug(name), set(self.evidence.places))
        entry = {
            "id": new_id, "kind": "capital" if place.get("kind") == "capital" else "city",
            "lon": place["lon"], "lat": place["lat"],
            "names": {"georgian": name, "russian": name, "english": name},
            "variants": sorted({name, text} - {""}),
            "coordinates_from": ({"natural_earth_geonameid": place["geonameid"]}
                                 if place.get("geonameid") else {"natural_earth_name": name}),
        }
        self.gazetteer.append("places", entry)
        self.touched.add("gazetteer")
        self.names[new_id] = name
        return new_id

    def actor_id(self, actor: dict[str, Any]) -> str:
        """The catalogue id of an actor, adding a proposed person or a new spelling."""
        text = actor.get("text", "")
        if actor.get("id"):
            known = self.evidence.actors.get(actor["id"])
            if known and text and text not in known.spellings:
                self.actors.find("actors", known.id)["spellings"].append(text)
                self.touched.add("actors")
            return actor["id"]
        new_id = _unique(_slug(actor["name"]), set(self.evidence.actors))
        entry: dict[str, Any] = {"id": new_id, "name": actor["name"],
                                 "kind": actor.get("kind", "person"),
                                 "spellings": sorted({actor["name"], text} - {""})}
        if actor.get("role"):
            entry["note"] = f"Introduced as '{actor['role']}' in the source that named them."
        self.actors.append("actors", entry)
        self.touched.add("actors")
        self.names[new_id] = actor["name"]
        return new_id

    def texts(self) -> dict[Path, str]:
        out = {EVENTS: self.events.text()}
        if "actors" in self.touched:
            out[ACTORS] = self.actors.text()
        if "gazetteer" in self.touched:
            out[GAZETTEER] = self.gazetteer.text()
        return out


def _citations(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidate's sentence (and its repeats) as citations saying what they support."""
    first = {"source": item["source"], "excerpt": item["excerpt"],
             "supports": [s for s in item["supports"] if s != "category"] + ["category"]}
    more = [{"source": item["source"], "excerpt": text, "supports": ["category"]}
            for text in item.get("also", [])]
    inherited = [p for p in item["places"] if p.get("inherited") and p.get("excerpt")]
    dateline = [{"source": item["source"], "excerpt": p["excerpt"], "supports": ["place"]}
                for p in inherited[:1]]
    return [first, *more, *dateline]


def _references(item: dict[str, Any]) -> list[dict[str, Any]]:
    """An inferred date rests on the article's own publication date: say so as a reference."""
    if item["date_basis"] != DateBasis.INFERRED.value or not item.get("address"):
        return []
    outlet, published = item.get("outlet", item["source"]), item.get("published", item["start"])
    return [{"address": item["address"], "title": f"{outlet}, published {published}",
             "supports": ["date"]}]


def _label(category: str) -> str:
    return category.replace("_", " ").capitalize()


def _new_event(item: dict[str, Any], edit: _Edit, places: list[str], actors: list[str]
               ) -> dict[str, Any]:
    ev = edit.evidence
    names = [ev.actors[a].name if a in ev.actors else edit.names.get(a, a) for a in actors]
    where = [ev.places[p].names.english if p in ev.places else edit.names.get(p, p)
             for p in places]
    title = item.get("title") or " ".join(filter(None, [
        _label(item["category"]) + ":", " and ".join(names[:3]) or None,
        f"({', '.join(where[:2])})" if where else None]))
    summary = item.get("summary") or (
        f"{_label(item['category'])} reported by {item.get('outlet', item['source'])}"
        + (f" in {', '.join(where)}" if where else "")
        + (f", involving {', '.join(names)}" if names else "") + ".")
    taken = {e.id for e in ev.events} | {str(e.get("id")) for e in edit.events.entries("events")}
    base = item.get("event_id") or _slug(
        f"{item['category']}-{(places or actors or ['event'])[0]}-{item['start']}")
    entry: dict[str, Any] = {
        "id": _unique(base, taken), "title": title, "summary": summary,
        "category": item["category"], "cameo": item.get("cameo"),
        "start": date.fromisoformat(item["start"]), "end": date.fromisoformat(item["end"]),
        "date_precision": item["date_precision"], "date_basis": item["date_basis"],
        "date_note": item.get("date_note"),
        "places": [{"id": p, "precision": _precision(item, p)} for p in places],
        "actors": actors, "layers": ["events"], "citations": _citations(item),
    }
    refs = _references(item)
    if refs:
        entry["references"] = refs
    return {k: v for k, v in entry.items() if v not in (None, [])} | {"actors": actors}


def _precision(item: dict[str, Any], place_id: str) -> str:
    for p in item["places"]:
        if p.get("id") == place_id:
            return p.get("precision", "exact")
    return "exact"


def _verify(root: Path, texts: dict[Path, str]) -> None:
    """Load the project with ``texts`` in place, in a temporary copy; raise on any problem."""
    with tempfile.TemporaryDirectory(prefix="caucmap-accept-") as tmp:
        copy = Path(tmp)
        for folder in ("seeds", "catalogue"):
            shutil.copytree(root / folder, copy / folder, symlinks=True)
        (copy / "geodata").mkdir()
        for name in ("gazetteer.yaml", "regions.geojson"):
            if (root / "geodata" / name).exists():
                shutil.copy2(root / "geodata" / name, copy / "geodata" / name)
        for rel, text in texts.items():
            (copy / rel).write_text(text, encoding="utf-8")
        load_evidence(copy)


def accept(root: Path, candidate_id: str, changes: dict[str, str] | None = None) -> Accepted:
    """Put a candidate into the catalogue, verified; on any problem write nothing."""
    with project_lock(root):
        items = load_queue(root)
        index = next((i for i, c in enumerate(items) if c.get("id") == candidate_id), None)
        if index is None:
            raise UsageError(f"no candidate '{candidate_id}' in {QUEUE}")
        if items[index].get("status") != "pending":
            raise UsageError(f"candidate '{candidate_id}' is already {items[index]['status']}")
        item = _apply(items[index], changes or {})
        evidence = load_evidence(root)
        edit = _Edit(root, evidence)
        places = [edit.place_id(p) for p in item["places"]]
        actors = list(dict.fromkeys(edit.actor_id(a) for a in item["actors"]))
        if item.get("matches"):
            event_id = item["matches"]
            relation = item.get("relation", "corroborates")
            if evidence.event(event_id) is None:
                raise UsageError(f"--set matches: no event '{event_id}' in the catalogue")
            for citation in _citations(item):
                edit.events.add_to("events", event_id, "citations", citation)
            for claim in item.get("claims", []):
                edit.events.add_to("events", event_id, "claims",
                                   {**claim, "supports": ["place"]})
        else:
            entry = _new_event(item, edit, places, actors)
            edit.events.append("events", entry)
            event_id, relation = entry["id"], "new"
        texts = edit.texts()
        try:
            _verify(root, texts)
        except EvidenceError as exc:
            raise UsageError(f"accepting '{candidate_id}' would break the catalogue; nothing "
                             f"was written:\n{exc}") from None
        written = [write_atomic(root / rel, text, overwrite=True) for rel, text in texts.items()]
        items[index] = {**items[index], "status": "accepted", "event": event_id,
                        "decided": datetime.now(UTC).isoformat(timespec="seconds")}
        save_queue(root, items)
        return Accepted(event_id, relation, written)


def reject(root: Path, candidate_id: str, why: str) -> None:
    if not why.strip():
        raise UsageError("reject needs --why: say why, for the next reviewer")
    with project_lock(root):
        items = load_queue(root)
        for item in items:
            if item.get("id") == candidate_id:
                if item.get("status") != "pending":
                    raise UsageError(f"candidate '{candidate_id}' is already {item['status']}")
                item.update(status="rejected", why=why.strip(),
                            decided=datetime.now(UTC).isoformat(timespec="seconds"))
                save_queue(root, items)
                return
    raise UsageError(f"no candidate '{candidate_id}' in {QUEUE}")
