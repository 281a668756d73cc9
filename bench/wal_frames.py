#!/usr/bin/env python3
"""Which tables and indexes the frames of a SQLite WAL belong to, per commit.

Usage: bench/wal_frames.py DB WAL_COPY

DB is the database the WAL belongs to and WAL_COPY a copy of its -wal file, both taken after the
server was stopped with `kill -9` under load (which leaves the WAL as it was). Both are read
through copies, so nothing is checkpointed into DB. Only frames up to the last commit frame of
the current WAL generation (matching salts) count. Used for bench/README.md, issue 18: the pages
a commit writes are the WAL's bytes, its checksums and its kernel copies.
"""
import collections
import os
import shutil
import sqlite3
import struct
import sys
import tempfile


def frames_of(wal: bytes):
    if len(wal) < 32:
        return 0, []
    page_size = struct.unpack(">I", wal[8:12])[0]
    salt = wal[16:24]
    frames, offset = [], 32
    while offset + 24 + page_size <= len(wal):
        page, commit_size = struct.unpack(">II", wal[offset:offset + 8])
        if wal[offset + 8:offset + 16] != salt:
            break  # a frame of an older generation: the current one ends here
        frames.append((page, commit_size != 0))
        offset += 24 + page_size
    last_commit = max((i for i, (_, commit) in enumerate(frames) if commit), default=-1)
    return page_size, frames[:last_commit + 1]


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    db_path, wal_path = sys.argv[1:]
    with open(wal_path, "rb") as f:
        page_size, frames = frames_of(f.read())
    commits = sum(1 for _, commit in frames if commit)
    if not commits:
        print("no committed frames in", wal_path)
        return 1
    with tempfile.TemporaryDirectory() as tmp:  # the copy reads through its WAL: every page has its owner
        copy = os.path.join(tmp, "db.sqlite")
        shutil.copyfile(db_path, copy)
        shutil.copyfile(wal_path, copy + "-wal")
        owner = {page: name for name, page in sqlite3.connect(copy).execute("SELECT name, pageno FROM dbstat")}
    counts = collections.Counter(owner.get(page, "(new or free page)") for page, _ in frames)
    print(f"page size {page_size}, {len(frames)} frames in {commits} commits, {len(frames) / commits:.1f} frames a commit")
    for name, n in counts.most_common():
        print(f"{name:40s} {n:8d} {n / commits:7.2f} a commit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
