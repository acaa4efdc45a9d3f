#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed inputs for fuzz_9p: msize[2] (minus 7) then a stream of
T-messages, as v9fs sends them over trans=fd."""
import struct
import sys
from pathlib import Path


def s(x):
    b = x.encode()
    return struct.pack('<H', len(b)) + b


def msg(typ, tag, body):
    return struct.pack('<IBH', 7 + len(body), typ, tag) + body


def stat(name, length=0):
    body = struct.pack('<HIBIQIIIQ', 0xffff, 0xffffffff, 0xff, 0xffffffff,
                       0xffffffffffffffff, 0xffffffff, 0xffffffff,
                       1234, length)
    body += s(name) + s('') + s('') + s('')
    body = struct.pack('<H', len(body)) + body
    return struct.pack('<H', len(body)) + body


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    msize = struct.pack('<H', 65535)
    session = [
        msg(100, 0xffff, struct.pack('<I', 65536) + s('9P2000')),
        msg(104, 0, struct.pack('<II', 0, 0xffffffff) + s('root') + s('')),
        msg(110, 1, struct.pack('<IIH', 0, 1, 1) + s('ctl')),
        msg(112, 2, struct.pack('<IB', 1, 0x11)),
        msg(126, 3, struct.pack('<I', 1) + stat('', 0)),
        msg(118, 4, struct.pack('<IQI', 1, 0, 5) + b'init\n'),
        msg(120, 5, struct.pack('<I', 1)),
        msg(110, 6, struct.pack('<IIH', 0, 2, 2) + s('..') + s('wait')),
        msg(112, 7, struct.pack('<IB', 0, 0)),
        msg(116, 8, struct.pack('<IQI', 0, 0, 8168)),
        msg(116, 9, struct.pack('<IQI', 2, 0, 8168)),
        msg(108, 10, struct.pack('<H', 9)),
        msg(124, 11, struct.pack('<I', 0)),
        msg(114, 12, struct.pack('<I', 0) + s('new') +
            struct.pack('<IB', 0o644, 1)),
        msg(122, 13, struct.pack('<I', 2)),
        msg(102, 14, struct.pack('<I', 5) + s('u') + s('')),
    ]
    (out / 'session').write_bytes(msize + b''.join(session))
    for i, m in enumerate(session):
        (out / f'msg-{i:02d}').write_bytes(msize + m)
    (out / 'split-small-msize').write_bytes(struct.pack('<H', 249) +
                                            b''.join(session[:4]))


if __name__ == '__main__':
    main()
