#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""terminal.py VMX XVMXFS: vmx on a terminal, over the FUSE harness.

Where stdin is a terminal vmx puts it in raw mode and restores it on
every way out; Ctrl-A x quits (status 0), Ctrl-A Ctrl-A sends one Ctrl-A,
other keys reach the guest's UART. Checked on a pseudo-terminal: raw mode
while the guest runs, restored after Ctrl-A x, after SIGTERM, after
SIGHUP. TAP. Skipped without /dev/fuse.
"""
import os
import pty
import signal
import subprocess
import sys
import tempfile
import termios
import time

vmx, fs = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
here = os.path.dirname(os.path.realpath(__file__))
mb = os.path.join(here, 'mbtest.elf')
n = failed = 0


def ok(cond, desc):
    global n, failed
    n += 1
    print(('ok' if cond else 'not ok') + ' %d - %s' % (n, desc))
    if not cond:
        failed += 1


if not os.access('/dev/fuse', os.R_OK | os.W_OK):
    print('1..1\nok 1 - vmx on a terminal # SKIP no /dev/fuse')
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix='vmx-tty.')
mnt, script = os.path.join(tmp, 'mnt'), os.path.join(tmp, 'script')
os.mkdir(mnt)
open(script, 'w').write('hang\n')
env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0')
fsp = subprocess.Popen([fs, '-s', script, '-f', mnt],
                       stderr=subprocess.DEVNULL, env=env)
for _ in range(200):
    if os.path.exists(os.path.join(mnt, 'status')):
        break
    time.sleep(0.05)


def lflag(fd):
    return termios.tcgetattr(fd)[3]


def start():
    """vmx on a new pty; returns (pid, master fd, slave fd kept open)."""
    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[3] |= termios.ICANON | termios.ECHO | termios.ISIG
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        os.dup2(slave, 0)
        os.dup2(slave, 1)
        os.dup2(slave, 2)
        os.execv(vmx, [vmx, '-r', mnt, '-M', '16M', mb])
    return pid, master, slave


def wait_raw(slave):
    for _ in range(100):
        if not lflag(slave) & termios.ICANON:
            return True
        time.sleep(0.05)
    return False


def status_of(pid):
    for _ in range(100):
        p, st = os.waitpid(pid, os.WNOHANG)
        if p:
            return os.waitstatus_to_exitcode(st)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def drain(master):
    os.set_blocking(master, False)
    try:
        while os.read(master, 4096):
            pass
    except OSError:
        pass


def restored(slave):
    f = lflag(slave)
    return bool(f & termios.ICANON and f & termios.ECHO and
                f & termios.ISIG)


# Ctrl-A x
pid, master, slave = start()
ok(wait_raw(slave), 'raw mode while the guest runs (ICANON off)')
os.write(master, b'\x01x')
st = status_of(pid)
ok(st == 0, 'Ctrl-A x quits with status 0 (got %s)' % st)
ok(restored(slave), 'the terminal is restored after Ctrl-A x')
drain(master)
os.close(master)
os.close(slave)

for sig, name in ((signal.SIGTERM, 'SIGTERM'), (signal.SIGHUP, 'SIGHUP')):
    pid, master, slave = start()
    wait_raw(slave)
    os.kill(pid, sig)
    st = status_of(pid)
    ok(st == 128 + sig, '%s: status %d (got %s)' % (name, 128 + sig, st))
    ok(restored(slave), 'the terminal is restored after %s' % name)
    drain(master)
    os.close(master)
    os.close(slave)

status = open(os.path.join(mnt, 'status')).read().strip()
ok(status == 'inactive', 'the vCPU was quit every time (%s)' % status)
subprocess.call(['fusermount3', '-u', mnt])
fsp.wait()
os.rmdir(mnt)
os.unlink(script)
os.rmdir(tmp)
print('1..%d' % n)
print('# terminal: %d passed, %d failed' % (n - failed, failed))
sys.exit(1 if failed else 0)
