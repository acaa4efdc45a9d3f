#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs.sh [--check]: the parts of Documentation/vmx.rst generated from the
# module's own tables (the exit table, by tools/vmxctl exits --rst), written
# between their BEGIN/END markers; --check fails, with a diff, when the
# committed text is out of date (make check runs it).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
doc=$top/Documentation/vmx.rst
vmxctl=$top/tools/vmxctl
check=0
[[ ${1:-} == --check ]] && check=1

[[ -x $vmxctl ]] || { echo "docs.sh: $vmxctl missing (make tools)" >&2; exit 1; }

gen() { # gen MARKER COMMAND...: the doc with the block after MARKER renewed
	local marker=$1
	shift
	local body
	body=$("$@")
	awk -v begin=".. BEGIN generated: $marker" \
	    -v end=".. END generated: $marker" -v body="$body" '
		$0 == begin { print; print ""; print body; print ""; skip = 1; next }
		$0 == end { skip = 0 }
		!skip { print }
	' "$doc"
}

new=$(gen "tools/vmxctl exits --rst" "$vmxctl" exits --rst)
if grep -qF ".. BEGIN generated: tools/vmxctl exits --rst" "$doc"; then :; else
	echo "docs.sh: no exit-table marker in $doc" >&2
	exit 1
fi
if [[ $check == 1 ]]; then
	if ! diff -u "$doc" <(printf '%s\n' "$new") >&2; then
		echo "not ok - Documentation/vmx.rst is out of date: run make docs"
		exit 1
	fi
	echo "ok - Documentation/vmx.rst matches the module's exit table"
	exit 0
fi
printf '%s\n' "$new" >"$doc"
