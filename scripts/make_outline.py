"""Make the map's outline (src/unaccounted/testimony/map/outline.json) from Natural Earth's
1:110m admin-0 countries as GeoJSON (public domain; see the NOTICE beside the outline).

    python scripts/make_outline.py ne_110m_admin_0_countries.json

Keeps Russia, Ukraine and their neighbours, clips them to a box around the region, drops
points closer than the tolerance to the line (Douglas-Peucker) and writes each ring as a
flat list of longitude, latitude pairs in tenths of a degree. Run once; nothing fetches it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

COUNTRIES = ("RUS", "UKR", "BLR", "MDA", "POL", "LTU", "LVA", "EST", "FIN", "GEO", "ARM",
             "AZE", "KAZ", "ROU", "SVK", "HUN", "TUR", "BGR", "NOR", "SWE")  # fmt: skip
#: (west, south, east, north) in degrees.
BOX = (14.0, 38.0, 70.0, 71.0)
TOLERANCE = 0.15  # degrees
OUT = Path(__file__).parents[1] / "src" / "unaccounted" / "testimony" / "map" / "outline.json"

Point = tuple[float, float]


def clip(ring: list[Point]) -> list[Point]:
    """The ring cut to BOX (Sutherland-Hodgman: one edge of the box at a time)."""
    west, south, east, north = BOX
    edges = ((0, west, True), (0, east, False), (1, south, True), (1, north, False))
    for axis, limit, low in edges:
        if not ring:
            return []

        def inside(p: Point, axis: int = axis, limit: float = limit, low: bool = low) -> bool:
            return p[axis] >= limit if low else p[axis] <= limit

        def cross(a: Point, b: Point, axis: int = axis, limit: float = limit) -> Point:
            t = (limit - a[axis]) / (b[axis] - a[axis])
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))

        out: list[Point] = []
        for i, cur in enumerate(ring):
            prev = ring[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        ring = out
    return ring


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on an open line."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = (dx * dx + dy * dy) ** 0.5
    far, index = 0.0, 0
    for i in range(1, len(points) - 1):
        x, y = points[i]
        d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
        if d > far:
            far, index = d, i
    if far <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: index + 1], tolerance)[:-1] + simplify(points[index:], tolerance)


def main(path: str) -> None:
    data = json.loads(Path(path).read_text("utf-8"))
    out: dict[str, list[list[int]]] = {}
    for feature in data["features"]:
        code = feature["properties"]["ADM0_A3"]
        if code not in COUNTRIES:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = []
        for polygon in polygons:
            ring = clip([(float(x), float(y)) for x, y in polygon[0]])  # outer ring only
            half = len(ring) // 2
            ring = simplify(ring[: half + 1], TOLERANCE)[:-1] + simplify(ring[half:], TOLERANCE)
            flat = [round(v * 10) for p in ring for v in p]
            cells = {(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)}
            if len(cells) >= 3:
                rings.append(flat)
        if rings:
            out[code] = rings
    document = {
        "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain)",
        "units": "longitude, latitude pairs in tenths of a degree",
        "box": list(BOX),
        "countries": {k: out[k] for k in sorted(out)},
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n", "utf-8")
    print(f"{OUT}: {OUT.stat().st_size:,} bytes, {sum(len(r) for v in out.values() for r in v) // 2} points")


if __name__ == "__main__":
    main(sys.argv[1])
