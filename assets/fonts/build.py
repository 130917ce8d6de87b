#!/usr/bin/env python3
"""Copy the font Gazette falls back on, assets/fonts/NotoSans-Regular.ttf, out of a pinned
Debian package.

Run from anywhere:  python3 assets/fonts/build.py

egui's bundled face (Ubuntu Light) has no glyphs for most of Latin Extended Additional
(U+1E00-1EFF: Vietnamese letters, the dotted letters of Arabic and Indic
transliteration such as "Ṭ" or "ṣ"), for combining marks or for most of Greek and
Cyrillic's extensions, so place names such as "Ṭarābulus" or "Hồ Chí Minh" were drawn
with boxes. Noto Sans has them all; the app puts it after Ubuntu Light, so only the
characters Ubuntu Light lacks are drawn with it (src/app/fonts.rs).

Input: fonts-noto-core 20201225-1 (Debian bookworm, all architectures), fetched with
`apt-get download` into assets/cache/ (git-ignored) and checked against its sha256;
the font inside is checked too. Licence: SIL Open Font License 1.1 (OFL.txt beside it,
the text from the package's copyright file). Python 3.11 stdlib plus dpkg-deb.
"""
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / "cache"
PACKAGE, VERSION = "fonts-noto-core", "20201225-1"
DEB = f"{PACKAGE}_{VERSION}_all.deb"
DEB_SHA256 = "58f4f0bb6720f919f92096b3508e1412a0f1544424ade6c5b5bf1eb694dd64ba"
FONT = "usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
FONT_SHA256 = "89c3c497f618fdaa0b2d1e98fef93582f28c71debd2c4a8cdf41f190ced2909d"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / DEB
    if not path.exists():
        cmd = ["apt-get", "download", f"{PACKAGE}={VERSION}"]
        if subprocess.run(cmd, cwd=CACHE).returncode != 0:
            subprocess.run(["apt-get", "update"], check=True)
            subprocess.run(cmd, cwd=CACHE, check=True)
    got = sha256_of(path)
    if got != DEB_SHA256:
        sys.exit(f"{path}: sha256 {got}, expected {DEB_SHA256}")
    return path


def main() -> None:
    deb = fetch()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        font = Path(tmp) / FONT
        got = sha256_of(font)
        if got != FONT_SHA256:
            sys.exit(f"{FONT}: sha256 {got}, expected {FONT_SHA256}")
        (HERE / "NotoSans-Regular.ttf").write_bytes(font.read_bytes())
        copyright = (Path(tmp) / "usr/share/doc/fonts-noto-core/copyright").read_text()
    # The OFL's text as the package's copyright file gives it: the indented lines of the
    # stand-alone "License: OFL-1.1" paragraph (" ." is an empty line).
    lines = copyright.splitlines()
    start = max(i for i, l in enumerate(lines) if l == "License: OFL-1.1") + 1
    body = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    ofl = "\n".join(body)
    (HERE / "OFL.txt").write_text(
        "Noto Sans: Copyright 2010, 2012-2020 Google Inc.; 2015-2020 Google LLC.\n"
        "Licensed under the SIL Open Font License, Version 1.1.\n\n" + ofl.strip() + "\n"
    )
    print("wrote", HERE / "NotoSans-Regular.ttf", "and", HERE / "OFL.txt")


if __name__ == "__main__":
    main()
