# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# bench: emulated cycles per userspace round trip (guest out -> wait
# returns -> go -> next guest instruction), read from the guest's TSC by
# tests/guests/tsc_roundtrip.S and driven by tests/vm/tools/roundtrip.c.
# A benchmark: it prints figures (as "# bench:" lines); its only checks
# are that the driver ran, never a timing.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 3
insmod /modules/xvmx.ko
t_ok "setup tsc_roundtrip" g_setup tsc_roundtrip
out=$(roundtrip 1000 2>&1)
rc=$?
echo "$out" | sed 's/^/# bench: /'
t_eq "roundtrip driver ran to the end" "$rc" 0
echo "# bench: stats after the run:"
sed 's/^/# bench:   /' "$X/stats"
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
