#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""emulate.py NAME.exits...: check guests' documented exits without VMX.

Runs build/NAME.bin in the unicorn CPU emulator (Debian: python3-unicorn)
and plays the module's part: an exiting instruction (in/out, hlt, cpuid,
vmcall) does not execute; it yields the line `wait` would print (without
the iinfo field) and the script's next `go` resumes the guest.  Only the
general registers, pc and sp are modelled: `regs`/`check`/`go` items for
other registers (segments, control registers, efer) are ignored, and the
vCPU mode comes from the file's `mode` line, so this checks the code and
the documented pcs, ilens, qualifications and values, not mode setup.
Prints TAP.
"""
import os
import sys

try:
    import unicorn as uc_mod
    from unicorn import x86_const as X
except ImportError:
    print('1..0 # SKIP python3-unicorn not installed')
    sys.exit(0)

GPR = {'ax': 'AX', 'bx': 'BX', 'cx': 'CX', 'dx': 'DX', 'si': 'SI',
       'di': 'DI', 'bp': 'BP', 'sp': 'SP', 'pc': 'IP'}
MODES = {'16': uc_mod.UC_MODE_16, '32': uc_mod.UC_MODE_32,
         '64': uc_mod.UC_MODE_64}


class Guest:
    def __init__(self, binary, mode):
        self.mode = mode
        self.uc = uc_mod.Uc(uc_mod.UC_ARCH_X86, MODES[mode])
        self.uc.mem_map(0, 2 << 20)
        with open(binary, 'rb') as f:
            self.uc.mem_write(0x1000, f.read())
        pre = 'R' if mode == '64' else 'E'
        self.ids = {k: getattr(X, 'UC_X86_REG_' + pre + v)
                    for k, v in GPR.items()}
        self.set('sp', 0x8000)
        self.pc = 0x1000
        self.uc.hook_add(uc_mod.UC_HOOK_CODE, self._hook)

    def get(self, name):
        return self.uc.reg_read(self.ids[name])

    def set(self, name, value):
        if name == 'pc':
            self.pc = value
        elif name in self.ids:
            self.uc.reg_write(self.ids[name], value)

    def _hook(self, uc, addr, size, _):
        b = bytes(uc.mem_read(addr, 4))
        osz = 2 if self.mode == '16' else 4
        if b[0] == 0x66:
            osz = 6 - osz
            b = b[1:]
        line = None
        common = 'pc %#x sp %#x ilen %#x' % (addr, self.get('sp'), size)
        if 0xe4 <= b[0] <= 0xe7 or 0xec <= b[0] <= 0xef:
            size1 = b[0] in (0xe4, 0xe6, 0xec, 0xee)
            imm = b[0] <= 0xe7
            port = b[1] if imm else self.get('dx') & 0xffff
            qual = (port << 16) | (0x40 if imm else 0)
            qual |= 0 if b[0] & 2 else 8       # e6/e7/ee/ef are out
            qual |= 0 if size1 else osz - 1
            line = 'io %#x %s ax %#x' % (qual, common, self.get('ax'))
        elif b[0] == 0xf4:
            line = '.hlt 0x0 ' + common
        elif b[:2] == b'\x0f\xa2':
            line = '.cpuid 0x0 %s ax %#x cx %#x' % (
                common, self.get('ax'), self.get('cx'))
        elif b[:3] == b'\x0f\x01\xc1':
            line = '.vmcall 0x0 %s ax %#x bx %#x cx %#x dx %#x' % (
                common, self.get('ax'), self.get('bx'), self.get('cx'),
                self.get('dx'))
        if line:
            self.exit = line
            uc.emu_stop()

    def run(self):
        self.exit = None
        self.uc.emu_start(self.pc, 1 << 40, count=1000000)
        if self.exit is None:
            return 'no exit in 1000000 instructions (pc %#x)' % self.get('pc')
        return self.exit


def same(want, got):
    w, g = want.split(), got.split()
    return len(w) == len(g) and all(a in ('*', b) for a, b in zip(w, g))


def check_file(path):
    name = os.path.basename(path)[:-len('.exits')]
    binary = os.path.join(os.path.dirname(path) or '.', 'build', name + '.bin')
    lines = [ln.strip() for ln in open(path) if ln.strip()
             and not ln.lstrip().startswith('#')]
    mode = next((ln.split()[1] for ln in lines if ln.startswith('mode ')), '32')
    skip = next((ln[6:] for ln in lines if ln.startswith('noemu ')), None)
    if skip:
        return 'ok - %s # SKIP %s' % (name, skip)
    g = Guest(binary, mode)
    got = None
    for ln in lines:
        word, _, rest = ln.partition(' ')
        if word == 'regs':
            reg, val = rest.split()
            g.set(reg, int(val, 0))
        elif word == 'go':
            for item in filter(None, rest.split(';')):
                reg, val = item.split('=')
                g.set(reg.strip(), int(val, 0))
            try:
                got = g.run()
            except uc_mod.UcError as e:
                got = 'emulation error: %s at pc %#x' % (e, g.get('pc'))
        elif word == 'exit':
            if got is None or not same(rest, got):
                return 'not ok - %s\n# want: %s\n# got:  %s' % (name, rest, got)
            got = None
        elif word == 'check':
            reg, val = rest.split()
            if reg in GPR and g.get(reg) != int(val, 0):
                return 'not ok - %s\n# after the last exit %s is %#x, want %s' \
                    % (name, reg, g.get(reg), val)
    return 'ok - %s' % name


def main():
    files = sys.argv[1:]
    print('1..%d' % len(files))
    bad = 0
    for i, path in enumerate(files, 1):
        res = check_file(path)
        bad += res.startswith('not ok')
        print(res.replace(' - ', ' %d - ' % i, 1))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
