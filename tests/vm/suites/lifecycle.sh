# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# lifecycle: init/quit cycles, a spinning guest that `stop` brings back
# while the host stays responsive, wait readers interrupted by signals and
# by quit, rmmod with a running guest and mapped pages (nothing leaked),
# rmmod refused while a reader holds a file open.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 24
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

# --- a guest spinning in jmp . for 10 s while the host counts
t_ok "spin: init and map" g_setup spin
t_ok "spin: go" g_go
t_eq "spin: status running" "$(cat "$X/status")" running
c0=$(cut -d' ' -f1 /proc/uptime)
cnt=0
end=$(($(cut -d. -f1 /proc/uptime) + 10))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	cnt=$((cnt + 1))
done
c1=$(cut -d' ' -f1 /proc/uptime)
t_diag "host loop ran $cnt times in $c0..$c1 s of uptime"
t_match "host shell kept running beside the guest" "$cnt" '^[0-9]{3,}$'
t_eq "spin: still running after 10 s" "$(cat "$X/status")" running
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
t_fails "rmmod refused while a file is open (module in use)" rmmod xvmx
kill "$p"
wait "$p"

# --- rmmod with a running guest and 16 MiB mapped: nothing leaked
# Free memory in kB: MemFree counts the buddy allocator only, and since
# 6.7 the per-CPU page lists it does not count hold megabytes (their
# "count:" lines in /proc/zoneinfo, in pages).
free_kb() {
	awk '/^MemFree:/ { f = $2 } $1 == "count:" { n += $2 }
		END { print f + 4 * n }' /proc/meminfo /proc/zoneinfo
}
free0=$(free_kb)
g_quit
g_setup spin 16
g_go
sleep 1
t_ok "rmmod with a running guest and pages mapped" rmmod xvmx
t_fails "debugfs tree gone" test -e "$X"
rm -f /dev/shm/vm0
sync
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
free1=$(free_kb)
t_diag "free (MemFree and per-CPU lists) before $free0 kB, after $free1 kB"
t_ok "the 16 MiB of guest memory came back" test $((free1 + 4096)) -ge "$free0"
t_ok "insmod again after all that" insmod /modules/xvmx.ko
rmmod xvmx
t_dmesg_clean "kernel log clean"
