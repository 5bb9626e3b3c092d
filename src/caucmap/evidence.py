"""Load the sources, catalogue and gazetteer, and verify every link and excerpt.

    >>> from caucmap.evidence import load_evidence
    >>> ev = load_evidence()            # the project's own data
    >>> ev.events[0].citations[0].excerpt in ev.texts[...]  # checked on load

A failure raises :class:`~caucmap.errors.EvidenceError` listing every problem with
its file, line, entry id and field. Every file is read through :mod:`caucmap.safeio`:
regular files inside the root only, size-bounded, YAML with alias and depth limits and
dates kept as text, so an impossible date is a field error rather than a parser crash.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from caucmap.errors import EvidenceError, Problem
from caucmap.geodata import region_ids
from caucmap.models import (
    Actor,
    Citation,
    DateBasis,
    Dated,
    DatePrecision,
    Event,
    Evidenced,
    Place,
    Recognition,
    Source,
    WarFeature,
)
from caucmap.naming import Localiser, Naming
from caucmap.safeio import (
    LineDict,
    UnsafeFileError,
    load_yaml,
    read_text,
)
from caucmap.settings import project_root
from caucmap.support import check_support
from caucmap.textmatch import describe_mismatch, locate, normalise
from caucmap.weekdays import contradictions

M = TypeVar("M", bound=BaseModel)


@dataclass
class _Collector:
    """Accumulates problems while parsing, so one run reports them all."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    # (what, id) of a record that failed -> index of the problem saying why
    causes: dict[tuple[str, str], int] = field(default_factory=dict)
    # index of a cause -> how many later problems followed from it and were not listed
    followers: dict[int, int] = field(default_factory=dict)
    # each file's raw entries, as read: what sources.yaml registers even where invalid
    raw: dict[Path, list[Any]] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, path: Path, message: str, *, line: int | None = None,
            entry: str | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(self.rel(path), line, entry, field, message))

    def cause(self, what: str, ident: str) -> None:
        """The problem just added makes record ``ident`` unusable: later ones follow from it."""
        self.causes.setdefault((what, ident), len(self.problems) - 1)

    def follows(self, what: str, ident: str) -> bool:
        """True (and counted) if a problem about ``ident`` follows from one already listed."""
        at = self.causes.get((what, ident))
        if at is None:
            return False
        self.followers[at] = self.followers.get(at, 0) + 1
        return True

    def report(self) -> list[Problem]:
        """The problems in the order found, first causes annotated with what followed."""
        out = list(self.problems)
        for at, count in self.followers.items():
            out[at] = replace(out[at], message=f"{out[at].message} ({count} later problem(s) "
                              "follow from this one and are not listed)")
        return out

    def read(self, path: Path, kind: str) -> str | None:
        """A file's text through :mod:`caucmap.safeio`, or None with a problem added.

        A catalogue folder given apart from the root (benchmarks) is its own root.
        """
        inside = path.is_relative_to(self.root)
        try:
            return read_text(path, root=self.root if inside else path.parent, kind=kind)
        except UnsafeFileError as exc:
            self.add(path, exc.reason, line=exc.line)
            return None

    def read_list(self, path: Path, key: str, kind: str) -> list[Any]:
        """The list under ``key`` in a YAML file (or a JSON Lines file's records)."""
        text = self.read(path, kind)
        if text is None:
            return []
        if path.suffix == ".jsonl":
            return self._jsonl_records(path, text)
        try:
            data = load_yaml(text, name=self.rel(path))
        except UnsafeFileError as exc:
            self.add(path, exc.reason, line=exc.line)
            return []
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            self.add(path, f"expected a mapping with a list under '{key}'",
                     line=getattr(data, "line", None))
            return []
        self.raw[path] = data[key]
        return data[key]

    def _jsonl_records(self, path: Path, text: str) -> list[Any]:
        """One JSON object a line: bulk imports, parsed ~20x faster than YAML.

        Split on newlines only: a JSON string may hold U+2028, which ``splitlines``
        would take for a line break.
        """
        records: list[Any] = []
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line, object_hook=LineDict)
            except json.JSONDecodeError as exc:
                self.add(path, f"not valid JSON: {exc.msg}", line=number)
                continue
            except RecursionError:
                self.add(path, "not valid JSON: nested too deeply", line=number)
                continue
            if not isinstance(record, dict):
                self.add(path, "expected one JSON object a line", line=number)
                continue
            record.line = number
            records.append(record)
        return records

    def parse(self, path: Path, key: str, model: type[M], size: str = "catalogue"
              ) -> list[tuple[M, int]]:
        """Validate each entry of a YAML list into ``model``; keep (record, line).

        ``size`` is the safeio kind whose size limit applies to the file.
        """
        out: list[tuple[M, int]] = []
        seen: set[str] = set()
        for i, raw in enumerate(self.read_list(path, key, size)):
            line = getattr(raw, "line", None)
            entry = _entry_name(raw, i)
            try:
                record = model.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    self.add(path, err["msg"], line=line, entry=entry,
                             field=_field_path(err["loc"]) or None)
                    self.cause(model.__name__, entry)
                continue
            record_id = getattr(record, "id", entry)
            if record_id in seen:
                self.add(path, "duplicate id", line=line, entry=record_id, field="id")
                continue
            seen.add(record_id)
            out.append((record, line or 0))
        return out


def _entry_name(raw: Any, index: int) -> str:
    """The entry's id if it is a plain string; never ``str()`` of an arbitrary value."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(raw_id, str) and 0 < len(raw_id) <= 200:
        return raw_id
    return f"#{index + 1}"


def _field_path(loc: Iterable[str | int]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


@dataclass(frozen=True, eq=False)
class Evidence:
    """The verified evidence base: everything the layers and the UI read.

    Compared and hashed by identity, so caches can key on it.
    """

    root: Path
    sources: dict[str, Source]
    texts: dict[str, str]
    places: dict[str, Place]
    actors: dict[str, Actor]
    events: tuple[Event, ...]
    recognitions: tuple[Recognition, ...]
    war: tuple[WarFeature, ...]

    def localise(self, text: str, naming: Naming) -> str:
        """Our own words with every place name in ``naming``; never used on excerpts."""
        return _localiser(self, naming)(text)

    def event(self, event_id: str) -> Event | None:
        record = _records_by_id(self).get(event_id)
        return record if isinstance(record, Event) else None

    def record(self, record_id: str) -> Event | WarFeature | None:
        """An event or a 2008 war feature: what a click on a map marker selects."""
        return _records_by_id(self).get(record_id)

    def record_ids(self) -> Container[str]:
        return _records_by_id(self).keys()

    def citation_count(self) -> int:
        records: list[Evidenced] = [*self.events, *self.recognitions, *self.war]
        records += [role for actor in self.actors.values() for role in actor.roles]
        return sum(len(r.all_citations()) for r in records)

    def events_citing(self, source_id: str) -> list[Event]:
        return _citing_index(self).get(source_id, [])


@lru_cache(maxsize=4)
def _records_by_id(evidence: Evidence) -> dict[str, Event | WarFeature]:
    """Id -> event or war feature, built once: lookups on every rerun stay O(1)."""
    return {**{w.id: w for w in evidence.war}, **{e.id: e for e in evidence.events}}


@lru_cache(maxsize=4)
def _citing_index(evidence: Evidence) -> dict[str, list[Event]]:
    """Source id -> events citing it, built once per evidence base."""
    index: dict[str, list[Event]] = {}
    for event in evidence.events:
        for source in dict.fromkeys(c.source for c in event.all_citations()):
            index.setdefault(source, []).append(event)
    return index


@lru_cache(maxsize=16)
def _localiser(evidence: Evidence, naming: Naming) -> Localiser:
    return Localiser(evidence.places.values(), naming)


def _check_citations(col: _Collector, path: Path, line: int, entry: str, prefix: str,
                     record: Evidenced, texts: dict[str, str]) -> None:
    """Every excerpt must occur in its source; claims are checked like citations."""
    groups: list[tuple[str, list[Citation]]] = [
        ("citations", record.citations),
        ("claims", [c.as_citation() for c in record.claims]),
    ]
    for name, items in groups:
        for i, cit in enumerate(items):
            where = f"{prefix}{name}[{i}]"
            if cit.source not in texts:
                if not col.follows("Source", cit.source):
                    col.add(path, f"unknown source id '{cit.source}': {_add_hint(Source)}",
                            line=line, entry=entry, field=f"{where}.source")
            elif locate(texts[cit.source], cit.excerpt) is None:
                col.add(path, f"excerpt not found verbatim in source '{cit.source}': "
                        f"{describe_mismatch(texts[cit.source], cit.excerpt)}", line=line,
                        entry=entry, field=f"{where}.excerpt")


#: where a missing record of each kind is added
_HOME = {Place: "geodata/gazetteer.yaml", Actor: "catalogue/actors.yaml",
         Source: "seeds/sources.yaml"}


def _required(model: type[BaseModel]) -> str:
    """The fields a new record must have, nested ones in braces: 'names{georgian,...}'."""
    parts = []
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        sub = info.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            name += "{" + ",".join(n for n, i in sub.model_fields.items() if i.is_required()) + "}"
        parts.append(name)
    return ", ".join(parts)


@cache
def _add_hint(model: type[BaseModel]) -> str:
    return f"add it to {_HOME[model]} with {_required(model)}"


def _unknown(col: _Collector, model: type[BaseModel], ref: str, known: Iterable[str]) -> str | None:
    """The message for an unknown id, or None if it follows from a problem already listed."""
    if col.follows(model.__name__, ref):
        return None
    close = difflib.get_close_matches(ref, list(known), n=1)
    maybe = f"did you mean '{close[0]}'? else " if close else ""
    return f"unknown {model.__name__.lower()} id '{ref}': {maybe}{_add_hint(model)}"


def _check_ids(col: _Collector, path: Path, line: int, entry: str, field_name: str,
               ids: Iterable[str], known: Mapping[str, object], model: type[BaseModel]) -> None:
    for i, ref in enumerate(ids):
        if ref not in known and (message := _unknown(col, model, ref, known)):
            col.add(path, message, line=line, entry=entry, field=f"{field_name}[{i}]")


def _region_ids(col: _Collector) -> set[str] | None:
    """The regions a place's ``polygon`` may name; None (with a problem) if unreadable."""
    try:
        return region_ids(col.root)
    except UnsafeFileError as exc:
        col.add(col.root / exc.name, exc.reason, line=exc.line)
        return None


def _read_texts(col: _Collector, seeds: Path, sources: list[tuple[Source, int]]
                ) -> tuple[dict[str, Source], dict[str, str]]:
    """Read each source's text; a source whose file cannot be read is dropped with a problem."""
    kept: dict[str, Source] = {}
    texts: dict[str, str] = {}
    for source, line in sources:
        try:
            texts[source.id] = read_text(seeds / source.file, root=col.root, kind="seed")
        except UnsafeFileError as exc:
            col.add(seeds / "sources.yaml", f"cannot read {exc}", line=line, entry=source.id,
                    field="file")
            col.cause("Source", source.id)
            continue
        kept[source.id] = source
    return kept, texts


def _verify(col: _Collector, evidence: Evidence, lines: dict[str, tuple[Path, int]]) -> None:
    """Cross-record checks: ids resolve, excerpts occur, spellings are real."""
    places, texts = evidence.places, evidence.texts
    regions = _region_ids(col)
    for place in places.values():
        path, line = lines[f"place:{place.id}"]
        if place.polygon and regions is not None and place.polygon not in regions:
            col.add(path, f"unknown region polygon '{place.polygon}'", line=line,
                    entry=place.id, field="polygon")
    for source in evidence.sources.values():
        path, line = lines[f"source:{source.id}"]
        if source.dateline:
            _check_ids(col, path, line, source.id, "dateline", [source.dateline], places, Place)
    corpus = normalise("\n".join(texts.values()))
    # a spelling may be missing only because a source's text could not be read
    unread = next((ident for what, ident in col.causes if what == "Source"), None)
    for actor in evidence.actors.values():
        path, line = lines[f"actor:{actor.id}"]
        for i, spelling in enumerate(actor.spellings):
            if normalise(spelling) not in corpus and not (unread and col.follows("Source",
                                                                                  unread)):
                col.add(path, f"spelling {spelling!r} occurs in no source", line=line,
                        entry=actor.id, field=f"spellings[{i}]")
        for r, role in enumerate(actor.roles):
            _check_citations(col, path, line, actor.id, f"roles[{r}].", role, texts)
    for event in evidence.events:
        path, line = lines[f"event:{event.id}"]
        _check_ids(col, path, line, event.id, "places", [p.id for p in event.places], places,
                   Place)
        _check_ids(col, path, line, event.id, "actors", event.actors, evidence.actors, Actor)
        for i, claim in enumerate(event.claims):
            if claim.about == "place" and claim.value not in places and (
                    message := _unknown(col, Place, claim.value, places)):
                col.add(path, message, line=line, entry=event.id, field=f"claims[{i}].value")
    war_ids = set()
    for feature in evidence.war:
        path, line = lines[f"war:{feature.id}"]
        war_ids.add(feature.id)
        _check_ids(col, path, line, feature.id, "geometry", feature.geometry.place_ids(), places,
                   Place)
    records: list[tuple[str, Evidenced]] = [
        *((f"event:{e.id}", e) for e in evidence.events),
        *((f"recognition:{r.id}", r) for r in evidence.recognitions),
        *((f"war:{w.id}", w) for w in evidence.war),
    ]
    for key, record in records:
        path, line = lines[key]
        entry = key.split(":", 1)[1]
        _check_citations(col, path, line, entry, "", record, texts)
        if not record.citations and not record.references and not record.claims:
            col.add(path, "needs at least one citation or reference", line=line, entry=entry,
                    field="citations")
    dated: list[tuple[str, str, Dated]] = [
        (key, "", record) for key, record in records if isinstance(record, Dated)]
    dated += [(f"actor:{a.id}", f"roles[{r}].", role) for a in evidence.actors.values()
              for r, role in enumerate(a.roles)]
    for key, prefix, record in dated:
        path, line = lines[key]
        _check_date_note(col, path, line, key.split(":", 1)[1], prefix, record)
    col.problems.extend(check_support(evidence, lines))  # excerpts back what they are cited for


def _check_date_note(col: _Collector, path: Path, line: int, entry: str, prefix: str,
                     record: Dated) -> None:
    """A date resolved from "Tuesday" needs its note; a note's weekdays must fit its dates."""
    if record.date_basis is DateBasis.RELATIVE and not (record.date_note or "").strip():
        col.add(path, "a relative date needs a date_note saying how it was resolved (e.g. "
                "\"'Tuesday' in Sputnik of Wed 18 Mar 2015\")", line=line, entry=entry,
                field=f"{prefix}date_note")
    if record.date_note:
        day = record.start if record.date_precision is DatePrecision.DAY else None
        for wrong in contradictions(record.date_note, day):
            col.add(path, f"weekday contradicts the date: {wrong}", line=line, entry=entry,
                    field=f"{prefix}date_note")


def _check_registered(col: _Collector, seeds: Path) -> None:
    """Every file in seeds/ is some source's text: a stray seed is a forgotten entry."""
    index = seeds / "sources.yaml"
    if index not in col.raw:
        return  # sources.yaml itself is unreadable: its problem says enough
    registered = {raw.get("file") for raw in col.raw[index] if isinstance(raw, dict)}
    try:
        names = sorted(entry.name for entry in os.scandir(seeds))
    except OSError:
        return
    for name in names:
        if name == index.name or name.startswith(".") or name in registered:
            continue
        col.add(seeds / name, f"registered in no entry of seeds/sources.yaml: "
                f"{_add_hint(Source)}, or remove the file")


def _events_file(col: _Collector, cat: Path) -> Path:
    """``events.yaml`` (curated), or ``events.jsonl`` for bulk imports; not both."""
    yaml_file, jsonl_file = cat / "events.yaml", cat / "events.jsonl"
    if yaml_file.exists() and jsonl_file.exists():
        col.add(jsonl_file, "both events.yaml and events.jsonl exist; keep one")
    return jsonl_file if jsonl_file.exists() and not yaml_file.exists() else yaml_file


def load_evidence(root: Path | None = None, *, catalogue: Path | None = None) -> Evidence:
    """Load and verify everything under ``root``; raise EvidenceError listing all problems.

    ``catalogue`` points at another catalogue folder (e.g. a generated one for
    benchmarks) while sources and gazetteer still come from ``root``.
    """
    root = project_root(root).resolve()
    cat = catalogue or root / "catalogue"
    col = _Collector(root)
    lines: dict[str, tuple[Path, int]] = {}

    def keep(kind: str, path: Path, parsed: list[tuple[M, int]]) -> list[M]:
        for record, line in parsed:
            lines[f"{kind}:{getattr(record, 'id', '')}"] = (path, line)
        return [record for record, _ in parsed]

    seeds = root / "seeds"
    parsed_sources = col.parse(seeds / "sources.yaml", "sources", Source, size="sources")
    keep("source", seeds / "sources.yaml", parsed_sources)
    _check_registered(col, seeds)
    sources, texts = _read_texts(col, seeds, parsed_sources)

    def parse(kind: str, path: Path, key: str, model: type[M], size: str = "catalogue"
              ) -> list[M]:
        return keep(kind, path, col.parse(path, key, model, size=size))

    gaz = root / "geodata" / "gazetteer.yaml"
    places = {p.id: p for p in parse("place", gaz, "places", Place, "gazetteer")}
    actors = {a.id: a for a in parse("actor", cat / "actors.yaml", "actors", Actor)}
    evidence = Evidence(
        root=root,
        sources=sources,
        texts=texts,
        places=places,
        actors=actors,
        events=tuple(parse("event", _events_file(col, cat), "events", Event)),
        recognitions=tuple(parse("recognition", cat / "recognitions.yaml", "recognitions",
                                 Recognition)),
        war=tuple(parse("war", cat / "war2008.yaml", "features", WarFeature)),
    )
    _verify(col, evidence, lines)
    if col.problems:
        raise EvidenceError(col.report())
    return evidence


@cache
def default_evidence() -> Evidence:
    """The project's own evidence base, loaded once per process."""
    return load_evidence()

