#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vmlinux-pack.py IN OUT: rewrite an x86-64 ELF vmlinux for pvhstub.

The boot loader has to read the whole module, and under Bochs GRUB
reads a CD at about 2.6 MB/s, while about half of Debian's 66 MB
vmlinux is zero pages (.bss/.brk are stored as zeros in the last
PT_LOAD) plus 2 MB of alignment padding.  This writes an equivalent ELF
for pvhstub: the same memory image expressed as PT_LOAD pieces whose
zero tails are left to p_memsz > p_filesz (pvhstub zeroes them), plus
the PT_NOTE (for the PVH entry note); no section headers.  Only pvhstub
(or another loader that honours p_paddr/p_memsz) can boot the result.
"""
import struct
import sys

PAGE = 4096
MIN_HOLE = 64 * 1024    # zero runs shorter than this stay in the file
EHDR = struct.Struct('<16sHHIQQQIHHHHHH')
PHDR = struct.Struct('<IIQQQQQQ')
PT_LOAD, PT_NOTE = 1, 4


def pieces(data, memsz):
    """Yield (start, filesz, memsz) covering a segment, skipping zero runs."""
    n = len(data)
    zero = bytes(PAGE)
    start = 0
    pos = 0
    while pos < n:
        if data[pos:pos + PAGE] != zero[:min(PAGE, n - pos)]:
            pos += PAGE
            continue
        end = pos
        while end < n and data[end:end + PAGE] == zero[:min(PAGE, n - end)]:
            end += PAGE
        end = min(end, n)
        if end == n or end - pos >= MIN_HOLE:
            if pos > start:
                yield start, pos - start, (end if end < n else memsz) - start
            elif start == 0 and pos == 0 and end == n:
                yield 0, 0, memsz
            start = end
        pos = end
    if start < n:
        yield start, n - start, memsz - start


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: vmlinux-pack.py IN OUT')
    with open(sys.argv[1], 'rb') as f:
        elf = f.read()
    eh = EHDR.unpack_from(elf, 0)
    ident, e_type, machine, version, entry, phoff = eh[:6]
    phentsize, phnum = eh[9], eh[10]
    if ident[:5] != b'\x7fELF\x02' or machine != 62 or phentsize != PHDR.size:
        sys.exit('vmlinux-pack.py: not an x86-64 ELF64 vmlinux')

    out_ph = []     # (type, flags, vaddr, paddr, data, memsz, align)
    for i in range(phnum):
        p_type, flags, off, vaddr, paddr, filesz, memsz, align = \
            PHDR.unpack_from(elf, phoff + i * PHDR.size)
        data = elf[off:off + filesz]
        if p_type == PT_NOTE:
            out_ph.append((p_type, flags, vaddr, paddr, data, filesz, 4))
        elif p_type == PT_LOAD:
            for start, fsz, msz in pieces(data, memsz):
                out_ph.append((PT_LOAD, flags, vaddr + start, paddr + start,
                               data[start:start + fsz], msz, PAGE))

    hdr_size = EHDR.size + len(out_ph) * PHDR.size
    offset = (hdr_size + 15) & ~15
    phdrs = b''
    blobs = []
    for p_type, flags, vaddr, paddr, data, memsz, align in out_ph:
        phdrs += PHDR.pack(p_type, flags, offset, vaddr, paddr, len(data),
                           memsz, align)
        blobs.append(data)
        offset += (len(data) + 15) & ~15
    ehdr = EHDR.pack(ident, e_type, machine, version, entry, EHDR.size, 0,
                     eh[7], EHDR.size, PHDR.size, len(out_ph), 0, 0, 0)
    with open(sys.argv[2], 'wb') as f:
        f.write(ehdr + phdrs)
        f.write(bytes(((hdr_size + 15) & ~15) - hdr_size))
        for b in blobs:
            f.write(b)
            f.write(bytes(((len(b) + 15) & ~15) - len(b)))


if __name__ == '__main__':
    main()
