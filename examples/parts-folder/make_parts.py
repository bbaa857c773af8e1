#!/usr/bin/env python3
"""Makes a folder of 32 x 32 RGB "parts on a belt" from Fashion-MNIST, laid out as a factory's own images are.

    python3 examples/parts-folder/make_parts.py OUT [--good 7] [--wrong 5,9] [--train 1200] [--test 200]

OUT/train/good/       the good part (default: Fashion-MNIST's sneakers, class 7), training images
OUT/test/good/        good parts never seen in training (the test split)
OUT/test/wrong-part/  the wrong part on the belt (default: sandals and ankle boots, classes 5 and 9)

Each 28 x 28 grey garment is drawn in a warm tint on a grey belt, with a 2-pixel border. Standard library only; the
images come from Debian's dataset-fashion-mnist (installed by scripts/image-data, or DXMI_FASHION_MNIST_DIR).
"""
import argparse
import gzip
import os
import struct
import subprocess
import sys
import zlib

BELT = (60, 60, 70)
INK = (230, 170, 90)


def fashion_mnist_dir():
    if os.environ.get("DXMI_FASHION_MNIST_DIR"):
        return os.environ["DXMI_FASHION_MNIST_DIR"]
    try:
        files = subprocess.run(["dpkg", "-L", "dataset-fashion-mnist"], capture_output=True, text=True,
                               check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        sys.exit("make_parts.py: dataset-fashion-mnist is not installed (run scripts/image-data)")
    for f in files:
        if f.endswith("train-images-idx3-ubyte.gz"):
            return os.path.dirname(f)
    sys.exit("make_parts.py: dataset-fashion-mnist lists no train-images-idx3-ubyte.gz")


def read_idx(path):
    b = gzip.open(path).read()
    if b[3] == 3:
        n, h, w = struct.unpack(">III", b[4:16])
        return [b[16 + i * h * w:16 + (i + 1) * h * w] for i in range(n)]
    n = struct.unpack(">I", b[4:8])[0]
    return list(b[8:8 + n])


def write_png(path, rows, width, height):
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def on_belt(garment):
    rows = []
    for y in range(32):
        row = []
        for x in range(32):
            v = garment[(y - 2) * 28 + (x - 2)] / 255 if 2 <= y < 30 and 2 <= x < 30 else 0
            row += [round(b + (i - b) * v) for b, i in zip(BELT, INK)]
        rows.append(row)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--good", type=int, default=7)
    p.add_argument("--wrong", default="5,9")
    p.add_argument("--train", type=int, default=1200, help="good training images")
    p.add_argument("--test", type=int, default=200, help="good test images, and as many wrong parts")
    a = p.parse_args()
    wrong = {int(c) for c in a.wrong.split(",")}
    d = fashion_mnist_dir()
    for split, prefix, n_good, n_wrong in (("train", "train", a.train, 0), ("test", "t10k", a.test, a.test)):
        images = read_idx(os.path.join(d, prefix + "-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(d, prefix + "-labels-idx1-ubyte.gz"))
        good = [i for i, y in enumerate(labels) if y == a.good][:n_good]
        bad = [i for i, y in enumerate(labels) if y in wrong][:n_wrong]
        for name, ids in (("good", good), ("wrong-part", bad)):
            if not ids:
                continue
            folder = os.path.join(a.out, split, name)
            os.makedirs(folder, exist_ok=True)
            for i in ids:
                write_png(os.path.join(folder, f"{i:05d}.png"), on_belt(images[i]), 32, 32)
    print(f"{a.out}: train/good {a.train}, test/good {a.test}, test/wrong-part {a.test} (32 x 32 RGB PNG)")


if __name__ == "__main__":
    main()
