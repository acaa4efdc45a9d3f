#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh: Linux's checkpatch.pl over every source of the module,
# lib/ and the KUnit suites, taken from Debian's linux-source-6.1 (kept in
# ${XVMX_CACHE:-/var/cache/xvmx}/checkpatch). Prints TAP: one line per
# file, then "N passed, N failed". A few reports are false positives of
# checkpatch on code shaped like KVM's; they are allowed below, each for
# one file and one message type, with the reason.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${XVMX_CACHE:-/var/cache/xvmx}/checkpatch
tarball=/usr/src/linux-source-6.1.tar.xz

# file:TYPE:reason
allow=(
	"src/vmx_compat.h:LINUX_VERSION_CODE:the one header of version differences"
	"src/vmx_compat.h:CONSTANT_COMPARISON:LINUX_VERSION_CODE >= KERNEL_VERSION(), the kernel's own idiom"
	"src/vmx_ops.h:MACRO_WITH_FLOW_CONTROL:asm goto needs its labels in the function, as KVM's vmx_asm1/2"
	"src/vmx_ops.h:SPACING:'%l[label]' and '%[reg]' asm operands in _ASM_EXTABLE*(), as in KVM"
	"include/xvmx_exits.h:COMPLEX_MACRO:the X-macro list of the exit table"
	"src/vmx_trace.h:COMPLEX_MACRO:__print_symbolic()'s pairs made from the exit table (a list, not a value)"
	"include/xvmx_shim.h:PREFER_DEFINED_ATTRIBUTE_MACRO:the userspace half defines __printf itself"
)

if [[ ! -x $cache/scripts/checkpatch.pl ]]; then
	[[ -r $tarball ]] || { echo "checkpatch.sh: $tarball missing (scripts/deps.sh)" >&2; exit 1; }
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.x.XXXXXX")
	tar -C "$tmp" -xJf "$tarball" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	mkdir -p "$cache/scripts"
	mv "$tmp"/scripts/* "$cache/scripts/"
	rm -rf "$tmp"
fi

cd "$top"
mapfile -t files < <(ls src/*.c src/*.h src/*.S lib/*.c include/*.h tests/kunit/*.c |
	grep -v '^src/vmx_asm_offsets.h$')
n=0
fail=0
echo "1..${#files[@]}"
for f in "${files[@]}"; do
	n=$((n + 1))
	out=$("$cache/scripts/checkpatch.pl" --no-tree --terse --show-types \
		--file "$f" 2>&1 | grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' || true)
	kept=
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		type=$(sed -E 's/^[^:]+:[0-9]+: [A-Z]+:([A-Z_]+):.*/\1/' <<<"$line")
		ok=0
		for a in "${allow[@]}"; do
			[[ $a == "$f:$type:"* ]] && ok=1
		done
		[[ $ok == 1 ]] || kept+="$line"$'\n'
	done <<<"$out"
	if [[ -z $kept ]]; then
		echo "ok $n - checkpatch $f"
	else
		echo "not ok $n - checkpatch $f"
		printf '%s' "$kept" | sed 's/^/# /'
		fail=$((fail + 1))
	fi
done
echo "# checkpatch: $((n - fail)) passed, $fail failed"
exit $((fail > 0))
