#!/usr/bin/env python3
"""Builds the text-token measurement corpus from free-software text that Debian and npm packages install on this
machine (code, JSON, Markdown, English prose, UI message catalogs in many languages), recording each sample's
package, path and licence. Token counts are added by count.mjs (the gpt-tokenizer npm package). Not run by the build:

    python3 make-corpus.py > /tmp/corpus.json
    npm install --prefix /tmp/tok4 gpt-tokenizer@4 openai@6
    NODE_PATH=/tmp/tok4/node_modules node count.mjs /tmp/corpus.json ../../tests/RoutingCore.Tests/TestData/token-corpus.json
"""
import glob, gettext, gzip, io, json, os, random, re, subprocess, sys, zipfile

random.seed(20261122)
samples = []
_pkg_cache = {}


def debian_package(path):
    if path in _pkg_cache:
        return _pkg_cache[path]
    try:
        out = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True).stdout
        pkg = out.split(":")[0].strip() if out else "unknown"
    except OSError:
        pkg = "unknown"
    _pkg_cache[path] = pkg
    return pkg


def debian_licence(pkg):
    path = f"/usr/share/doc/{pkg}/copyright"
    try:
        with open(path, errors="replace") as f:
            text = f.read(20000)
        m = re.search(r"^License:\s*(\S[^\n]*)", text, re.M)
        return (m.group(1).strip() if m else f"see {path}")[:80]
    except OSError:
        return "see the package's copyright file"


def npm_package(path):
    d = os.path.dirname(path)
    while d.startswith("/usr/lib/node_modules") and d != "/usr/lib/node_modules":
        pj = os.path.join(d, "package.json")
        if os.path.exists(pj):
            try:
                meta = json.load(open(pj))
                lic = meta.get("license", "see package.json")
                return "npm:" + meta.get("name", os.path.basename(d)), lic if isinstance(lic, str) else str(lic)
            except (ValueError, OSError):
                break
        d = os.path.dirname(d)
    return "npm:unknown", "unknown"


def chunk(text, low=300, high=1400):
    lines = text.splitlines(keepends=True)
    if not lines:
        return None
    start = random.randrange(0, max(1, len(lines) - 5))
    out = ""
    for line in lines[start:]:
        if len(out) + len(line) > high and len(out) >= low:
            break
        out += line
    out = out.strip("\n")
    return out if len(out) >= low // 2 else None


def add(genre, lang, text, package, path, licence):
    if text and text.strip():
        samples.append({"id": f"{genre}-{len([s for s in samples if s['genre'] == genre]):03d}", "genre": genre, "lang": lang,
                        "package": package, "path": path, "licence": licence, "text": text})


REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def from_files(genre, lang, paths, count, reader=None, source=None):
    """Samples `count` files of `paths`; `source` (package, licence) names them when no package manager does."""
    paths = sorted(paths)
    random.shuffle(paths)
    taken = 0
    for p in paths:
        if taken >= count:
            break
        try:
            raw = reader(p) if reader else open(p, encoding="utf-8").read()
        except (UnicodeDecodeError, OSError, ValueError):
            continue
        text = chunk(raw)
        if not text:
            continue
        if source is not None:
            pkg, lic = source
        elif p.startswith("/usr/lib/node_modules"):
            pkg, lic = npm_package(p)
        else:
            pkg = debian_package(p)
            lic = debian_licence(pkg)
        add(genre, lang, text, pkg, os.path.relpath(p, REPO) if p.startswith(REPO + os.sep) else p, lic)
        taken += 1


# Source code in six languages.
from_files("code", "c", glob.glob("/usr/include/**/*.h", recursive=True), 40)
from_files("code", "python", glob.glob("/usr/lib/python3.11/*.py"), 40)
from_files("code", "perl", glob.glob("/usr/share/perl/5.36/**/*.pm", recursive=True), 30)
from_files("code", "javascript", glob.glob("/usr/lib/node_modules/npm/**/*.js", recursive=True), 40)
from_files("code", "tcl", glob.glob("/usr/share/tcltk/**/*.tcl", recursive=True), 25)

src_zip = "/usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip"
if os.path.exists(src_zip):
    z = zipfile.ZipFile(src_zip)
    names = sorted(n for n in z.namelist() if n.endswith(".java") and n.startswith("java.base/java/util"))
    random.shuffle(names)
    pkg = debian_package(os.path.realpath(src_zip))
    for n in names[:35]:
        text = chunk(z.read(n).decode("utf-8", "replace"))
        if text:
            add("code", "java", text, pkg, f"{src_zip}!{n}", "GPL-2.0 with Classpath exception")

# JSON (package manifests, schemas, data files).
from_files("json", "json", [p for p in glob.glob("/usr/lib/node_modules/**/*.json", recursive=True) if os.path.getsize(p) > 400]
           + glob.glob("/usr/share/**/*.json", recursive=True), 45)

# Markdown documentation.
from_files("markdown", "en", [p for p in glob.glob("/usr/lib/node_modules/**/*.md", recursive=True) if os.path.getsize(p) > 800]
           + glob.glob("/usr/share/doc/**/*.md", recursive=True), 45)

# English prose: licence texts and plain README files.
def read_maybe_gz(p):
    return gzip.open(p, "rt", encoding="utf-8").read() if p.endswith(".gz") else open(p, encoding="utf-8").read()

prose = [p for p in glob.glob("/usr/share/common-licenses/*") if os.path.isfile(p)]
prose += [p for p in glob.glob("/usr/share/doc/*/README*") if os.path.isfile(p) and not p.endswith(".md")]
from_files("prose", "en", prose, 50, reader=read_maybe_gz)

# Chat turns and prose in many scripts: the messages of installed gettext catalogs (English source strings; their
# translations). Consecutive messages are joined into a turn of a few sentences.
def catalog(path):
    with open(path, "rb") as f:
        return gettext.GNUTranslations(f)._catalog

def messages(path, translated):
    out = []
    for k, v in catalog(path).items():
        if isinstance(k, tuple) or not k:
            continue
        text = v if translated else k
        text = text.strip()
        if 20 <= len(text) <= 400 and "%" not in text and "\x00" not in text:
            out.append(text)
    return out

def turns(genre, lang, locale, count, translated, per_turn=(3, 7)):
    files = sorted(glob.glob(f"/usr/share/locale/{locale}/LC_MESSAGES/*.mo"))
    random.shuffle(files)
    taken = 0
    for path in files:
        if taken >= count:
            break
        try:
            msgs = messages(path, translated)
        except (OSError, UnicodeDecodeError, ValueError, IndexError):
            continue  # a catalog Python's gettext cannot parse
        random.shuffle(msgs)
        while msgs and taken < count:
            n = random.randint(*per_turn)
            group, msgs = msgs[:n], msgs[n:]
            if len(group) < 2:
                break
            pkg = debian_package(path)
            add(genre, lang, "\n".join(group), pkg, path, debian_licence(pkg))
            taken += 1
            if taken % 4 == 0:
                break  # spread the samples over many catalogs

turns("chat", "en", "de", 50, translated=False)
for locale, lang in [("zh_CN", "zh"), ("ja", "ja"), ("ko", "ko"), ("ar", "ar"), ("hi", "hi"), ("ru", "ru"), ("el", "el"),
                     ("he", "he"), ("th", "th"), ("uk", "uk"), ("vi", "vi"), ("fa", "fa"), ("bn", "bn"), ("de", "de")]:
    turns("prose", lang, locale, 20, translated=True, per_turn=(4, 9))

# More languages: C# (this repository's own sources), TypeScript (the openai npm client's sources, installed
# beside the tokenizer), Go and Rust standard libraries (Debian's golang-1.19-src and rust-src), shell scripts, and
# Georgian catalogs. Added after the rest so the earlier samples stay what they were.
cs = [p for p in glob.glob(os.path.join(REPO, "src", "**", "*.cs"), recursive=True) if "/obj/" not in p]
from_files("code", "csharp", cs, 35, source=("RoutingCore (this repository)", "this repository's licence"))
ts_root = os.environ.get("TS_SOURCES", "/tmp/tok4/node_modules/openai/src")
from_files("code", "typescript", [p for p in glob.glob(os.path.join(ts_root, "**", "*.ts"), recursive=True) if not p.endswith(".d.ts")], 35,
           source=("npm:openai", "Apache-2.0"))
from_files("code", "go", [p for p in glob.glob("/usr/share/go-1.19/src/**/*.go", recursive=True) if "/testdata/" not in p], 35)
from_files("code", "rust", glob.glob("/usr/src/rustc-*/library/**/*.rs", recursive=True), 35)
def is_shell(p):
    try:
        with open(p, "rb") as f:
            head = f.read(64)
        return head.startswith(b"#!/bin/sh") or head.startswith(b"#!/bin/bash") or head.startswith(b"#! /bin/sh")
    except OSError:
        return False
from_files("code", "shell", [p for p in glob.glob("/usr/bin/*") + glob.glob("/usr/sbin/*") + glob.glob("/etc/init.d/*") if os.path.isfile(p) and is_shell(p)], 35)
turns("prose", "ka", "ka", 20, translated=True, per_turn=(4, 9))

json.dump(samples, sys.stdout, ensure_ascii=False, indent=0)
print(f"{len(samples)} samples", file=sys.stderr)
