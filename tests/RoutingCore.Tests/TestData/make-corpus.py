#!/usr/bin/python3
"""Regenerates the header-walker corpus (TestData/corpus/) with real encoders and records a reference decoder's
answer for every file in corpus.tsv. Not run by the build; the files and the manifest are committed.

    apt-get install imagemagick webp gifsicle libjpeg-turbo-progs python3-pil libheif-examples apngasm
    /usr/bin/python3 make-corpus.py

Reference answers: Pillow (what it decodes: size after GIF frame growth, n_frames) for PNG, APNG, JPEG, GIF, WebP and
BMP; djpeg (libjpeg-turbo, the decoder providers use) for the JPEGs with stray bytes; heif-info (libheif) for HEIC.
The few hand-built files (a HEIF with a clean aperture, a BigTIFF header, a GIF frame beyond a tiny screen) are
written the way their writers lay them out, and their expected answers come from the format specifications.
"""
import io, os, shutil, struct, subprocess, tempfile
from PIL import Image, ImageDraw

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "corpus")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
tmp = tempfile.mkdtemp()
rows = []

def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def picture(w, h, seed=0):
    im = Image.new("RGB", (w, h), (200, (30 + seed) % 256, 60))
    d = ImageDraw.Draw(im)
    d.rectangle([w // 4, h // 4, 3 * w // 4, 3 * h // 4], fill=(20, 120, (220 + seed) % 256))
    d.line([0, 0, w, h], fill=(255, 255, 255), width=max(1, w // 50))
    return im

def pillow_ref(path):
    with Image.open(path) as im:
        frames = getattr(im, "n_frames", 1)
        return im.format.lower(), im.size[0], im.size[1], frames > 1

def djpeg_ref(path):
    # djpeg exits 2 after warnings such as "extraneous bytes before marker": the image still decodes.
    result = subprocess.run(["djpeg", "-pnm", path], capture_output=True)
    if result.returncode not in (0, 2) or not result.stdout: raise RuntimeError("djpeg failed on " + path)
    pnm = result.stdout
    parts = pnm.split(None, 3)
    return "jpeg", int(parts[1]), int(parts[2]), False

def heif_ref(path):
    info = subprocess.run(["heif-info", path], check=True, capture_output=True, text=True).stdout
    for line in info.splitlines():
        line = line.strip()
        if line.startswith("image:") and "primary" in line:
            w, h = line.split()[1].split("x")
            return "heic", int(w), int(h), False
    raise RuntimeError("no primary image in " + path)

def add(name, ref, source, expected=None):
    fmt, w, h, animated = expected if expected else ref(os.path.join(out, name))
    rows.append((name, fmt, w, h, "true" if animated else "false", source))

fmt_alias = {"jpeg": "jpeg", "png": "png", "gif": "gif", "webp": "webp", "bmp": "bmp", "heic": "heic"}
sizes = [(1, 1), (7, 3), (16, 16), (63, 65), (123, 77), (200, 133), (257, 129), (320, 240), (511, 513), (640, 480), (1025, 31)]

for (w, h) in sizes:
    base = f"{w}x{h}"
    src = picture(w, h, seed=w % 97)
    png = os.path.join(tmp, base + ".png"); src.save(png)
    ppm = os.path.join(tmp, base + ".ppm"); src.save(ppm)

    # Pillow
    src.save(os.path.join(out, f"pil-{base}.png")); add(f"pil-{base}.png", pillow_ref, "Pillow 9.4 PNG")
    src.save(os.path.join(out, f"pil-{base}-q50.jpg"), quality=50); add(f"pil-{base}-q50.jpg", pillow_ref, "Pillow JPEG q50")
    src.save(os.path.join(out, f"pil-{base}-prog.jpg"), quality=90, progressive=True, subsampling=0); add(f"pil-{base}-prog.jpg", pillow_ref, "Pillow progressive JPEG 4:4:4")
    src.convert("P").save(os.path.join(out, f"pil-{base}.gif")); add(f"pil-{base}.gif", pillow_ref, "Pillow GIF")
    src.save(os.path.join(out, f"pil-{base}.webp"), quality=70); add(f"pil-{base}.webp", pillow_ref, "Pillow WebP lossy")
    src.save(os.path.join(out, f"pil-{base}-one-frame.png"), save_all=True); add(f"pil-{base}-one-frame.png", pillow_ref, "Pillow APNG with acTL num_frames=1")
    frames = [picture(w, h, seed=k * 50) for k in range(3)]
    frames[0].save(os.path.join(out, f"pil-{base}-anim.png"), save_all=True, append_images=frames[1:], duration=80)
    add(f"pil-{base}-anim.png", pillow_ref, "Pillow APNG, 3 frames")

    # ImageMagick 6
    for ext, opts in [("png", []), ("jpg", ["-quality", "85"]), ("gif", []), ("webp", ["-quality", "60"])]:
        name = f"im-{base}.{ext}"
        run("convert", png, *opts, os.path.join(out, name)); add(name, pillow_ref, "ImageMagick 6.9 " + ext)
    name = f"im-{base}-interlace.jpg"
    run("convert", png, "-interlace", "JPEG", "-quality", "70", os.path.join(out, name)); add(name, pillow_ref, "ImageMagick progressive JPEG")

    # libjpeg-turbo
    for tag, opts in [("q95", ["-quality", "95"]), ("prog", ["-progressive"]), ("arith", ["-arithmetic"]), ("gray", ["-grayscale"]),
                      ("restart", ["-restart", "1"])]:
        name = f"cjpeg-{base}-{tag}.jpg"
        run("cjpeg", *opts, "-outfile", os.path.join(out, name), ppm); add(name, djpeg_ref, "libjpeg-turbo cjpeg " + " ".join(opts))

    # libwebp
    for tag, opts in [("lossy", ["-q", "50"]), ("lossless", ["-lossless"]), ("meta", ["-q", "80", "-metadata", "all"])]:
        name = f"cwebp-{base}-{tag}.webp"
        run("cwebp", *opts, png, "-o", os.path.join(out, name)); add(name, pillow_ref, "libwebp cwebp " + " ".join(opts))
    fpng = []
    for k, f in enumerate(frames):
        p = os.path.join(tmp, f"{base}-f{k}.png"); f.save(p); fpng.append(p)
    name = f"img2webp-{base}-anim.webp"
    run("img2webp", "-loop", "0", *fpng, "-o", os.path.join(out, name)); add(name, pillow_ref, "libwebp img2webp, 3 frames")

    # gifsicle
    gif = os.path.join(out, f"pil-{base}.gif")
    name = f"gifsicle-{base}-O3.gif"
    run("gifsicle", "-O3", "--colors", "16", gif, "-o", os.path.join(out, name)); add(name, pillow_ref, "gifsicle -O3 --colors 16")
    fgif = []
    for k, f in enumerate(frames):
        p = os.path.join(tmp, f"{base}-f{k}.gif"); f.convert("P").save(p); fgif.append(p)
    name = f"gifsicle-{base}-anim.gif"
    run("gifsicle", "--delay", "10", "--loop", *fgif, "-o", os.path.join(out, name)); add(name, pillow_ref, "gifsicle animation, 3 frames")

    # apngasm
    name = f"apngasm-{base}-anim.png"
    run("apngasm", os.path.join(out, name), *fpng, "1", "10"); add(name, pillow_ref, "apngasm, 3 frames")

    # libheif (x265)
    if w >= 16 and h >= 16:
        name = f"heifenc-{base}.heic"
        run("heif-enc", "-q", "40", png, "-o", os.path.join(out, name)); add(name, heif_ref, "libheif heif-enc (x265)")

# JPEG with stray bytes between segments, as Photoshop and some camera firmware write them: libjpeg skips them
# ("Corrupt JPEG data: N extraneous bytes before marker") and decodes the image.
def stray(src_name, dst_name, garbage):
    data = open(os.path.join(out, src_name), "rb").read()
    pos, insert_at = 2, None
    while True:
        marker, length = data[pos + 1], struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker == 0xDB:  # before the first quantisation table
            insert_at = pos
            break
        pos += 2 + length
    open(os.path.join(out, dst_name), "wb").write(data[:insert_at] + garbage + data[insert_at:])
    add(dst_name, djpeg_ref, "cjpeg output with stray bytes inserted before DQT (" + str(len(garbage)) + " bytes)")

stray("cjpeg-320x240-q95.jpg", "stray-320x240-zeros.jpg", b"\x00\x00")
stray("cjpeg-640x480-prog.jpg", "stray-640x480-text.jpg", b"Photoshop 3.0\x00")
stray("cjpeg-123x77-q95.jpg", "stray-123x77-stuffed.jpg", b"\x12\xff\x00\x34")

# A GIF whose first frame lies beyond its 32x32 logical screen (gifsicle --logical-screen): decoders show the frame.
name = "gifsicle-screen32-frame100x80.gif"
small = os.path.join(tmp, "f.gif"); picture(100, 80).convert("P").save(small)
run("gifsicle", "--logical-screen", "32x32", "--position", "10,20", small, "-o", os.path.join(out, name))
add(name, pillow_ref, "gifsicle --logical-screen 32x32 --position 10,20 on a 100x80 frame")

# A crafted GIF: 32x32 screen, first frame 65535x65535 at top 1066 (extent 65535x66601), image data cut short.
gif = b"GIF89a" + struct.pack("<HHBBB", 32, 32, 0, 0, 0) + b"\x2c" + struct.pack("<HHHHB", 0, 1066, 65535, 65535, 0) + b"\x08\x02\x4c\x01\x00\x3b"
open(os.path.join(out, "crafted-screen32-frame65535x66601.gif"), "wb").write(gif)
add("crafted-screen32-frame65535x66601.gif", None, "hand-built (GIF89a descriptor at 0,1066)", ("gif", 65535, 66601, False))

# A HEIF laid out as libheif and Apple write odd sizes: coded 124x78 (ispe) with a clean aperture of 123x77 (clap).
def box(t, payload): return struct.pack(">I", 8 + len(payload)) + t + payload
def full(t, version, flags, payload): return box(t, struct.pack(">B", version) + flags.to_bytes(3, "big") + payload)
ispe = full(b"ispe", 0, 0, struct.pack(">II", 124, 78))
clap = box(b"clap", struct.pack(">IIIIiIiI", 123, 1, 77, 1, -1, 2, -1, 2))
thumb = full(b"ispe", 0, 0, struct.pack(">II", 320, 240))  # a larger, non-primary property must not win
ipco = box(b"ipco", ispe + clap + thumb)
ipma = full(b"ipma", 0, 0, struct.pack(">I", 2) + struct.pack(">HB", 1, 1) + bytes([3]) + struct.pack(">HB", 2, 2) + bytes([0x81, 2]))
meta = full(b"meta", 0, 0, full(b"hdlr", 0, 0, b"\0\0\0\0pict" + b"\0" * 13) + full(b"pitm", 0, 0, struct.pack(">H", 2)) + box(b"iprp", ipco + ipma))
open(os.path.join(out, "crafted-clap-123x77.heic"), "wb").write(box(b"ftyp", b"heic\0\0\0\0mif1heic") + meta)
add("crafted-clap-123x77.heic", None, "hand-built (ISO/IEC 23008-12 ispe 124x78 + clap 123/1 x 77/1 on the primary item)", ("heic", 123, 77, False))

# BigTIFF (ImageMagick writes it with the TIFF64 coder): named TIFF, size not read.
name = "im-bigtiff-40x30.tif"
run("convert", os.path.join(out, "pil-123x77.png"), "-resize", "40x30!", "TIFF64:" + os.path.join(out, name))
rows.append((name, "tiff", 0, 0, "false", "ImageMagick TIFF64 (BigTIFF); size not read by design"))

with open(os.path.join(here, "corpus.tsv"), "w") as f:
    f.write("# file\tformat\twidth\theight\tanimated\tsource (reference: see make-corpus.py)\n")
    for r in rows:
        f.write("\t".join(str(x) for x in r) + "\n")
shutil.rmtree(tmp)
print(len(rows), "files in", out)
