#!/usr/bin/env python3
"""Fits the resolver's weights (issue 18) and writes them as data.

The resolver scores each candidate reading of a mention as a weighted sum of its
evidence (`src/geoparse/resolve/evidence.rs`) and turns the scores into probabilities
with a softmax. This script fits those weights as a conditional logit: for each mention
whose span the parser found, the probability of its right candidates (within 161 km of
the gold point) is maximised, with an L2 penalty that pulls every weight back towards
the hand weights of sessions 1-12. The penalty's strength is chosen by cross-validation
by article (five folds: an article's mentions are never split between fitting and
judging), and the report compares the held-out accuracy of the hand weights and the
fitted ones, per corpus.

    cargo run --release --no-default-features --example resolution_evidence -- \\
        ../shared/corpora/lgl.xml ../shared/corpora/GWN.xml > evidence.jsonl
    python3 tools/fit_resolution.py evidence.jsonl            # report only
    python3 tools/fit_resolution.py evidence.jsonl --write    # and write weights.rs

Plain Python, no packages: ~30,000 candidates fit in a minute or two.
"""

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

# The hand weights, by feature name: the starting point and what the penalty pulls
# towards. A feature missing here starts (and is pulled) at 0.
HAND = {
    "prior": 1.0, "country_in_document": 0.3, "country_weight": 1.7, "members_fit": 2.0,
    "division_named": 2.0, "state_share": 0.8, "very_near": 1.8, "near": 0.9, "county_pair": 2.0, "town_pair": 1.0,
    "qualified": 4.0, "state_of_town": 3.0, "list_town": 3.0, "list_state": 3.0,
    "list_country": 3.0, "cue_settlement": 1.5, "cue_division": 1.5, "cue_feature": 2.5,
    "cue_country": 1.0,
}
FOLDS = 5
PENALTIES = (0.3, 1.0, 3.0, 10.0)
STEPS = 300
WEIGHTS_RS = Path(__file__).resolve().parent.parent / "src/geoparse/resolve/weights.rs"


def load(path):
    """The feature names and the mentions: (corpus, fold, candidates, right), each
    candidate its own and its context features as sparse lists of (feature index,
    value) and the bound on its context if it is capped (None where it is not, or a
    qualifier names it). Which features are context and the bound come from the
    dump's first line, as the resolver has them."""
    mentions = []
    with open(path, encoding="utf-8") as f:
        header = json.loads(f.readline())
        names = header["features"]
        context = {names.index(n) for n in header["context"]}
        capped_context = header["capped_context"]
        qualified = names.index("qualified")
        for line in f:
            m = json.loads(line)
            if not any(m["right"]):
                continue  # no candidate is right: nothing to learn
            cands = []
            for values, capped in zip(m["features"], m["capped"]):
                own = [(i, v) for i, v in enumerate(values) if v and i not in context]
                ctx = [(i, v) for i, v in enumerate(values) if v and i in context]
                cap = capped_context if capped and not values[qualified] else None
                cands.append((own, ctx, cap))
            key = f'{m["corpus"]}/{m["article"]}'.encode()
            fold = int(hashlib.sha256(key).hexdigest(), 16) % FOLDS
            mentions.append((m["corpus"], fold, cands, m["right"]))
    return names, mentions


def scores(w, cands):
    """Each candidate's score, and whether its capped context was cut at the bound."""
    out = []
    for own, ctx, cap in cands:
        c = sum(w[i] * v for i, v in ctx)
        cut = cap is not None and c > cap
        out.append((sum(w[i] * v for i, v in own) + (cap if cut else c), cut))
    return out


def fit(mentions, names, penalty, start):
    """Weights that minimise the mean negative log probability of the right
    candidates plus `penalty` / n times the squared distance to the hand weights (Adam,
    full batch)."""
    hand = [HAND.get(n, 0.0) for n in names]
    w = list(start)
    m1 = [0.0] * len(w)
    m2 = [0.0] * len(w)
    n = len(mentions)
    rate, b1, b2 = 0.05, 0.9, 0.999
    for step in range(1, STEPS + 1):
        grad = [2 * penalty / n * (wi - hi) for wi, hi in zip(w, hand)]
        for _, _, cands, right in mentions:
            s = scores(w, cands)
            top = max(x for x, _ in s)
            e = [math.exp(x - top) for x, _ in s]
            z = sum(e)
            zr = sum(ei for ei, r in zip(e, right) if r)
            for (own, ctx, _), (_, cut), ei, r in zip(cands, s, e, right):
                # d(-log sum_right p)/d score_j = p_j - [right_j] p_j / p_right
                g = ei / z - (ei / zr if r else 0.0)
                if g == 0.0:
                    continue
                for i, v in own:
                    grad[i] += g * v / n
                if not cut:
                    for i, v in ctx:
                        grad[i] += g * v / n
        for i, g in enumerate(grad):
            m1[i] = b1 * m1[i] + (1 - b1) * g
            m2[i] = b2 * m2[i] + (1 - b2) * g * g
            w[i] -= rate * (m1[i] / (1 - b1 ** step)) / (math.sqrt(m2[i] / (1 - b2 ** step)) + 1e-8)
    return w


def right_share(w, mentions):
    """Per corpus: (mentions whose best-scored candidate is right, mentions)."""
    out = {}
    for corpus, _, cands, right in mentions:
        s = scores(w, cands)
        best = max(range(len(s)), key=lambda j: s[j][0])
        got, total = out.get(corpus, (0, 0))
        out[corpus] = (got + bool(right[best]), total + 1)
    return out


def add(a, b):
    return {k: tuple(x + y for x, y in zip(a.get(k, (0, 0)), b.get(k, (0, 0))))
            for k in set(a) | set(b)}


def show(label, counts):
    parts = [f"{c} {g}/{t} = {g / t:.3f}" for c, (g, t) in sorted(counts.items())]
    print(f"{label:<28} " + "; ".join(parts))


def write(names, w, penalty, cv):
    lines = [
        "//! The weights of the resolver's evidence, in the order of",
        "//! [`Feature`](super::evidence::Feature). Written by `tools/fit_resolution.py`; do not",
        "//! edit by hand.",
        "//!",
        f"//! Fitted on {cv}, L2 penalty {penalty} towards the hand weights of sessions 1-12.",
        "",
        "/// One weight per feature, in score units per unit of the feature.",
        "pub(super) const WEIGHTS: [f32; super::evidence::FEATURES] = [",
    ]
    lines += [f"    {wi:.4f}, // {n}" for n, wi in zip(names, w)]
    lines += ["];", ""]
    WEIGHTS_RS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {WEIGHTS_RS}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("evidence", help="JSON Lines from examples/resolution_evidence.rs")
    ap.add_argument("--write", action="store_true", help="write weights.rs")
    args = ap.parse_args()
    names, mentions = load(args.evidence)
    hand = [HAND.get(n, 0.0) for n in names]
    print(f"{len(mentions)} mentions with a right candidate, "
          f"{sum(len(c) for _, _, c, _ in mentions)} candidates")
    show("hand weights, all", right_share(hand, mentions))
    best = None
    for penalty in PENALTIES:
        held = {}
        for k in range(FOLDS):
            train = [m for m in mentions if m[1] != k]
            test = [m for m in mentions if m[1] == k]
            held = add(held, right_share(fit(train, names, penalty, hand), test))
        show(f"fitted, held out, L2 {penalty}", held)
        total = sum(g for g, _ in held.values())
        if best is None or total > best[0]:
            best = (total, penalty, held)
    _, penalty, held = best
    w = fit(mentions, names, penalty, hand)
    show(f"fitted on all, L2 {penalty}", right_share(w, mentions))
    for n, h, x in zip(names, hand, w):
        print(f"  {n:<22} {h:7.3f} -> {x:7.3f}")
    if args.write:
        corpora = ", ".join(sorted(held))
        write(names, w, penalty, f"{corpora} ({len(mentions)} mentions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
