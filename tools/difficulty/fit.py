#!/usr/bin/env python3
"""Fits the built-in difficulty estimator's weights (spec R-DIFF-3, R-DIFF-6).

Reads two kinds of labelled requests: benchmark prompts (JSON lines with `prompt`, `source`, `subject`,
`weak_correct`, `strong_correct`; label "the weak model was wrong and the strong one right") and the project's own
everyday and expert requests (`tools/difficulty/data/labelled.jsonl`; label hard/easy by the rubric in README.md).
Each becomes a chat request; the `routingcore` CLI (`route --json --explain`) gives the engine's own difficulty
features, so the fit sees exactly what the engine computes. Fits a logistic regression with signs constrained where
a signal's meaning fixes them, validates it out of domain (whole subject groups, all of GSM8K, each language, a
held-out part of the project's requests), and writes:

  src/RoutingCore/Difficulty/difficulty-weights.json   the weights and the reference percentiles the engine embeds
  tools/difficulty/REPORT.md                           every validation set beside prompt length and a constant

Usage (Debian's python3 with python3-numpy and python3-scipy):
  /usr/bin/python3 tools/difficulty/fit.py ../shared/router-data/train.jsonl          # fit, validate, write both files
  /usr/bin/python3 tools/difficulty/fit.py ../shared/router-data/train.jsonl --check  # recompute the CLI's scores
The labelled data is read from where it lies and never copied into the project.
"""
import argparse, collections, hashlib, json, math, os, subprocess, sys, tempfile
import numpy as np
from scipy.optimize import minimize

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WEIGHTS = os.path.join(ROOT, "src", "RoutingCore", "Difficulty", "difficulty-weights.json")
REPORT = os.path.join(ROOT, "tools", "difficulty", "REPORT.md")
CLI_PROJECT = os.path.join(ROOT, "src", "RoutingCore.Cli")

# In FittedDifficultyEstimator.FeatureNames order.
FEATURES = ["last_turn_size", "conversation_size", "digits", "operators", "code", "math", "questions", "lines",
            "steps", "non_ascii", "turns", "system_size", "tools", "json_schema", "reasoning", "demand", "light",
            "constraints", "demand_density"]
LABELLED = os.path.join(ROOT, "tools", "difficulty", "data", "labelled.jsonl")
# Signals whose direction is part of their meaning: more of them never makes a request easier. The fit may give them
# 0 but not a negative weight (a weight that would only memorise the training subjects' formatting).
NON_NEGATIVE = {"last_turn_size", "conversation_size", "digits", "operators", "code", "math", "questions", "lines",
                "steps", "turns", "system_size", "tools", "json_schema", "reasoning", "demand", "constraints",
                "demand_density"}
# Asking for light work (greet, translate, list…) never makes a request harder.
NON_POSITIVE = {"light"}
# How far below prompt length a configuration may fall on an out-of-domain fold and still be chosen.
TOLERANCE = 0.02
# The benchmark items' share of the reference mix the percentiles come from (the rest: the project's own requests).
# Benchmark prompts are longer and denser than everyday ones; with a half share they would all sit above the middle,
# and a Tradeoff of 0.75 would send nearly every one of them up.
REFERENCE_BENCH = 0.75
# What the report calls the top-quality band of the default catalog.
TOP_QUALITY = 0.95
# Request options the labelled prompts never carry: no data can fit them, so they keep a stated prior (in logit units,
# about a third of the spread between an easy and a hard prompt) and the report says so.
PRIORS = {"tools": 0.3, "json_schema": 0.2, "reasoning": 0.4, "system_size": 0.03,
          # Not a difficulty signal at all: the share of non-ASCII text says which script a prompt is in. In the
          # labelled prompts it marks math symbols in English questions, so a fitted weight would send every Chinese
          # or Arabic "hello" to the strongest model. Math symbols in any script count in `math` instead.
          "non_ascii": 0.0}
# Short follow-ups in several languages: a thread whose last turn is one of them inherits the first turn's label
# ("commit it" after a hard thread is not an easy request: spec R-DIFF-7).
FOLLOW_UPS = ["Are you sure?", "Explain.", "Commit it.", "Continue.", "¿Por qué?", "Et ensuite ?", "Weiter.",
              "继续", "続けて", "Продолжай.", "Why?", "ok, do it"]
ASSISTANT = "Here is my answer."


def load(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for r in rows:
        r["y"] = 1 if (not r["weak_correct"] and r["strong_correct"]) else 0
    return rows


def build_cli():
    subprocess.run(["dotnet", "build", CLI_PROJECT, "-c", "Release", "-v", "q", "-nologo"], check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(CLI_PROJECT, "bin", "Release")
    for dirpath, _, files in os.walk(out):
        if "RoutingCore.Cli.dll" in files and "obj" not in dirpath:
            return os.path.join(dirpath, "RoutingCore.Cli.dll")
    raise SystemExit("RoutingCore.Cli.dll not found after the build")


def run_cli(dll, bodies, *options):
    """Runs `routingcore route --json` (plus options) over request bodies in one engine per batch; the JSON decisions, in order."""
    decisions = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, body in enumerate(bodies):
            p = os.path.join(tmp, f"{i:06d}.json")
            with open(p, "w", encoding="utf-8") as f:
                json.dump(body, f, ensure_ascii=False)
            paths.append(p)
        for start in range(0, len(paths), 1500):
            batch = paths[start:start + 1500]
            run = subprocess.run(["dotnet", dll, "route", "--json", *options, *batch], capture_output=True, text=True)
            if run.returncode not in (0, 1):
                raise SystemExit(f"routingcore failed: {run.stderr}")
            lines = run.stdout.splitlines()
            assert len(lines) == len(batch), (len(lines), len(batch))
            decisions += [json.loads(line) for line in lines]
    return decisions


def cli_features(dll, bodies):
    """The engine's difficulty features and score of each request body, in order."""
    feats, scores = [], []
    for d in run_cli(dll, bodies, "--explain"):
        signals = {s["name"]: s["value"] for s in d["difficulty_signals"]}
        feats.append([signals[n] for n in FEATURES])
        scores.append(d["difficulty_score"])
    return np.array(feats, dtype=float), np.array(scores, dtype=float)


def request(messages):
    return {"model": "flux-auto", "messages": messages}


def single(r):
    return request([{"role": "user", "content": r["prompt"]}])


def follow_up(r, i):
    return request([{"role": "user", "content": r["prompt"]}, {"role": "assistant", "content": ASSISTANT},
                    {"role": "user", "content": FOLLOW_UPS[i % len(FOLLOW_UPS)]}])


def fit(x, y, l2, weight, size_floor=0.0):
    """Weighted logistic regression on standardised features; bounds keep NON_NEGATIVE weights >= 0 and NON_POSITIVE
    ones <= 0; PRIORS stay fixed. `weight` is each row's share (each source's rows sum to that source's share).
    `size_floor` is the least weight (in standard deviations) the conversation size keeps: size is the one signal that
    ranks above a constant on every benchmark, so the grid may hold it up against signals that only help in-domain."""
    free = [j for j, n in enumerate(FEATURES) if n not in PRIORS]
    xs = x[:, free]
    mu, sd = xs.mean(axis=0), xs.std(axis=0)
    sd[sd == 0] = 1.0
    z = (xs - mu) / sd
    n, k = z.shape
    wts = np.asarray(weight, dtype=float) * n

    def loss(theta):
        b, w = theta[0], theta[1:]
        s = b + z @ w
        p = 1 / (1 + np.exp(-s))
        ll = np.sum(wts * (np.logaddexp(0, s) - y * s)) / n + l2 * np.sum(w * w)
        g = wts * (p - y) / n
        return ll, np.concatenate([[g.sum()], z.T @ g + 2 * l2 * w])

    bounds = [(None, None)] + [((size_floor, None) if FEATURES[j] == "conversation_size" else (0, None) if FEATURES[j] in NON_NEGATIVE
                                else (None, 0) if FEATURES[j] in NON_POSITIVE else (None, None)) for j in free]
    res = minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    b, w = res.x[0], res.x[1:]
    weights = np.zeros(len(FEATURES))
    weights[free] = w / sd
    intercept = b - np.sum(w * mu / sd)
    for name, value in PRIORS.items():
        weights[FEATURES.index(name)] = value
    return weights, intercept


def pgr_curve(score, weak, strong, seeds=20):
    """RouteLLM's performance gap recovered at every share of calls to the strong model (the hardest by score first); ties in random order, averaged."""
    n = len(score)
    curves = []
    rng = np.random.default_rng(7)
    for _ in range(seeds):
        order = np.lexsort((rng.random(n), -score))
        gain = (strong[order] - weak[order]).astype(float)
        perf = (weak.sum() + np.concatenate([[0], np.cumsum(gain)])) / n
        lo, hi = weak.mean(), strong.mean()
        curves.append((perf - lo) / (hi - lo))
    return np.mean(curves, axis=0)


def metrics(score, rows):
    weak = np.array([r["weak_correct"] for r in rows], dtype=int)
    strong = np.array([r["strong_correct"] for r in rows], dtype=int)
    curve = pgr_curve(np.asarray(score, dtype=float), weak, strong)
    share = np.linspace(0, 1, len(curve))
    apgr = float(np.trapezoid(curve, share) if hasattr(np, 'trapezoid') else np.trapz(curve, share))
    def cpt(target):
        hit = np.nonzero(curve >= target)[0]
        return float(share[hit[0]]) if len(hit) else 1.0
    return apgr, cpt(0.5), cpt(0.8)


def auc(score, y):
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    s = np.asarray(score)[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y.sum()
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos)))


def load_labelled(path=LABELLED):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for r in rows:
        r["y"] = 1 if r["label"] == "hard" else 0
        # A fixed 30% never used for the shipped fit (by id hash, decided before any fit ran).
        r["heldout"] = hashlib.sha256(r["id"].encode("utf-8")).digest()[0] < 77
    return rows


def subject_groups(rows):
    """The MMLU subjects in three groups (sorted by name, every third), each held out whole in turn."""
    subjects = sorted({r["subject"] for r in rows if r["source"] == "mmlu"})
    return {s: i % 3 for i, s in enumerate(subjects)}


def weights_for(parts):
    """Row weights: each (rows, share) part sums to its share, classes balanced inside it."""
    ys, ws = [], []
    for y, share in parts:
        y = np.asarray(y, dtype=float)
        pos = y.mean() if len(y) else 0.5
        w = np.where(y == 1, 0.5 / max(pos, 1e-9), 0.5 / max(1 - pos, 1e-9)) / len(y)
        ys.append(y); ws.append(w * share)
    return np.concatenate(ys), np.concatenate(ws)


def fit_parts(parts, l2, size_floor):
    """parts: list of (x, y, share). Returns (weights, intercept)."""
    x = np.vstack([p[0] for p in parts])
    y, w = weights_for([(p[1], p[2]) for p in parts])
    w = w / w.sum()
    return fit(x, y, l2, w, size_floor)


def weighted_quantiles(values, weights, qs):
    order = np.argsort(values, kind="mergesort")
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    c = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, c, v)) for q in qs]


def percentile(score, quantiles):
    q = np.asarray(quantiles)
    return np.interp(score, q, np.linspace(0, 1, len(q)), left=0.0, right=1.0)


def default_catalog_section(dll, rows):
    """How `flux-auto` on the embedded default catalog treats requests the fit never saw: the top-quality band (quality
    at least TOP_QUALITY), the cheapest model, and what they cost."""
    with open(os.path.join(ROOT, "src", "RoutingCore", "Catalog", "default-catalog.json"), encoding="utf-8") as f:
        catalog = json.load(f)["Routing"]
    quality = {k: v.get("Quality", 0) for k, v in catalog["Models"].items()}
    tradeoff = catalog["Aliases"]["flux-auto"]["Tradeoff"]
    decisions = run_cli(dll, [request(r["messages"]) for r in rows])
    out = ["", f"## `flux-auto` on the default catalog (Tradeoff {tradeoff}), requests the fit never saw", "",
           f"Top band: a model of quality ≥ {TOP_QUALITY}. Cost: the engine's estimate (USD per request).", "",
           "| requests | count | on the top band | mean percentile | mean estimated cost | models |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    costs = {}
    for label in ("hard", "easy"):
        ds = [d for d, r in zip(decisions, rows) if r["label"] == label]
        top = np.mean([quality.get(d["model"], 0) >= TOP_QUALITY for d in ds])
        cost = float(np.mean([d["estimate"]["cost_usd"] for d in ds]))
        costs[label] = cost
        models = ", ".join(f"{m} {c}" for m, c in sorted(collections.Counter(d["model"] for d in ds).items(), key=lambda kv: -kv[1]))
        out.append(f"| {label} | {len(ds)} | {top:.0%} | {np.mean([d['difficulty'] for d in ds]):.2f} | {cost:.6f} | {models} |")
    out += ["", f"Hard requests cost {costs['hard'] / costs['easy']:.1f}× easy ones."]
    for lang in sorted({r["lang"] for r in rows}):
        ds = [(d, r) for d, r in zip(decisions, rows) if r["lang"] == lang]
        hard = [quality.get(d["model"], 0) >= TOP_QUALITY for d, r in ds if r["label"] == "hard"]
        easy = [quality.get(d["model"], 0) >= TOP_QUALITY for d, r in ds if r["label"] == "easy"]
        out.append(f"- `{lang}`: hard on the top band {np.mean(hard):.0%} of {len(hard)}, easy {np.mean(easy):.0%} of {len(easy)}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--check", action="store_true", help="recompute the CLI's scores from the committed weights and compare")
    args = ap.parse_args()
    bench = load(args.data)
    mine = load_labelled()
    dll = build_cli()

    if args.check:
        with open(WEIGHTS, encoding="utf-8") as f:
            shipped = json.load(f)
        w = np.array([{f["name"]: f["weight"] for f in shipped["features"]}[n] for n in FEATURES])
        bodies = [single(r) for r in bench] + [follow_up(r, i) for i, r in enumerate(bench)] + [request(r["messages"]) for r in mine]
        x, cli = cli_features(dll, bodies)
        ours = shipped["intercept"] + x @ w
        worst = float(np.max(np.abs(ours - cli)))
        print(f"{len(bodies)} requests: largest difference between this tool's score and the CLI's: {worst:.3g}")
        sys.exit(0 if worst < 1e-9 else 1)

    print(f"{len(bench)} benchmark prompts, {len(mine)} labelled requests", file=sys.stderr)
    xb1, _ = cli_features(dll, [single(r) for r in bench])
    xb2, _ = cli_features(dll, [follow_up(r, i) for i, r in enumerate(bench)])
    xm, _ = cli_features(dll, [request(r["messages"]) for r in mine])
    yb = np.array([r["y"] for r in bench], dtype=float)
    ym = np.array([r["y"] for r in mine], dtype=float)
    src = np.array([r["source"] for r in bench])
    groups = subject_groups(bench)
    grp = np.array([groups.get(r["subject"], -1) for r in bench])
    lang = np.array([r["lang"] for r in mine])
    held = np.array([r["heldout"] for r in mine])
    size = FEATURES.index("conversation_size")

    def fit_on(bmask, mmask, share, l2, floor):
        parts = [(xb1[bmask], yb[bmask], (1 - share) * 2 / 3), (xb2[bmask], yb[bmask], (1 - share) / 3)]
        if mmask.any():
            parts.append((xm[mmask], ym[mmask], share))
        return fit_parts(parts, l2, floor)

    def folds(share, l2, floor):
        """Out-of-domain results of one configuration: (name, kind, fitted, length, constant) per fold."""
        out = []
        train_mine = ~held
        for g in range(3):
            b = ~((src == "mmlu") & (grp == g))
            w, c = fit_on(b, train_mine, share, l2, floor)
            idx = np.nonzero(~b)[0]
            rows = [bench[i] for i in idx]
            out.append((f"MMLU subject group {g + 1} held out ({len(idx)} prompts)", "APGR",
                        metrics(c + xb1[idx] @ w, rows)[0], metrics(xb1[idx, size], rows)[0], 0.5))
        b = src != "gsm8k"
        w, c = fit_on(b, train_mine, share, l2, floor)
        idx = np.nonzero(~b)[0]
        rows = [bench[i] for i in idx]
        out.append((f"GSM8K held out ({len(idx)} problems)", "APGR", metrics(c + xb1[idx] @ w, rows)[0], metrics(xb1[idx, size], rows)[0], 0.5))
        for l in sorted(set(lang)):
            m = train_mine & (lang != l)
            w, c = fit_on(np.ones(len(bench), bool), m, share, l2, floor)
            t = lang == l
            out.append((f"own requests, language `{l}` held out ({t.sum()})", "AUC", auc(c + xm[t] @ w, ym[t]), auc(xm[t, size], ym[t]), 0.5))
        w, c = fit_on(np.ones(len(bench), bool), train_mine, share, l2, floor)
        out.append((f"own requests, the never-fitted 30% ({held.sum()})", "AUC", auc(c + xm[held] @ w, ym[held]), auc(xm[held, size], ym[held]), 0.5))
        multi = held & np.array([r["turns"] == "multi" for r in mine])
        if multi.sum() >= 4 and 0 < ym[multi].mean() < 1:
            out.append((f"own multi-turn threads in the 30% ({multi.sum()})", "AUC", auc(c + xm[multi] @ w, ym[multi]), auc(xm[multi, size], ym[multi]), 0.5))
        return out

    # Configurations: the share of the project's own requests in the fit and the L2 strength. The rule: the one whose
    # worst margin over prompt length, across every out-of-domain fold, is largest (never worse than length anywhere
    # beats winning one split).
    results = {}
    for share in [0.5, 0.75, 0.9]:
        for l2 in [0.1, 0.3, 1.0]:
            for floor in [0.0, 0.5, 1.0, 2.0]:
                f = folds(share, l2, floor)
                worst = min(fit_ - length for _, _, fit_, length, _ in f)
                own = float(np.mean([r[2] for r in f if r[1] == "AUC"]))
                results[(share, l2, floor)] = (worst, f, own)
                print(f"  share={share} l2={l2:g} size floor={floor}: worst margin over length {worst:+.4f}, own AUC {own:.4f}", file=sys.stderr)
    # Within TOLERANCE of length everywhere (APGR on a ~2,000-prompt benchmark set moves by about that much between
    # resamples), the configuration that ranks the project's requests best; if none is, the largest worst margin.
    within = {k: v for k, v in results.items() if v[0] >= -TOLERANCE}
    pick = max(within.items(), key=lambda kv: kv[1][2]) if within else max(results.items(), key=lambda kv: kv[1][0])
    (share, l2, floor), (worst, chosen, _) = pick

    # The shipped fit: every benchmark prompt and the project's requests outside the never-fitted 30%.
    weights, intercept = fit_on(np.ones(len(bench), bool), ~held, share, l2, floor)

    # The reference mix: benchmark items (REFERENCE_BENCH of the weight) and the project's everyday and expert
    # requests in seven languages (the rest). The difficulty is a request's percentile in it.
    ref_scores = np.concatenate([intercept + xm @ weights, intercept + xb1 @ weights])
    ref_w = np.concatenate([np.full(len(mine), (1 - REFERENCE_BENCH) / len(mine)), np.full(len(bench), REFERENCE_BENCH / len(bench))])
    quantiles = weighted_quantiles(ref_scores, ref_w, np.linspace(0, 1, 101))
    for i in range(1, len(quantiles)):
        quantiles[i] = max(quantiles[i], quantiles[i - 1])

    out = {
        "version": 2,
        "fitted_on": "router-data/train.jsonl and tools/difficulty/data/labelled.jsonl minus its never-fitted 30% (tools/difficulty/REPORT.md)",
        "label": "benchmarks: weak model wrong and strong model right; own requests: hard by the rubric",
        "reference": f"percentiles of a mix: the benchmark prompts ({REFERENCE_BENCH:.0%}) and the project's labelled requests in seven languages ({1 - REFERENCE_BENCH:.0%})",
        "intercept": float(intercept),
        "features": [{"name": n, "weight": float(weights[j]), "fitted": n not in PRIORS} for j, n in enumerate(FEATURES)],
        "quantiles": quantiles,
    }
    with open(WEIGHTS, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")

    # What the shipped weights do on the never-fitted 30% of the project's requests: percentiles and a two-model share.
    d_mine = percentile(intercept + xm @ weights, quantiles)
    d_bench = percentile(intercept + xb1 @ weights, quantiles)
    lines = [
        "# Difficulty estimator: fit report",
        "",
        "Written by `tools/difficulty/fit.py` (do not edit by hand). Features: the engine's own, read from "
        "`routingcore route --json --explain` on each request. Labels: benchmark prompts — the weak model "
        "(Mixtral-8x7B-Instruct) answered wrong and the strong one (GPT-4-1106) right; the project's own requests "
        f"(`data/labelled.jsonl`, {len(mine)} in seven languages, rubric in README.md) — hard or easy.",
        "",
        f"- Chosen configuration: own requests weigh {share:.0%} of the fit, L2 {l2:g}, size kept at ≥ {floor:g} s.d.: "
        f"of the configurations never more than {TOLERANCE} below prompt length on any out-of-domain fold below (worst "
        f"margin {worst:+.4f}), the one that ranks the project's held-out requests best.",
        f"- Shipped weights: fitted on all {len(bench)} benchmark prompts (each also as a follow-up thread) and "
        f"{(~held).sum()} of the project's requests; the other {held.sum()} were never fitted on.",
        "",
        "## Out of domain",
        "",
        "Each row is fitted without the set it is measured on. APGR: RouteLLM's average performance gap recovered "
        "(0.5 = random); AUC: hard ranked above easy. Prompt length is `conversation_size`; the constant ranks "
        "everything alike.",
        "",
        "| held-out set | metric | fitted | prompt length | constant |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name, kind, a, b, c in chosen:
        lines.append(f"| {name} | {kind} | {a:.4f} | {b:.4f} | {c:.2f} |")
    lines += ["", "Every configuration tried (worst margin over length across those folds):", "",
              "| own-request share | L2 | size floor (s.d.) | worst margin | mean AUC, own requests |", "| ---: | ---: | ---: | ---: | ---: |"]
    for (s, l, fl), (wst, _, own) in sorted(results.items()):
        lines.append(f"| {s:.2f} | {l:g} | {fl:g} | {wst:+.4f} | {own:.4f} |")

    lines += ["", "## The shipped weights on requests they never saw", ""]
    h = held
    for name, mask in [("hard", h & (ym == 1)), ("easy", h & (ym == 0))]:
        v = d_mine[mask]
        lines.append(f"- {name} ({mask.sum()}): percentile median {np.median(v):.2f}, quartiles {np.quantile(v, 0.25):.2f}–{np.quantile(v, 0.75):.2f}")
    lines += ["", "Two-model share sent up (a request goes up when its percentile exceeds 1 − t):", "",
              "| traffic | t = 0.25 | t = 0.5 | t = 0.75 |", "| --- | ---: | ---: | ---: |"]
    for name, d in [("reference mix (by construction)", None), ("benchmark prompts", d_bench), ("own requests, never-fitted 30%", d_mine[h]),
                    ("own hard, never-fitted", d_mine[h & (ym == 1)]), ("own easy, never-fitted", d_mine[h & (ym == 0)])]:
        if d is None:
            lines.append(f"| {name} | 25% | 50% | 75% |")
        else:
            lines.append(f"| {name} | " + " | ".join(f"{np.mean(d > 1 - t):.0%}" for t in (0.25, 0.5, 0.75)) + " |")

    # The default catalog with the weights just written: the CLI is rebuilt, so these are the engine's own decisions.
    lines += default_catalog_section(build_cli(), [r for r in mine if r["heldout"]])

    lines += ["", "## Weights", "", "| feature | weight | how |", "| --- | ---: | --- |"]
    for j, n in enumerate(FEATURES):
        how = "prior (the data never has it)" if n in PRIORS else ("fitted, ≥ 0" if n in NON_NEGATIVE else "fitted, ≤ 0" if n in NON_POSITIVE else "fitted")
        lines.append(f"| `{n}` | {weights[j]:.4f} | {how} |")
    lines += [f"| intercept | {intercept:.4f} | fitted |", "",
              "## What this does not show", "",
              "- The project's requests were written by the same people who wrote the task lexicon, so their AUC is an "
              "optimistic figure for everyday traffic: the held-out languages and the never-fitted 30% keep the fit from "
              "memorising requests, not the lexicon from matching its authors' phrasing.",
              "- On the benchmarks every signal, prompt length included, ranks close to a constant inside held-out "
              "subject groups; the shipped weights stay within the tolerance of prompt length there and beat it on "
              "some groups, not on all. The MMLU figure is mostly the subject mix (which subjects the weak model "
              "fails), which cheap signals read poorly.",
              "- Short hard asks (a one-line proof request) are the estimator's weak spot: size is held up for the "
              "benchmarks' sake, and one demand word does not always outweigh it.", ""]
    with open(REPORT, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
