"""The ``caucmap`` command: validate the evidence base, print layers, build geodata, export.

    $ caucmap validate
    $ caucmap layer events --from 2014-01-01 --to 2014-12-31 --format csv
    $ caucmap export --out briefing.png --view "from=2014-01-01&naming=georgian"
    $ caucmap add saved-page.html && caucmap review && caucmap accept CANDIDATE-ID
    $ caucmap show russia-abkhazia-treaty-signed --format markdown

Errors a user can fix are one line on stderr and exit status 2; a catalogue that
fails verification lists every problem and exits 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import NoReturn
from urllib.parse import parse_qs

from caucmap.errors import EvidenceError, UsageError
from caucmap.evidence import Evidence, load_evidence
from caucmap.freshness import stale
from caucmap.models import LayerName
from caucmap.naming import Naming
from caucmap.search import resolvers
from caucmap.settings import project_root
from caucmap.viewstate import (
    EARLIEST,
    FILTER_PARAMS,
    Filters,
    ViewState,
    Worldview,
    parse_iso_date,
    today,
)

LAYER_NAMES = [layer.value for layer in LayerName]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, no usage dump: scripts read it, people fix it."""
        self.exit(2, f"caucmap: error: {message}\n")


def _iso_date(raw: str) -> date:
    parsed = parse_iso_date(raw)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not a real date in YYYY-MM-DD form: {raw!r}")
    return parsed


def _view_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=_iso_date, help="first day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", type=_iso_date, help="last day (YYYY-MM-DD)")
    parser.add_argument("--worldview", choices=[w.value for w in Worldview])
    parser.add_argument("--naming", choices=[n.value for n in Naming])
    for name, what in (("category", "event category"), ("actor", "actor id or any spelling"),
                       ("place", "place id, any name, or a region"), ("outlet", "outlet name")):
        parser.add_argument(f"--{name}", action="append", default=[],
                            help=f"only events with this {what} (repeat or comma-separate)")
    parser.add_argument("--disputed", action="store_true", help="only events with disputes")
    parser.add_argument("--q", default=None, help="full-text search words")


def _filters(args: argparse.Namespace, ev: Evidence, base: Filters) -> Filters:
    """The filter options, each value resolved like a URL's; an unknown one is an error."""
    params = {name: ",".join(getattr(args, name)) for name in FILTER_PARAMS
              if getattr(args, name)}
    if args.disputed:
        params["disputed"] = "1"
    if args.q is not None:
        params["q"] = args.q
    if not params:
        return base
    parsed, notices = ViewState.from_query(params, resolve=resolvers(ev))
    if notices:
        raise UsageError(" ".join(re.sub(r"^Ignored URL parameter (\w+)=(.*?): (.*); using the "
                                         r"default\.$", r"--\1 \2: \3", n) for n in notices))
    return parsed.filters


def _view_from(args: argparse.Namespace, ev: Evidence, base: ViewState | None = None
               ) -> ViewState:
    view = base or ViewState()
    changes: dict[str, object] = {"filters": _filters(args, ev, view.filters)}
    if args.start:
        changes["start"] = args.start
    if args.end:
        changes["end"] = args.end
    if args.worldview:
        changes["worldview"] = Worldview(args.worldview)
    if args.naming:
        changes["naming"] = Naming(args.naming)
    view = view.with_(**changes)
    if view.start > view.end:
        raise UsageError(f"--from {view.start} is after --to {view.end}")
    return view


def _warn_stale(root: Path, end: date, layers: Iterable[str] = LAYER_NAMES) -> None:
    """A view ending after a layer was last checked against sources: say so on stderr."""
    for warning in stale(root, end, layers):
        print(f"caucmap: warning: {warning}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    ev = load_evidence(args.root)
    print(f"ok: {len(ev.sources)} sources, {len(ev.events)} events, {len(ev.war)} war features, "
          f"{len(ev.recognitions)} recognitions, {len(ev.actors)} actors, {len(ev.places)} places; "
          f"{ev.citation_count()} citations verified verbatim")
    _warn_stale(ev.root, today())  # the default view ends today
    return 0


def cmd_layer(args: argparse.Namespace) -> int:
    from caucmap import tables
    from caucmap.layers import REGISTRY

    spec = REGISTRY.get(args.name)
    if spec is None:
        raise UsageError(f"unknown layer {args.name!r}; one of {', '.join(REGISTRY)}")
    ev = load_evidence(args.root)
    view = _view_from(args, ev, ViewState(start=EARLIEST, end=today()))
    if args.at:  # a layer of states (recognition) shows the range's last day
        view = view.with_(end=args.at)
    layer = spec.data(ev, view)
    text = tables.to_csv(layer) if args.format == "csv" else tables.to_geojson(layer)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    _warn_stale(ev.root, view.end, [args.name])
    return 0


def cmd_build_geodata(args: argparse.Namespace) -> int:
    from caucmap.geobuild import build_geodata

    for path in build_geodata(args.raw, args.out, web_out=args.web_out, force=args.force):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from caucmap.animation import DEFAULT_DPI, animation_format, export_animation
    from caucmap.export import export_view

    animated = animation_format(args.out) is not None
    playback = {"step": args.step, "window": args.window, "fps": args.fps}
    if not animated and any(v is not None for v in playback.values()):
        used = ", ".join(f"--{k}" for k, v in playback.items() if v is not None)
        raise UsageError(f"{used}: only for animated exports (.gif, .mp4), not {args.out}")
    ev = load_evidence(args.root)
    base = ViewState()
    if args.view is not None:
        base, notices = ViewState.from_query(parse_qs(args.view.lstrip("?")),
                                             ev.record_ids(), resolve=resolvers(ev))
        if notices:
            raise UsageError(" ".join(notices))
    view = _view_from(args, ev, base)
    if animated:
        path = export_animation(ev, view, args.out, step=args.step or "month",
                                window=args.window or "fixed",
                                fps=2.0 if args.fps is None else args.fps,
                                size=args.size or "A5",
                                dpi=DEFAULT_DPI if args.dpi is None else args.dpi,
                                overwrite=args.force)
    else:
        path = export_view(ev, view, args.out, size=args.size or "A4",
                           dpi=300 if args.dpi is None else args.dpi, overwrite=args.force)
    print(f"wrote {path}")
    _warn_stale(ev.root, view.end, ["recognition"] if view.world else view.layers)
    return 0


def _root(args: argparse.Namespace) -> Path:
    return project_root(args.root).resolve()


def _candidate_line(c: dict) -> str:
    """One candidate in a line or two: what a reviewer reads before deciding."""
    when = c["start"] if c["start"] == c["end"] else f"{c['start']}..{c['end']}"
    where = ", ".join(p.get("id") or f"new:{p.get('name')}" for p in c["places"]) or "-"
    who = ", ".join(a.get("id") or f"new:{a.get('name')}" for a in c["actors"]) or "-"
    match = f"  [{c.get('relation')}: {c['matches']}]" if c.get("matches") else ""
    return (f"{c['id']}  {c['category']}  {when} ({c['date_precision']}, {c['date_basis']})"
            f"  places: {where}  actors: {who}{match}\n    \"{' '.join(c['excerpt'].split())}\"")


def cmd_add(args: argparse.Namespace) -> int:
    from caucmap.ingest.pipeline import add_page

    added = add_page(_root(args), args.page, outlet=args.outlet, address=args.address,
                     published=args.published)
    for warning in added.warnings:
        print(f"caucmap: warning: {args.page}: {warning}", file=sys.stderr)
    print(f"added source '{added.source}' as seeds/{added.seed.name}; "
          f"{len(added.candidates)} candidate(s) queued for review (caucmap review)")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    import json

    from caucmap.ingest.queue import load_queue

    items = [c for c in load_queue(_root(args)) if args.all or c.get("status") == "pending"]
    keys = ("id", "source", "excerpt", "start", "end", "date_precision", "date_basis",
            "date_note", "places", "actors", "category", "cameo", "matches", "relation",
            "claims", "supports", "also", "status")
    if args.format == "json":
        out = [{k: c.get(k) for k in keys} for c in items]
        print(json.dumps({"candidates": out}, ensure_ascii=False, indent=1))
        return 0
    if not items:
        print("no candidates waiting for review")
    for c in items:
        print(_candidate_line(c))
    return 0


def _changes(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--set {pair!r}: expected field=value")
        out[key.strip()] = value.strip()
    return out


def cmd_accept(args: argparse.Namespace) -> int:
    from caucmap.ingest.queue import accept

    done = accept(_root(args), args.id, _changes(args.set))
    verb = {"new": "added event", "corroborates": "added a citation to event",
            "disagrees": "added a citation and a claim to event"}[done.relation]
    print(f"accepted {args.id}: {verb} '{done.event}'")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    from caucmap.ingest.queue import reject

    reject(_root(args), args.id, args.why)
    print(f"rejected {args.id}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    import difflib
    import json

    from caucmap.records import build_card, card_json, card_markdown, card_text, footnotes

    ev = load_evidence(args.root)
    record = ev.record(args.id)
    if record is None:
        near = difflib.get_close_matches(args.id, list(ev.record_ids()), n=1)
        raise UsageError(f"no event or war feature {args.id!r}"
                         + (f"; did you mean {near[0]!r}?" if near else ""))
    card = build_card(ev, record, Naming(args.naming))
    notes = footnotes(card, args.accessed or today())
    if args.format == "json":
        print(json.dumps({"card": card_json(card), "footnotes": notes}, ensure_ascii=False,
                         indent=1))
    elif args.format == "markdown":
        print(card_markdown(card))
        print("\n".join(f"[^{n}]: {note}" for n, note in enumerate(notes, start=1)))
    else:
        print(card_text(card))
        print("\nFootnotes for a briefing (one per source, then references):")
        print("\n".join(f"{n}. {note}" for n, note in enumerate(notes, start=1)))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from caucmap.ingest.evaluate import evaluate, report_text

    result = evaluate(_root(args), args.set)
    print(json.dumps(result.overall(), indent=1) if args.format == "json" else report_text(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="caucmap", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder with seeds/, catalogue/, geodata/")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("validate", help="verify sources, catalogue, gazetteer; print counts")

    layer = sub.add_parser("layer", help="print one layer as GeoJSON or CSV")
    layer.add_argument("name", metavar="NAME",
                       help="a layer, e.g. events or recognition (an unknown name lists them)")
    _view_options(layer)
    layer.add_argument("--at", type=_iso_date,
                       help="as of this day: the range's last day, the day recognitions are "
                            "counted on (default: --to, else today)")
    layer.add_argument("--format", choices=["geojson", "csv"], default="geojson")

    build = sub.add_parser("build-geodata", help="rebuild geodata/ from the raw inputs")
    build.add_argument("--raw", type=Path, default=Path("../shared/geodata-raw"))
    build.add_argument("--out", type=Path, default=Path("geodata"))
    build.add_argument("--web-out", type=Path, default=Path("app/static/geodata"),
                       help="where the browser's copies go (served by the app)")
    build.add_argument("--force", action="store_true", help="replace existing files")

    export = sub.add_parser("export", help="export the view as PNG, SVG, PDF or HTML, or "
                                           "play it back as a GIF or MP4")
    export.add_argument("--out", type=Path, required=True,
                        help=".png, .svg, .pdf, .html; or .gif, .mp4 (animated)")
    export.add_argument("--view", help="an app URL's query string, e.g. 'from=2014-01-01'")
    _view_options(export)
    export.add_argument("--size", help="A4, A5, 16:9 or WxH in pixels (default: A4; A5 for "
                                       "an animation)")
    export.add_argument("--dpi", type=int,
                        help="dots per inch (default: 300; 120 for an animation)")
    export.add_argument("--step", choices=["week", "month", "year"],
                        help="animation: one frame per calendar week, month or year of the "
                             "range (default: month)")
    export.add_argument("--window", choices=["fixed", "growing"],
                        help="animation: each frame shows its step alone (fixed, default) or "
                             "everything from the range's start (growing)")
    export.add_argument("--fps", type=float, help="animation: frames a second (default: 2)")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    add = sub.add_parser("add", help="take in a saved page (HTML or text) and queue its events")
    add.add_argument("page", type=Path)
    add.add_argument("--address", help="the article's address, if the page lacks it")
    add.add_argument("--outlet", help="the outlet's name, if the page lacks it")
    add.add_argument("--published", type=_iso_date, help="publication date (YYYY-MM-DD)")

    review = sub.add_parser("review", help="list the candidates waiting for review")
    review.add_argument("--format", choices=["text", "json"], default="text")
    review.add_argument("--all", action="store_true", help="also accepted and rejected ones")

    accept = sub.add_parser("accept", help="put a candidate into the catalogue")
    accept.add_argument("id")
    accept.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="edit before accepting: title, summary, category, start, end, "
                             "date_precision, date_basis, date_note, places, actors (comma-"
                             "separated ids), matches (an event id, or none), id")

    reject = sub.add_parser("reject", help="drop a candidate, saying why")
    reject.add_argument("id")
    reject.add_argument("--why", required=True)

    show = sub.add_parser("show", help="the evidence card of an event or war feature, with "
                                       "footnotes ready to paste")
    show.add_argument("id")
    show.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    show.add_argument("--naming", choices=[n.value for n in Naming], default=Naming.ENGLISH.value)
    show.add_argument("--accessed", type=_iso_date,
                      help="the accessed date the footnotes give (default: today)")

    evaluate = sub.add_parser("eval", help="score extraction on the evaluation set")
    evaluate.add_argument("--set", type=Path, default=None,
                          help="folder with articles/ and gold/ (default: eval/)")
    evaluate.add_argument("--format", choices=["text", "json"], default="text")
    return parser


COMMANDS = {
    "validate": cmd_validate,
    "layer": cmd_layer,
    "build-geodata": cmd_build_geodata,
    "export": cmd_export,
    "add": cmd_add,
    "review": cmd_review,
    "accept": cmd_accept,
    "reject": cmd_reject,
    "show": cmd_show,
    "eval": cmd_eval,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except EvidenceError as exc:
        print(f"caucmap: {exc}", file=sys.stderr)
        return 1
    except (UsageError, OSError) as exc:  # a path that cannot be read or written, etc.
        print(f"caucmap: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
