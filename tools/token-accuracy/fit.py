#!/usr/bin/python3
"""Fits the weights of HeuristicTokenCounter (spec R-EST-11) and prints them as the C# constants of ITokenCounter.cs.

Data: the committed test corpus (tests/RoutingCore.Tests/TestData/token-corpus.json) and the extended corpus
(extended-corpus.json), each sample with its gpt-tokenizer 4.0.0 o200k_base and cl100k_base counts, plus the generated
non-language text (token-adversarial.json). Every feature is counted over the sample's JSON-escaped text, as the
scanner passes it.

1. A linear program (scipy's HiGHS, Debian's python3-scipy) over all weights: every sample's estimate must reach its
   o200k_base count times MARGIN and, except for at most 1% of samples, its cl100k_base count; generated text its larger
   count times MARGIN (random short letter strings, which no character rule can tell from words, excepted: R-EST-11).
   The objective is the mean estimate / o200k_base over each code language, English prose, Markdown, chat and JSON,
   the groups weighed alike. The 1% are chosen greedily: each round drops the cl100k_base constraint with the largest
   shadow price. Weights are bounded by what a tokenizer can do (at most one token per ASCII byte; at least half a token
   per two-byte character, one per three-byte character, two per four-byte character) and rounded up to 1/64 token.
2. The script weights, the others kept: a second linear program keeps every prose or chat text containing a script
   at SCRIPT_MARGIN x its o200k_base count (other texts at MARGIN x), and every prose or chat text where one script is
   at least a quarter of the characters at its cl100k_base count (text written in it; code tables of rare characters
   are held to the first bound only), minimising the mean estimate / cl100k_base of each language's prose.

Not run by the build: the C# rule carries the printed weights, table.py reports them per language and the corpus tests
check them.

    apt-get install python3-scipy && /usr/bin/python3 fit.py            # the weights
    /usr/bin/python3 fit.py --holdout                                    # fit on 70% of the samples, report the other 30%
"""
import json, math, os, random, statistics, sys
import numpy as np
from scipy.optimize import linprog

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "..", "..", "tests", "RoutingCore.Tests", "TestData")
CORPORA = [os.path.join(TESTDATA, "token-corpus.json"), os.path.join(HERE, "extended-corpus.json")]
ADVERSARIAL = os.path.join(TESTDATA, "token-adversarial.json")
MARGIN = 1.02
SCRIPT_MARGIN = 1.10
UNCONSTRAINED = {"random-words", "snake-identifiers", "random-ascii", "random-lowercase-00"}

# Letter sets, case-insensitive. Tiers: letters the tokenizers merge least (fitted per letter, then grouped);
# rare: the letters least frequent in English text; vowels break a consonant run.
TIER1, TIER2, TIER3 = "jz", "hk", "bgv"
RARE = "bfgjkpqvwxz"
VOWELS = "aeiou"

ASCII_KEYS = ["letter", "upper", "tier1", "tier2", "tier3", "digit", "space", "spacerun", "nl", "punct", "punctrun",
              "word", "wordsp", "trans", "deep", "rareinside", "rarepair", "consrun"]
SCRIPT_KEYS = ["c2lat", "c2greek", "c2cyr", "c2heb", "c2arab", "c2arabx", "c2oth",
               "c3deva", "c3beng", "c3indic", "c3thai", "c3geo", "c3kana", "c3hang", "c3cjk", "c3cjkx", "c3punct", "c3oth", "c4emoji", "c4"]
KEYS = ASCII_KEYS + SCRIPT_KEYS
BOUNDS = {k: (0, 1) for k in ASCII_KEYS}
BOUNDS.update({k: (0.5, 2) for k in SCRIPT_KEYS if k.startswith("c2")})
BOUNDS.update({k: (1, 3) for k in SCRIPT_KEYS if k.startswith("c3")})
BOUNDS["c4"] = BOUNDS["c4emoji"] = (2, 4)
BOUNDS["c3indic"] = (3, 3)  # other Indic scripts: no samples, so three tokens per character
# The classes step 2 fits.
SCRIPT_CLASSES = ["c2lat", "c2greek", "c2cyr", "c2heb", "c2arab", "c2arabx", "c3deva", "c3beng", "c3thai", "c3geo", "c3cjkx", "c3cjk", "c3kana", "c3hang", "c4emoji", "c4"]
DEEP_AFTER = 8    # alphanumeric bytes before a "deep" one in its run
INSIDE_AFTER = 3  # alphanumeric bytes before a rare letter "inside" a word


def escaped(text):
    """The text as it sits inside a JSON string: quotes, backslashes and control characters escaped, the rest raw."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def features(text):
    """Exactly the counts HeuristicTokenCounter takes, over the escaped text. The byte before an ASCII run's first
    byte (a non-ASCII character, or nothing) is of no class: not alphanumeric, not a space, not punctuation."""
    f = dict.fromkeys(KEYS, 0)
    prev = None      # class of the previous ASCII byte: 1 lower, 2 upper, 3 digit, "s" space, "n" line break, "p" punctuation
    depth = 0        # alphanumeric bytes before this one in its run
    rare_before = False
    consonants = 0   # consonants directly before this byte
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            cls = 1 if 97 <= o <= 122 else 2 if 65 <= o <= 90 else 3 if 48 <= o <= 57 else \
                "s" if o == 32 else "n" if o in (9, 10, 13) else "p"
            if cls in (1, 2, 3):
                if cls == 3:
                    f["digit"] += 1
                    rare, consonant = False, False
                else:
                    c = chr(o | 32)
                    f["letter"] += 1
                    if cls == 2: f["upper"] += 1
                    if c in TIER1: f["tier1"] += 1
                    elif c in TIER2: f["tier2"] += 1
                    elif c in TIER3: f["tier3"] += 1
                    rare, consonant = c in RARE, c not in VOWELS
                    if rare and depth >= INSIDE_AFTER: f["rareinside"] += 1
                    if rare and rare_before: f["rarepair"] += 1
                    if consonant and consonants >= 2: f["consrun"] += 1
                if prev not in (1, 2, 3): f["wordsp" if prev == "s" else "word"] += 1
                elif prev != cls: f["trans"] += 1
                if depth >= DEEP_AFTER: f["deep"] += 1
                depth += 1
            else:
                rare, consonant = False, False
                depth = 0
                if cls == "s": f["spacerun" if prev == "s" else "space"] += 1
                elif cls == "n": f["nl"] += 1
                else: f["punctrun" if prev == "p" else "punct"] += 1
            rare_before = rare
            consonants = consonants + 1 if consonant else 0
            prev = cls
            continue
        prev, depth, rare_before, consonants = None, 0, False, 0
        if o < 0x800:
            f["c2lat" if o < 0x300 else "c2greek" if 0x370 <= o < 0x400 else "c2cyr" if 0x400 <= o < 0x530
              else "c2heb" if 0x590 <= o < 0x600 else "c2arab" if 0x600 <= o < 0x660 else "c2arabx" if 0x660 <= o < 0x700
              else "c2oth"] += 1
        elif o < 0x10000:
            f["c3deva" if 0x900 <= o < 0x980 else "c3beng" if 0x980 <= o < 0xA00 else "c3indic" if 0xA00 <= o < 0xE00
              else "c3thai" if 0xE00 <= o < 0xF00
              else "c3geo" if 0x10A0 <= o < 0x1100 or 0x1C90 <= o < 0x1CC0 or 0x2D00 <= o < 0x2D30
              else "c3kana" if 0x3040 <= o < 0x3100
              else "c3hang" if 0xAC00 <= o < 0xD7B0 else "c3cjk" if 0x4E00 <= o < 0xA000
              else "c3cjkx" if 0x2E80 <= o < 0x2FE0 or 0x3400 <= o < 0x4DC0  # radicals, extension A: rare
              else "c3punct" if 0x2000 <= o < 0x2070 or 0x3000 <= o < 0x3040 or 0xFF00 <= o < 0xFFF0 else "c3oth"] += 1
        else:
            f["c4emoji" if o < 0x20000 else "c4"] += 1  # pictographs and emoji; other planes (CJK extensions, ...)
    return [f[k] for k in KEYS]


def load():
    samples = []
    for path in CORPORA:
        for s in json.load(open(path))["samples"]:
            samples.append(dict(s, corpus=os.path.basename(path)))
    adversarial = json.load(open(ADVERSARIAL))["samples"]
    return samples, adversarial


def target(s):
    return s["genre"] == "code" or s["genre"] == "json" or (s["genre"] in ("prose", "markdown", "chat") and s["lang"] == "en")


def fit_lp(samples, adversarial):
    F = np.array([features(escaped(s["text"])) for s in samples], float)
    o = np.array([s["o200k"] for s in samples], float)
    c = np.array([s["cl100k"] for s in samples], float)
    adv = [s for s in adversarial if s["kind"] not in UNCONSTRAINED and s["id"] not in UNCONSTRAINED]
    FA = np.array([features(escaped(s["text"])) for s in adv], float)
    oa = np.array([max(s["o200k"], s["cl100k"]) for s in adv], float)
    groups = {}
    for i, s in enumerate(samples):
        if target(s): groups.setdefault((s["genre"], s["lang"]), []).append(i)
    objective = sum(sum(F[i] / o[i] for i in idx) / len(idx) for idx in groups.values())

    def solve(skip):
        A, b, rows = [], [], []
        for i in range(len(samples)):
            A.append(-F[i]); b.append(-o[i] * MARGIN); rows.append(None)
            if i not in skip: A.append(-F[i]); b.append(-c[i]); rows.append(i)
        for j in range(len(adv)):
            A.append(-FA[j]); b.append(-oa[j] * MARGIN); rows.append(None)
        r = linprog(objective, A_ub=np.array(A), b_ub=np.array(b), bounds=[BOUNDS[k] for k in KEYS], method="highs")
        assert r.status == 0, r.message
        return r, rows

    skip = set()
    r, rows = solve(skip)
    for _ in range(len(samples) // 100):
        price, i = min((m, i) for m, i in zip(r.ineqlin.marginals, rows) if i is not None)
        if price >= -1e-9: break
        skip.add(i)
        r, rows = solve(skip)
    return dict(zip(KEYS, (math.ceil(x * 64 - 1e-9) for x in r.x)))


def fit_scripts(units, samples):
    """Step 2: a second linear program over the script classes alone, the other weights fixed."""
    fixed = [k for k in KEYS if k not in SCRIPT_CLASSES]
    written = lambda s: s["genre"] in ("prose", "chat")
    A, b, groups = [], [], {}
    for s in samples:
        f = dict(zip(KEYS, features(escaped(s["text"]))))
        x = np.array([f[k] for k in SCRIPT_CLASSES], float)
        if not x.any(): continue
        rest = sum(f[k] * units[k] for k in fixed) / 64
        top = x @ np.array([BOUNDS[k][1] for k in SCRIPT_CLASSES])
        need = s["o200k"] * (SCRIPT_MARGIN if written(s) and rest + top >= s["o200k"] * SCRIPT_MARGIN else MARGIN)
        A.append(-x); b.append(rest - need)
        if written(s) and max(x) * 4 >= len(escaped(s["text"])) and top >= s["cl100k"] - rest:  # else out of reach
            A.append(-x); b.append(rest - s["cl100k"])
            if s["lang"] != "en": groups.setdefault(s["lang"], []).append(x / s["cl100k"])
    objective = sum(sum(v) / len(v) for v in groups.values())
    r = linprog(objective, A_ub=np.array(A), b_ub=np.array(b), bounds=[BOUNDS[k] for k in SCRIPT_CLASSES], method="highs")
    assert r.status == 0, r.message
    return dict(units, **{k: math.ceil(x * 64 - 1e-9) for k, x in zip(SCRIPT_CLASSES, r.x)})


def estimate(units, text):
    return math.ceil(sum(u * x for u, x in zip((units[k] for k in KEYS), features(escaped(text)))) / 64 - 1e-9)


def report(units, samples, adversarial, name):
    est = [estimate(units, s["text"]) for s in samples]
    under_o = [s["id"] + "@" + s["corpus"] for e, s in zip(est, samples) if e < s["o200k"]]
    under_c = [s["id"] + "@" + s["corpus"] for e, s in zip(est, samples) if e < s["cl100k"]]
    print(f"{name}: {len(samples)} samples; under o200k {len(under_o)} {under_o}; under cl100k {len(under_c)} ({len(under_c) / len(samples):.1%})")
    groups = {}
    for e, s in zip(est, samples): groups.setdefault((s["genre"], s["lang"]), []).append((e / s["o200k"], e / s["cl100k"]))
    print("  median est/o200k:", "  ".join(f"{g}/{l} {statistics.median(r[0] for r in v):.2f}" for (g, l), v in sorted(groups.items()) if target({"genre": g, "lang": l})))
    print("  median est/cl100k:", "  ".join(f"{l} {statistics.median(r[1] for r in v):.2f}" for (g, l), v in sorted(groups.items()) if g == "prose" and l != "en"))
    for s in adversarial:
        e = estimate(units, s["text"]); worst = max(s["o200k"], s["cl100k"])
        if e < worst: print(f"  generated {s['id']}: {e} < {worst} ({e / worst:.2f}x){' (unconstrained)' if s['kind'] in UNCONSTRAINED or s['id'] in UNCONSTRAINED else ''}")


def main():
    samples, adversarial = load()
    if "--holdout" in sys.argv:
        rng = random.Random(1)
        train = [s for s in samples if rng.random() < 0.7]
        held = [s for s in samples if s not in train]
        units = fit_scripts(fit_lp(train, adversarial), train)
        report(units, train, adversarial, "fitted on")
        report(units, held, [], "held out")
        return
    units = fit_scripts(fit_lp(samples, adversarial), samples)
    print("weights in 1/64 token:", units)
    report(units, samples, adversarial, "all")


if __name__ == "__main__":
    main()
