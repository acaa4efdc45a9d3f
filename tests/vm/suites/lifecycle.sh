# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# lifecycle: init/quit cycles, a spinning guest that `stop` brings back
# while the host stays responsive, wait readers interrupted by signals and
# by quit, rmmod with a running guest and mapped pages (nothing leaked),
# rmmod refused while a reader holds a file open.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 26
insmod /modules/xvmx.ko

n=0
i=0
while [ $i -lt 100 ]; do
	echo init >"$X/ctl" && [ "$(cat "$X/status")" = ready ] &&
		echo quit >"$X/ctl" && [ "$(cat "$X/status")" = inactive ] &&
		n=$((n + 1))
	i=$((i + 1))
done
t_eq "init/quit 100 times" "$n" 100

# --- a guest spinning in jmp . while the host counts: on this one CPU
# the host loop gets its share beside the vCPU kthread, whatever the
# kernel's speed: compare with the same loop while the vCPU is stopped
count5() { # rounds of a shell loop in 5 s of uptime
	_n=0
	_end=$(($(cut -d. -f1 /proc/uptime) + 5))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $_end ]; do
		_n=$((_n + 1))
	done
	echo $_n
}
t_ok "spin: init and map" g_setup spin
idle=$(count5)
t_ok "spin: go" g_go
t_eq "spin: status running" "$(cat "$X/status")" running
busy=$(count5)
t_diag "host loop rounds in 5 s: $idle with the vCPU ready, $busy with the guest spinning"
t_ok "host shell kept at least a quarter of its pace beside the guest" \
	test $((busy * 4)) -ge "$idle" -a "$idle" -gt 0
t_eq "spin: still running after 5 s" "$(cat "$X/status")" running
t_ok "stop" sh -c "echo stop > $X/ctl"
t_eq "status ready after stop" "$(cat "$X/status")" ready
t_eq "pc still at the jmp" "$(g_reg pc)" 0x0000000000001000
t_ok "go again after stop" g_go
t_ok "stop again" sh -c "echo stop > $X/ctl"

# --- a reader blocked in wait, killed by a signal
head -n 1 "$X/wait" >/tmp/w1 2>&1 &
p=$!
sleep 1
kill "$p"
wait "$p"
t_fails "reader killed by SIGTERM did not get a line" test -s /tmp/w1
t_eq "vCPU unaffected by the abandoned read" "$(cat "$X/status")" ready
g_go 'pc=0x1000;'
echo stop >"$X/ctl"

# --- quit while another task waits
cat "$X/wait" >/tmp/w2 2>/tmp/w2err &
p=$!
sleep 1
t_ok "quit with a reader blocked" sh -c "echo quit > $X/ctl"
wait "$p"
rc=$?
t_fails "the blocked reader got an error, not a hang (rc $rc)" test "$rc" = 0
t_match "its error says the vCPU is gone" "$(cat /tmp/w2err)" \
	'No such device|address'
t_eq "status inactive" "$(cat "$X/status")" inactive
t_fails "wait on an inactive vCPU fails at once" head -n 1 "$X/wait"

# --- rmmod refused while a reader holds wait open, works after
g_setup spin
head -n 1 "$X/wait" >/dev/null 2>&1 &
p=$!
sleep 1
t_match "rmmod refused while a file is open (module in use)" \
	"$(rmmod xvmx 2>&1)" 'Resource temporarily unavailable|in use'
kill "$p"
wait "$p"

# --- rmmod with a running guest and 16 MiB mapped: nothing leaked. The
# module's pin counter is exact; unload WARNs if it is not 0 after the
# vCPU is gone (the verdict fails on the WARNING)
g_quit
t_eq "nothing pinned after quit" \
	"$(cat /sys/module/xvmx/parameters/pinned_pages)" 0
g_setup spin 16
g_go
sleep 1
t_eq "16 MiB pinned while the guest runs" \
	"$(cat /sys/module/xvmx/parameters/pinned_pages)" 4096
t_ok "rmmod with a running guest and pages mapped" rmmod xvmx
t_fails "debugfs tree gone" test -e "$X"
t_eq "unload left no pages pinned (no warning)" \
	"$(dmesg | grep 'pages still pinned')" ""
rm -f /dev/shm/vm0
t_ok "insmod again after all that" insmod /modules/xvmx.ko
rmmod xvmx
t_dmesg_clean "kernel log clean"
