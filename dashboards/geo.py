"""The world map of the dashboards, drawn on the server from the vendored Natural Earth countries.

`static/vendor/countries-110m.json` is world-atlas's TopoJSON (copied from npm by
scripts/assets): country outlines keyed by ISO 3166-1 numeric code. It is decoded once
per process into SVG path data in the Equal Earth projection, keyed by alpha-2 code as
our `Country` rows are, so a page only picks a class per country: no JavaScript, no
tile server, nothing fetched.
"""
import functools
import itertools
import json
import math
from dataclasses import dataclass

import pycountry
from django.contrib.staticfiles import finders

TOPOJSON = "vendor/countries-110m.json"
# Map units across the whole width; paths are drawn in integer steps of these.
WIDTH = 1000
# The radius of a small country's dot, in map units (templates/dashboards/_map.html draws it).
DOT = 5
# Antarctica is left out: no project works there, and it would take a fifth of the height.
LEFT_OUT = {"010"}
# Countries too small for the 1:110m outlines, drawn as a dot: the centre of each one's largest
# polygon in world-atlas's countries-50m.json (the same package), and Tuvalu (Funafuti), which that lacks.
SMALL = {
    "AW": (-69.98, 12.52), "AI": (-63.07, 18.22), "AX": (19.94, 60.23), "AD": (1.56, 42.54), "AS": (-170.72, -14.3),
    "AG": (-61.79, 17.08), "BH": (50.54, 26.04), "BL": (-62.84, 17.9), "BM": (-64.76, 32.31), "BB": (-59.56, 13.18),
    "CK": (-159.79, -21.22), "KM": (43.34, -11.65), "CV": (-23.64, 15.08), "CW": (-68.97, 12.2), "KY": (-81.29, 19.32),
    "DM": (-61.36, 15.44), "FO": (-6.88, 62.17), "FM": (158.23, 6.89), "GG": (-2.57, 49.47), "GD": (-61.68, 12.12),
    "GU": (144.77, 13.44), "HK": (114.14, 22.44), "HM": (73.52, -53.09), "IM": (-4.54, 54.22), "IO": (72.45, -7.33),
    "JE": (-2.13, 49.22), "KI": (-157.37, 1.85), "KN": (-62.75, 17.33), "LC": (-60.97, 13.89), "LI": (9.54, 47.14),
    "MO": (113.51, 22.22), "MF": (-63.06, 18.09), "MC": (7.41, 43.75), "MV": (73.5, 4.2), "MH": (171.19, 7.11),
    "MT": (14.44, 35.89), "MP": (145.74, 15.18), "MS": (-62.19, 16.74), "MU": (57.57, -20.28), "NF": (167.95, -29.05),
    "NU": (-169.87, -19.05), "NR": (166.93, -0.52), "PN": (-128.32, -24.36), "PW": (134.58, 7.51),
    "PF": (-149.42, -17.66), "SG": (103.82, 1.36), "GS": (-36.69, -54.36), "SH": (-5.72, -15.96), "SM": (12.46, 43.94),
    "PM": (-56.33, 46.94), "ST": (6.61, 0.24), "SX": (-63.06, 18.05), "SC": (55.48, -4.66), "TC": (-71.74, 21.81),
    "TO": (-175.22, -21.17), "VA": (12.43, 41.9), "VC": (-61.2, 13.25), "VG": (-64.62, 18.42), "VI": (-64.77, 17.74),
    "WF": (-178.13, -14.29), "WS": (-172.44, -13.63), "TV": (179.19, -8.52),
}

# Equal Earth (Šavrič, Patterson and Jenny, 2018), as d3-geo's geoEqualEarth.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Projected x, y (y up) of a point in degrees; x spans about ±2.71, y about ±1.32."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


@dataclass(frozen=True)
class WorldMap:
    """Path data per alpha-2 code (`shapes`), dots for the small countries, and the unknown outlines."""

    width: int
    height: int
    shapes: dict[str, str]
    dots: dict[str, tuple[int, int]]
    unnamed: tuple[str, ...]  # outlines with no ISO 3166 code (Kosovo, N. Cyprus, Somaliland): drawn, never linked
    dot_radius: int = DOT


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The delta-encoded, quantised arcs of a TopoJSON topology as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _clip(ring: list[tuple[float, float]], edge: float, side: int) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the part of `ring` on one `side` (+1 east, -1 west) of the meridian `edge`."""

    def keep(lon):
        return (lon - edge) * side >= 0

    out = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if keep(current[0]) != keep(previous[0]):
            t = (edge - previous[0]) / (current[0] - previous[0])
            out.append((edge, previous[1] + t * (current[1] - previous[1])))
        if keep(current[0]):
            out.append(current)
    return out


def _split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses ±180° (Fiji, Chukotka) as the pieces on each side, so no edge runs across the map.

    The ring is unwrapped to run on continuously (170° … 190°), then cut at 180°; the piece beyond
    is moved back by 360°.
    """
    if all(abs(b[0] - a[0]) <= 180 for a, b in itertools.pairwise(ring)):
        return [ring]
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        lon += 360 * round((previous - lon) / 360)
        unwrapped.append((lon, lat))
    if max(lon for lon, _ in unwrapped) > 180:
        inside, beyond = _clip(unwrapped, 180.0, -1), _clip(unwrapped, 180.0, 1)
        beyond = [(lon - 360, lat) for lon, lat in beyond]
    else:
        inside, beyond = _clip(unwrapped, -180.0, 1), _clip(unwrapped, -180.0, -1)
        beyond = [(lon + 360, lat) for lon, lat in beyond]
    return [piece for piece in (inside, beyond) if len(piece) > 2]


def _path(rings, place) -> str:
    """SVG path data: each ring as a move, then relative integer steps (repeated points dropped)."""
    parts = []
    for ring in rings:
        first = last = None
        numbers: list[int] = []
        for lon, lat in ring:
            point = place(lon, lat)
            if first is None:
                first = point
            elif point != last:
                numbers += (point[0] - last[0], point[1] - last[1])
            last = point
        if len(numbers) >= 4:
            # "l" once, then the steps: a minus sign separates two numbers as well as a space does.
            steps = "".join(f"{n}" if n < 0 else f" {n}" for n in numbers)
            parts.append(f"M{first[0]} {first[1]}l{steps.lstrip()}z")
    return "".join(parts)


@functools.cache
def world_map() -> WorldMap:
    """The decoded, projected map (once per process: about 8,000 points, a few milliseconds)."""
    with open(finders.find(TOPOJSON), encoding="utf-8") as file:
        topology = json.load(file)
    arcs = _arcs(topology)
    geometries = [g for g in topology["objects"]["countries"]["geometries"] if g.get("id") not in LEFT_OUT]
    projected = [equal_earth(lon, lat) for g in geometries for p in _polygons(g) for r in p for lon, lat in _ring(arcs, r)]
    min_x, max_x = min(x for x, _ in projected), max(x for x, _ in projected)
    min_y, max_y = min(y for _, y in projected), max(y for _, y in projected)
    scale = (WIDTH - 4) / (max_x - min_x)

    def place(lon, lat):
        x, y = equal_earth(lon, lat)
        return round((x - min_x) * scale) + 2, round((max_y - y) * scale) + 2

    shapes, unnamed = {}, []
    for geometry in geometries:
        rings = [_ring(arcs, ring) for polygon in _polygons(geometry) for ring in polygon]
        path = _path([piece for ring in rings for piece in _split_at_antimeridian(ring)], place)
        country = pycountry.countries.get(numeric=geometry.get("id", "")) if geometry.get("id") else None
        if country is None:
            unnamed.append(path)
        else:
            shapes[country.alpha_2] = path
    height = round((max_y - min_y) * scale) + 4
    # A dot near the edge (Tuvalu, by the antimeridian) is kept whole inside the drawing.
    dots = {
        code: (min(max(x, DOT), WIDTH - DOT), min(max(y, DOT), height - DOT))
        for code, (x, y) in ((code, place(lon, lat)) for code, (lon, lat) in SMALL.items())
    }
    return WorldMap(width=WIDTH, height=height, shapes=shapes, dots=dots, unnamed=tuple(unnamed))


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


# Count classes of the choropleth: class 0 is "no project"; 1–4 split 1..max geometrically.
CLASSES = 4


def count_classes(top: int) -> list[tuple[int, int]]:
    """(low, high) project counts of classes 1.., for a largest count `top`: e.g. 1–6, 7–32, 33–178, 179–1000."""
    highs = sorted({max(1, round(top ** (i / CLASSES))) for i in range(1, CLASSES + 1)} | {top}) if top else []
    classes, low = [], 1
    for high in highs:
        if high >= low:
            classes.append((low, high))
            low = high + 1
    return classes


@dataclass(frozen=True)
class MapCountry:
    """One country with projects: its figures, its class, the link that filters by it, its outline or dot."""

    code: str
    name: str
    n: int
    css_class: int
    href: str
    path: str = ""
    dot: tuple[int, int] | None = None
    budget: object = None  # ConvertedTotal, when the page shows money
    disbursed: object = None


@dataclass(frozen=True)
class Choropleth:
    world: WorldMap
    countries: list[MapCountry]  # most projects first: the table's rows
    classes: list[tuple[int, int]]
    no_country: int  # projects that name no country (global, regional): stated, not drawn
    background: str  # one path of every country without projects (and the outlines without an ISO code)
    money: bool

    @property
    def drawn(self) -> list[MapCountry]:
        return [c for c in self.countries if c.path]

    @property
    def dots(self) -> list[MapCountry]:
        return [c for c in self.countries if c.dot]

    @property
    def undrawn(self) -> list[MapCountry]:
        """Countries with projects that the map has neither an outline nor a dot for: in the table only."""
        return [c for c in self.countries if not c.path and not c.dot]


def choropleth(counts, *, href, money: dict | None = None) -> Choropleth:
    """The map of `counts` (selectors.projects_by_country rows); `href(code)` is each country's filtered page,
    `money` (code → ProjectMoney) adds its budget and disbursed when the page shows money."""
    world = world_map()
    named = [row for row in counts if row.code]
    classes = count_classes(max((row.n for row in named), default=0))
    countries = []
    for row in named:
        css_class = next(i for i, (low, high) in enumerate(classes, 1) if low <= row.n <= high)
        found = (money or {}).get(row.code)
        countries.append(MapCountry(
            code=row.code, name=row.name, n=row.n, css_class=css_class, href=href(row.code),
            path=world.shapes.get(row.code, ""), dot=None if row.code in world.shapes else world.dots.get(row.code),
            budget=found.budget if found else None, disbursed=found.disbursed if found else None,
        ))
    shown = {c.code for c in countries}
    background = "".join([*(path for code, path in world.shapes.items() if code not in shown), *world.unnamed])
    return Choropleth(
        world=world, countries=countries, classes=classes, background=background, money=money is not None,
        no_country=sum(row.n for row in counts if not row.code),
    )
