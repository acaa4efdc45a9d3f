#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse.sh KDIR: build xvmx.ko against KDIR with W=1, -Werror and sparse
# over every file (C=2); fail on any compiler or sparse warning. Prints one
# TAP line.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kdir=${1:?usage: sparse.sh KDIR}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! make -C "$kdir" M="$top" W=1 C=2 KCFLAGS=-Werror modules >"$log" 2>&1; then
	echo "not ok - W=1 -Werror build against $kdir"
	sed 's/^/# /' "$log" | tail -n 30
	exit 1
fi
if grep -E 'warning:|error:' "$log" | grep -q .; then
	echo "not ok - sparse/W=1 warnings against $kdir"
	grep -E 'warning:|error:' "$log" | sed 's/^/# /'
	exit 1
fi
echo "ok - W=1 -Werror and sparse clean against $(basename "$kdir")"
