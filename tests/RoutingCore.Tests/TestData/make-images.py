#!/usr/bin/env python3
"""Regenerates the committed test images with real encoders (Pillow). Not run by the build.

    apt-get install python3-pil && python3 make-images.py
"""
import io, os, struct, zlib
from PIL import Image, ImageDraw

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "images")
os.makedirs(out, exist_ok=True)

def picture(w, h, mode="RGB", seed=0):
    im = Image.new(mode, (w, h), (200, 30 + seed, 60) if mode == "RGB" else None)
    d = ImageDraw.Draw(im)
    d.rectangle([w // 4, h // 4, 3 * w // 4, 3 * h // 4], fill=(20, 120, 220) if mode == "RGB" else None)
    return im

def save(name, im, **kw):
    im.save(os.path.join(out, name), **kw)

save("one-by-one.png", Image.new("RGB", (1, 1), (255, 0, 0)))
save("photo-640x480.png", picture(640, 480))
save("photo-1024x768.jpg", picture(1024, 768), quality=85)
save("progressive-800x600.jpg", picture(800, 600), quality=80, progressive=True)
# A progressive JPEG whose frame header sits behind a >64 KB ICC profile (split over APP2 segments) and EXIF.
icc = bytes((i * 7) & 0xFF for i in range(70000))
exif = Image.Exif(); exif[0x010E] = "x" * 20000
save("progressive-icc-1200x900.jpg", picture(1200, 900), quality=80, progressive=True, icc_profile=icc, exif=exif.tobytes())
save("cmyk-300x200.jpg", picture(300, 200).convert("CMYK"), quality=90)
save("still-320x240.gif", picture(320, 240).convert("P"))
frames = [picture(120, 90, seed=i * 40).convert("P") for i in range(3)]
frames[0].save(os.path.join(out, "animated-120x90.gif"), save_all=True, append_images=frames[1:], duration=100, loop=0)
rgb_frames = [picture(64, 48, seed=i * 40) for i in range(2)]
rgb_frames[0].save(os.path.join(out, "animated-64x48.png"), save_all=True, append_images=rgb_frames[1:], duration=100)
rgb_frames[0].save(os.path.join(out, "animated-64x48.webp"), save_all=True, append_images=rgb_frames[1:], duration=100)
save("lossy-500x300.webp", picture(500, 300), quality=80)
save("lossless-301x201.webp", picture(301, 201), lossless=True)
rgba = picture(257, 129).convert("RGBA"); rgba.putalpha(128)
save("alpha-257x129.webp", rgba, quality=80)
save("tiny-lossless-1x1.webp", Image.new("RGB", (1, 1), (0, 0, 0)), lossless=True)
save("bitmap-40x30.bmp", picture(40, 30))
save("scan-50x40.tiff", picture(50, 40))
with open(os.path.join(out, "vector.svg"), "w") as f:
    f.write('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')

# A PNG whose IHDR claims 100000x100000 (a decompression bomb); the tiny IDAT is never decoded.
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")
open(os.path.join(out, "bomb-100000x100000.png"), "wb").write(bomb)
print("written to", out)
