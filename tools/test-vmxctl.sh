#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side checks of vmxctl's argument parsing: bad input is a usage
# error (exit 2) before anything is opened; the man page renders cleanly.
# Prints TAP and exits non-zero on a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
v=$here/vmxctl
n=0
fail=0
check() { # check DESC WANT-RC CMD...
	local d=$1 want=$2 rc
	shift 2
	"$@" >/dev/null 2>&1
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want" ]; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d (exit $rc, want $want)"
		fail=$((fail + 1))
	fi
}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
echo "1..16"
check "no command" 2 "$v"
check "unknown command" 2 "$v" -r "$root" bogus
check "unknown option" 2 "$v" -x status
check "unknown register" 2 "$v" -r "$root" regs bogus=1
check "read-only register" 2 "$v" -r "$root" regs exitreason=1
check "value too wide" 2 "$v" -r "$root" regs cs=0x10000
check "bad number" 2 "$v" -r "$root" regs ax=12z
check "step with bad -map" 2 "$v" -r "$root" step -map 0x1000
check "exc without argument" 2 "$v" -r "$root" exc
check "wait with bad count" 2 "$v" -r "$root" wait -n zero
check "run without guest" 2 "$v" -r "$root" run
check "--help" 0 "$v" --help
check "exits with a bad option" 2 "$v" exits --bogus
n=$((n + 1))
if [ "$("$v" exits --kernel | head -n 1)" = extirq ] &&
	"$v" exits | grep -qx '30 io wait'; then
	echo "ok $n - exits: the table (io on wait, extirq in the kernel)"
else
	echo "not ok $n - exits: the table (io on wait, extirq in the kernel)"
	fail=$((fail + 1))
fi
n=$((n + 1))
if [ "$("$v" exits | wc -l)" = 62 ]; then
	echo "ok $n - exits: 62 named reasons (0-64 but 35, 38, 42)"
else
	echo "not ok $n - exits: 62 named reasons (0-64 but 35, 38, 42)"
	fail=$((fail + 1))
fi
n=$((n + 1))
if groff -ww -z -man "$here/vmxctl.1" 2>/dev/null; then
	echo "ok $n - vmxctl.1 renders without warnings"
else
	echo "not ok $n - vmxctl.1 renders without warnings"
	fail=$((fail + 1))
fi
exit $((fail > 0))
