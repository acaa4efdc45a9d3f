#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli.sh VMX: vmx's bad-input paths, through the binary, on a host without
# VMX: each ends at once with exit status 2, one line on stderr, and no
# /dev/shm segment left behind; the kernel is checked before the xvmx
# tree is touched (-r points nowhere). TAP.
set -u
vmx=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
mb=$here/mbtest.elf
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmx-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
nowhere=$tmp/no-tree
n=0
fail=0

# t DESC WANT-STATUS WANT-STDERR-PATTERN CMD...
t() {
	local d=$1 want=$2 pat=$3 rc lines before after
	shift 3
	before=$(ls /dev/shm | grep -c '^vmx-')
	timeout 10 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	after=$(ls /dev/shm | grep -c '^vmx-')
	lines=$(wc -l <"$tmp/err")
	n=$((n + 1))
	if [[ $rc == "$want" ]] &&
		if [[ -z $pat ]]; then [[ ! -s $tmp/err ]];
		else grep -Eq -- "$pat" "$tmp/err"; fi &&
		{ [[ $want != 2 ]] || [[ $lines == 1 ]]; } &&
		[[ $after == "$before" ]]; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		echo "#   exit $rc (want $want), $lines stderr lines," \
			"shm $before -> $after:"
		sed 's/^/#   /' "$tmp/err"
		fail=$((fail + 1))
	fi
}

printf 'not a kernel' >"$tmp/garbage"
: >"$tmp/empty"
head -c 600 "$mb" >"$tmp/short.elf"
long=$(printf 'x%.0s' $(seq 1 2100))

t "no kernel: usage" 2 "no kernel" "$vmx"
t "-h prints the usage, exit 0" 0 "" "$vmx" -h
grep -q "^usage: vmx" "$tmp/out" || { echo "not ok - -h: no usage on stdout"; fail=$((fail + 1)); }
t "unknown option" 2 "unknown option -Z" "$vmx" -Z "$mb"
t "bad memory size" 2 "bad memory size" "$vmx" -M 12Q "$mb"
t "too little memory" 2 "at least 2 MiB" "$vmx" -M 1M "$mb"
t "bad -T" 2 "bad -T" "$vmx" -T never "$mb"
t "missing kernel" 2 "/nonexistent/kernel: No such file" \
	"$vmx" -r "$nowhere" /nonexistent/kernel
t "empty kernel" 2 "empty file" "$vmx" -r "$nowhere" "$tmp/empty"
t "not a kernel" 2 "not a bzImage, a PVH ELF or a multiboot kernel" \
	"$vmx" -r "$nowhere" "$tmp/garbage"
t "truncated ELF" 2 "mbtest|ELF|multiboot" "$vmx" -r "$nowhere" "$tmp/short.elf"
t "a directory" 2 "not a regular file" "$vmx" -r "$nowhere" /tmp
t "missing initrd" 2 "/nonexistent/initrd" \
	"$vmx" -r "$nowhere" -i /nonexistent/initrd "$mb"
t "kernel fine, no xvmx tree" 2 "is xvmx loaded" "$vmx" -r "$nowhere" "$mb"
kdir=${VMX_TEST_KDIR:-$(dirname "$(ls -d /var/cache/xvmx/kernel-minimal-*/.xvmx-built 2>/dev/null | tail -n 1)" 2>/dev/null)}
if [[ -f $kdir/vmlinux ]]; then
	t "PVH command line too long" 2 "command line too long" \
		"$vmx" -r "$nowhere" "$kdir/vmlinux" "$long"
	t "bzImage in too little memory" 2 "needs .* MiB of RAM" \
		"$vmx" -r "$nowhere" -M 16M "$kdir/arch/x86/boot/bzImage"
	dd if=/dev/zero of="$tmp/huge" bs=1M count=0 seek=200 2>/dev/null
	t "initrd larger than RAM" 2 "do not fit" \
		"$vmx" -r "$nowhere" -M 64M -i "$tmp/huge" "$kdir/vmlinux"
else
	for d in "PVH command line too long" "bzImage in too little memory" \
		"initrd larger than RAM"; do
		n=$((n + 1))
		echo "ok $n - $d # SKIP no minimal kernel built"
	done
fi
echo "1..$n"
echo "# cli: $((n - fail)) passed, $fail failed"
[[ $fail == 0 ]]
