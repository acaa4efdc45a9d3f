# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: manual
# demo: load xvmx and run the hello guest, which prints a greeting through
# port I/O; vmxctl shows each exit. The output is shown as it happens.
# shellcheck source=lib.sh
. /suites/lib.sh

t_plan 5
t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko
if [ -x /bin/vmxctl ] && [ -f /guests/hello.bin ]; then
	out=$(timeout 300 vmxctl run /guests/hello.bin 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# guest: /'
	t_eq "vmxctl run /guests/hello.bin exits 0" "$rc" 0
	t_match "the guest greeted us" "$out" '[Hh]ello'
else
	t_result 1 "vmxctl run /guests/hello.bin (vmxctl or hello.bin not built yet)"
	t_result 1 "the guest greeted us"
fi
t_ok "rmmod xvmx" rmmod xvmx
t_dmesg_clean "kernel log clean"
