#!/usr/bin/env python3
"""Counts Gazette's errors on a gold corpus by the kinds of issue 18.

Reads the JSON Lines that `examples/eval_dump.rs` writes (gold toponyms, the parser's
mentions, and every name it proposed with its recognition score) and sorts each
error -- a missed toponym (FN), a false mention (FP), a found toponym resolved more
than 161 km off (far) -- into one kind. The rules are coarse and by form only (no
corpus word is listed), so the counts say which kinds weigh most, not exact truths.

    cargo run --release --no-default-features --example eval_dump -- CORPUS.xml > d.jsonl
    python3 tools/error_kinds.py d.jsonl [after.jsonl]
"""
import collections
import json
import math
import re
import sys

ABBREV = re.compile(r"^([A-Z]\.){2,}$|^[A-Z][a-z]{1,4}\.$|^[A-Z]{2,4}$|^[A-Z]\. ?[A-Z][a-z]\.$")
CALENDAR = re.compile(r"^(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Tues|Thurs)\.?$")
FEATURE = re.compile(r" (Street|St\.|Road|Rd\.|Avenue|Ave\.|Drive|Boulevard|Lane|Highway|"
                     r"Route|Parkway|Way|Trail|River|Creek|Lake|Valley|Park|Island|Bay|"
                     r"Mountains?|Hills?|Airport|Station|Base|Township)$|^(Lake|Mount|Mt\.|"
                     r"Fort|Highway|Route|Interstate|I-)\b|\d")
ORG_AFTER = re.compile(r"^[’']?s?\s+[A-Z][a-z]+")
PERSON_BEFORE = re.compile(r"(Mr|Mrs|Ms|Dr|Sen|Rep|Gov|President|Judge|said|according to)\.?\s+$|"
                           r"[A-Z][a-z]+\s+$")


def km(a, b, c, d):
    p = math.pi / 180
    x = (math.sin((c - a) * p / 2) ** 2
         + math.cos(a * p) * math.cos(c * p) * math.sin((d - b) * p / 2) ** 2)
    return 12742 * math.asin(min(1.0, math.sqrt(x)))


def abroad(lat, lon):
    """True for points in Canada, Australia, New Zealand, Britain or Ireland (boxes)."""
    return ((41 < lat < 70 and -141 < lon < -52 and not (lat < 49 and -95 > lon)
             and not (lat < 45 and lon > -83))
            or (-45 < lat < -10 and 112 < lon < 155)
            or (49.8 < lat < 61 and -11 < lon < 2)
            or (-48 < lat < -34 and 166 < lon < 179))


def kinds(path):
    counts = collections.Counter()
    for line in open(path, encoding="utf-8"):
        a = json.loads(line)
        text = a["text"].encode()
        gold = {(g["start"], g["end"]): g for g in a["gold"] if g["cat"] == "Toponym"}
        neutral = {(g["start"], g["end"]) for g in a["gold"] if g["cat"] != "Toponym"}
        pred = {(p["start"], p["end"]): p for p in a["pred"]}
        proposed = {(p["start"], p["end"]) for p in a["proposed"]}
        before = lambda s: text[max(0, s - 25):s].decode(errors="replace")
        after = lambda e: text[e:e + 25].decode(errors="replace")
        for k, g in gold.items():
            t = g["text"]
            if k in pred:
                if not g["coords"]:
                    continue
                p = pred[k]
                e = p["entry"]
                if km(*g["coords"], e["lat"], e["lon"]) <= 161:
                    continue
                right = [x for x in p["alts"] if km(*g["coords"], x["lat"], x["lon"]) <= 161]
                if right and {e["kind"], right[0]["kind"]} == {"admin1", "place"}:
                    counts["far: city or state of the same name"] += 1
                elif not right and e["kind"] in ("country", "admin1", "region", "physical") \
                        and t.lower() in (e["name"].lower(), ) + tuple(()):
                    counts["far: point of a large area"] += 1
                elif not right and e["kind"] in ("country", "region"):
                    counts["far: point of a large area"] += 1
                elif abroad(*g["coords"]):
                    counts["far: local news outside the US"] += 1
                elif right:
                    counts["far: other namesake chosen (no cue)"] += 1
                else:
                    counts["far: right place not a candidate"] += 1
                continue
            overlap = [p for p in pred.values() if p["start"] < k[1] and k[0] < p["end"]]
            if ABBREV.match(t) and "." in t or t in ("NSW", "BC", "Qld", "PEI", "NWT"):
                counts["FN: abbreviation"] += 1
            elif FEATURE.search(t):
                counts["FN: street, road or feature (not in the gazetteer)"] += 1
            elif overlap:
                counts["FN: place inside another name (span)"] += 1
            elif g["ncand"] == 0:
                counts["FN: missing from the gazetteer"] += 1
            elif ORG_AFTER.match(after(k[1])):
                counts["FN: place inside another name (refused)"] += 1
            elif k in proposed:
                counts["FN: refused by the recogniser (other)"] += 1
            else:
                counts["FN: not proposed"] += 1
        for k, p in pred.items():
            if k in gold or k in neutral:
                continue
            t = p["text"]
            if any(g["start"] < k[1] and k[0] < g["end"] for g in gold.values()):
                counts["FP: place inside another name (span)"] += 1
            elif CALENDAR.match(t):
                counts["FP: calendar abbreviation"] += 1
            elif ABBREV.match(t) and p["entry"]["kind"] == "admin1":
                counts["FP: abbreviation"] += 1
            elif p["entry"]["kind"] in ("country", "region") and t != p["entry"]["name"] \
                    and re.search(r"(an|ans|ish|ese|ch|i)$", t):
                counts["FP: demonym (not annotated)"] += 1
            elif ORG_AFTER.match(after(k[1])):
                counts["FP: place inside another name"] += 1
            elif PERSON_BEFORE.search(before(k[0])) or re.match(r"^\s+said", after(k[1])):
                counts["FP: person's name"] += 1
            else:
                counts["FP: other"] += 1
    return counts


def main():
    runs = [kinds(p) for p in sys.argv[1:]]
    keys = sorted(set().union(*runs), key=lambda k: (k.split(":")[0], -runs[0][k]))
    print("| kind | " + " | ".join(sys.argv[1:]) + " |")
    print("|---|" + "---|" * len(runs))
    for k in keys:
        print(f"| {k} | " + " | ".join(str(r[k]) for r in runs) + " |")


if __name__ == "__main__":
    main()
