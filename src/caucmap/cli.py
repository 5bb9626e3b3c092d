"""The ``caucmap`` command: validate the evidence base, print layers, build geodata, export.

    $ caucmap validate
    $ caucmap layer events --from 2014-01-01 --to 2014-12-31 --format csv
    $ caucmap export --out briefing.png --view "from=2014-01-01&naming=georgian"

Errors a user can fix are one line on stderr and exit status 2; a catalogue that
fails verification lists every problem and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn
from urllib.parse import parse_qs

from caucmap.errors import EvidenceError, UsageError
from caucmap.evidence import load_evidence
from caucmap.models import LayerName
from caucmap.naming import Naming
from caucmap.viewstate import EARLIEST, ViewState, Worldview, parse_iso_date, today

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


def _view_from(args: argparse.Namespace, base: ViewState | None = None) -> ViewState:
    view = base or ViewState()
    changes: dict[str, object] = {}
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


def cmd_validate(args: argparse.Namespace) -> int:
    ev = load_evidence(args.root)
    print(f"ok: {len(ev.sources)} sources, {len(ev.events)} events, {len(ev.war)} war features, "
          f"{len(ev.recognitions)} recognitions, {len(ev.actors)} actors, {len(ev.places)} places; "
          f"{ev.citation_count()} citations verified verbatim")
    return 0


def cmd_layer(args: argparse.Namespace) -> int:
    from caucmap import layers, tables

    ev = load_evidence(args.root)
    view = _view_from(args, ViewState(start=EARLIEST, end=today()))
    build = {
        "regions": lambda: layers.regions_layer(ev, view.worldview, view.naming),
        "borders": lambda: layers.borders_layer(ev, view.worldview, view.naming),
        "recognition": lambda: layers.world_layer(ev, args.at or view.end, view.naming),
        "war2008": lambda: layers.war_layer(ev, view),
        "events": lambda: layers.events_layer(ev, view),
    }
    layer = build[args.name]()
    text = tables.to_csv(layer) if args.format == "csv" else tables.to_geojson(layer)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_build_geodata(args: argparse.Namespace) -> int:
    from caucmap.geobuild import build_geodata

    for path in build_geodata(args.raw, args.out, web_out=args.web_out, force=args.force):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from caucmap.export import export_view

    ev = load_evidence(args.root)
    base = ViewState()
    if args.view is not None:
        base, notices = ViewState.from_query(parse_qs(args.view.lstrip("?")),
                                             ev.record_ids())
        if notices:
            raise UsageError(" ".join(notices))
    view = _view_from(args, base)
    path = export_view(ev, view, args.out, size=args.size, dpi=args.dpi, overwrite=args.force)
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="caucmap", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder with seeds/, catalogue/, geodata/")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("validate", help="verify sources, catalogue, gazetteer; print counts")

    layer = sub.add_parser("layer", help="print one layer as GeoJSON or CSV")
    layer.add_argument("name", choices=LAYER_NAMES)
    _view_options(layer)
    layer.add_argument("--at", type=_iso_date,
                       help="recognition as of this day (default: --to, else today)")
    layer.add_argument("--format", choices=["geojson", "csv"], default="geojson")

    build = sub.add_parser("build-geodata", help="rebuild geodata/ from the raw inputs")
    build.add_argument("--raw", type=Path, default=Path("../shared/geodata-raw"))
    build.add_argument("--out", type=Path, default=Path("geodata"))
    build.add_argument("--web-out", type=Path, default=Path("app/static/geodata"),
                       help="where the browser's copies go (served by the app)")
    build.add_argument("--force", action="store_true", help="replace existing files")

    export = sub.add_parser("export", help="export the view as PNG, SVG, PDF or HTML")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--view", help="an app URL's query string, e.g. 'from=2014-01-01'")
    _view_options(export)
    export.add_argument("--size", default="A4", help="A4, A5, 16:9 or WxH in pixels")
    export.add_argument("--dpi", type=int, default=300)
    export.add_argument("--force", action="store_true", help="replace an existing file")
    return parser


COMMANDS = {
    "validate": cmd_validate,
    "layer": cmd_layer,
    "build-geodata": cmd_build_geodata,
    "export": cmd_export,
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
