"""The records of the evidence base, as pydantic models.

The field reference with examples is ``docs/catalogue-format.md``. Models check
what one record can check on its own (formats, date precision rules); links between
records and excerpts against source texts are checked in :mod:`caucmap.evidence`.
"""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]


def _no_parent(name: str) -> str:
    if ".." in name:
        raise ValueError(f"{name!r} is not a plain name: '..' is not allowed")
    return name


# A name that cannot leave its folder: no separators, no leading dot, no "..".
PlainName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"), AfterValidator(_no_parent)
]
Address = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


class DateBasis(StrEnum):
    STATED = "stated"
    RELATIVE = "relative"
    INFERRED = "inferred"
    REFERENCE = "reference"


class LocationPrecision(StrEnum):
    EXACT = "exact"
    AREA = "area"
    REGION = "region"
    COUNTRY = "country"


class Category(StrEnum):
    TREATY_SIGNING = "treaty_signing"
    RATIFICATION = "ratification"
    RECOGNITION = "recognition"
    DIPLOMATIC_VISIT = "diplomatic_visit"
    DIPLOMATIC_MEETING = "diplomatic_meeting"
    STATEMENT = "statement"
    ANNOUNCEMENT = "announcement"
    PROTEST = "protest"
    LEGISLATIVE = "legislative"
    DIPLOMATIC_RUPTURE = "diplomatic_rupture"
    ARMED_CONFLICT = "armed_conflict"
    MILITARY_DEPLOYMENT = "military_deployment"
    DETENTION = "detention"  # detentions and releases along the boundary lines


class LayerName(StrEnum):
    REGIONS = "regions"
    BORDERS = "borders"
    RECOGNITION = "recognition"
    WAR2008 = "war2008"
    EVENTS = "events"
    CONTEXT = "context"


class Support(StrEnum):
    """What a piece of evidence backs; all but ``claim`` are checked against its words."""

    DATE = "date"
    PLACE = "place"
    ACTORS = "actors"
    CATEGORY = "category"
    CLAIM = "claim"  # the summary's content: not mechanically checkable


CHECKABLE = frozenset({Support.DATE, Support.PLACE, Support.ACTORS, Support.CATEGORY})
# earlier reference files wrote "fact" for what is now "claim"
_SUPPORT_ALIASES = {"fact": "claim", "actor": "actors"}


def _support_list(raw: object) -> object:
    """Accept ``[date, place]`` or the older ``"date, place"`` text; map old words."""
    items = [p.strip() for p in raw.split(",")] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        return raw
    return tuple(_SUPPORT_ALIASES.get(i, i) if isinstance(i, str) else i for i in items)


Supports = Annotated[tuple[Support, ...], BeforeValidator(_support_list)]


class Citation(Model):
    """A verbatim excerpt of a seed: what a source actually says, and what it backs."""

    source: PlainName
    excerpt: Text
    supports: Supports = ()


class Reference(Model):
    """A fact known from outside the seeds: an address, never a quote."""

    address: Address
    title: Text
    supports: Supports = (Support.CLAIM,)


class Claim(Model):
    """What one outlet says about a contested fact, with its own words.

    A place claim backs the place it names (checked); ``supports`` adds what else its
    excerpt backs (e.g. the date of a signing both outlets agree on).
    """

    about: Literal["place", "date", "title", "fact"]
    value: Text
    source: PlainName
    excerpt: Text
    supports: Supports = ()

    def as_citation(self) -> Citation:
        return Citation(source=self.source, excerpt=self.excerpt, supports=self.supports)


class Evidenced(Model):
    citations: list[Citation] = []
    references: list[Reference] = []
    claims: list[Claim] = []

    def all_citations(self) -> list[Citation]:
        """Citations plus the excerpts that back claims: everything to verify."""
        return self.citations + [c.as_citation() for c in self.claims]

    def disputes(self) -> dict[str, list[Claim]]:
        """Claims grouped by what they are about, where outlets give different values."""
        grouped: dict[str, list[Claim]] = {}
        for claim in self.claims:
            grouped.setdefault(claim.about, []).append(claim)
        return {k: v for k, v in grouped.items() if len({c.value for c in v}) > 1}


def check_precision(start: date, end: date, precision: DatePrecision) -> None:
    """Raise ValueError unless ``start``..``end`` is what ``precision`` says it is."""
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    if precision is DatePrecision.DAY and start != end:
        raise ValueError(f"day precision needs start == end, got {start}..{end}")
    if precision is DatePrecision.MONTH:
        last = calendar.monthrange(start.year, start.month)[1]
        if start.day != 1 or end != start.replace(day=last):
            raise ValueError(f"month precision needs a whole month, got {start}..{end}")
    if precision is DatePrecision.YEAR and (
        (start.month, start.day, end.month, end.day) != (1, 1, 12, 31) or start.year != end.year
    ):
        raise ValueError(f"year precision needs 1 Jan..31 Dec of one year, got {start}..{end}")
    if precision is DatePrecision.RANGE and start == end:
        raise ValueError("range precision needs start < end; use day for a single day")


class Dated(Model):
    start: date
    end: date
    date_precision: DatePrecision
    date_basis: DateBasis
    date_note: str | None = None

    @model_validator(mode="after")
    def _precision_fits(self) -> Dated:
        check_precision(self.start, self.end, self.date_precision)
        return self

    def overlaps(self, lo: date, hi: date) -> bool:
        return self.start <= hi and self.end >= lo


class Source(Model):
    id: PlainName
    file: PlainName
    outlet: Text
    title: Text
    address: Address
    published: date
    published_precision: Literal["day", "month", "year"]
    # where the date came from: the page's metadata, its address, its dateline, given
    # by whoever added it, or inferred from the text (explained in published_note)
    published_basis: Literal["metadata", "address", "dateline", "given", "inferred"] | None = None
    published_note: str | None = None
    display_date: date | None = None
    display_date_note: str | None = None
    dateline: Slug | None = None
    language: Text = "en"
    licence: Text
    notes: str | None = None


class Names(Model):
    georgian: Text
    russian: Text
    english: Text


class Place(Model):
    id: Slug
    kind: Literal[
        "capital", "city", "town", "village", "residence", "feature", "region", "country"
    ]
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    polygon: str | None = None
    names: Names
    variants: list[str] = []
    coordinates_from: dict[str, str | int]


class PlaceRef(Model):
    id: Slug
    precision: LocationPrecision


class Event(Dated, Evidenced):
    id: Slug
    title: Text
    summary: Text
    category: Category
    cameo: str | None = None
    places: list[PlaceRef]
    actors: list[Slug] = []
    layers: list[LayerName] = Field(min_length=1)


class Role(Dated, Evidenced):
    title: Text


class Actor(Model):
    id: Slug
    name: Text
    kind: Literal["person", "institution", "party", "state", "organisation"]
    spellings: list[Text] = Field(min_length=1)
    roles: list[Role] = []
    note: str | None = None


PublishedPrecision = Literal["day", "month", "year"]


class StatusClaim(Model):
    """One side's word on whether a state still recognises an entity, and who said it.

    Known from an outside reference (no seed reports these), so it carries its address.
    """

    says: Literal["recognised", "withdrawn"]
    by: Text  # our words: "Vanuatu's prime minister", "Abkhazia's de facto foreign minister"
    date: date
    date_precision: PublishedPrecision
    reference: Reference


class Dispute(Model):
    """A withdrawal one side announced and the other denied, from ``withdrawn`` on.

    While it lasts the state is counted as "disputed": neither in nor out.
    """

    until: date | None = None  # when it was settled; None while it is still open
    until_precision: PublishedPrecision | None = None
    claims: list[StatusClaim] = Field(min_length=2)

    @model_validator(mode="after")
    def _both_sides(self) -> Dispute:
        said = {c.says for c in self.claims}
        if said != {"recognised", "withdrawn"}:
            raise ValueError("a dispute needs claims on both sides (recognised and withdrawn)")
        if (self.until is None) != (self.until_precision is None):
            raise ValueError("until and until_precision go together")
        return self


RecognitionStatus = Literal["recognised", "disputed", "withdrawn"]


class Recognition(Evidenced):
    id: Slug
    state: Text
    iso_n3: Annotated[str, StringConstraints(pattern=r"^\d{3}$")]
    entity: Literal["ABK", "SOS"]
    since: date
    since_precision: PublishedPrecision
    withdrawn: date | None = None
    withdrawn_precision: PublishedPrecision | None = None
    disputed: Dispute | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _withdrawal_after(self) -> Recognition:
        if self.withdrawn is not None and self.withdrawn < self.since:
            raise ValueError(f"withdrawn {self.withdrawn} is before since {self.since}")
        if (self.withdrawn is None) != (self.withdrawn_precision is None):
            raise ValueError("withdrawn and withdrawn_precision go together")
        if self.disputed is not None:
            if self.withdrawn is None:
                raise ValueError("a disputed withdrawal needs the withdrawn date it disputes")
            if self.disputed.until is not None and self.disputed.until <= self.withdrawn:
                raise ValueError(f"disputed.until {self.disputed.until} is not after "
                                 f"withdrawn {self.withdrawn}")
        return self

    def active_on(self, day: date) -> bool:
        """Recognised on ``day`` beyond dispute (a disputed withdrawal does not count)."""
        return self.since <= day and (self.withdrawn is None or day < self.withdrawn)

    def status_on(self, day: date) -> RecognitionStatus | None:
        """Where the record stands on ``day``; None before it begins."""
        if day < self.since:
            return None
        if self.active_on(day):
            return "recognised"
        dispute = self.disputed
        if dispute is not None and (dispute.until is None or day < dispute.until):
            return "disputed"
        return "withdrawn"


class Zone(Model):
    around: Literal["ABK", "SOS"]
    depth_km: float = Field(gt=0, le=50)


class WarGeometry(Model):
    point: Slug | None = None
    line: list[Slug] | None = Field(default=None, min_length=2)
    zone: Zone | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> WarGeometry:
        given = [k for k in ("point", "line", "zone") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of point, line, zone (got {given or 'none'})")
        return self

    def place_ids(self) -> list[str]:
        return [self.point] if self.point else list(self.line or [])


class WarFeature(Dated, Evidenced):
    id: Slug
    title: Text
    summary: Text
    kind: Literal[
        "fighting", "movement", "bombardment", "occupation", "ceasefire", "buffer_zone",
        "withdrawal",
    ]
    geometry: WarGeometry
    location_precision: Literal["exact", "area", "region"]
