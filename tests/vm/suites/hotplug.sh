# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: smp=2 kernels=minimal,debug
# hotplug: the owned CPU (the highest, CPU 1) and CPU hotplug. Offlining it
# works while the vCPU is inactive, after which `init` fails with ENODEV
# and one log line instead of running its kthread elsewhere; online again,
# init works and the kthread is bound to CPU 1; while a vCPU lives (ready,
# running, dead) offlining CPU 1 fails with EBUSY and changes nothing;
# after `quit` it works again. Then init/quit and offline/online race for
# a while: every init that succeeds runs on CPU 1, nothing warns.
. /suites/lib.sh
. /suites/guestlib.sh

ONLINE=/sys/devices/system/cpu/cpu1/online

# w FILE TEXT: write TEXT with one write(2); prints the error text, or
# nothing on success
w() {
	# shellcheck disable=SC2059 # TEXT carries its \n
	printf "$2" | dd of="$1" conv=notrunc status=none 2>&1 | sed 's/.*: //'
}

# the vCPU kthread's pid, its allowed CPUs (taskset's hex mask), the CPU it
# last ran on (field 39 of /proc/PID/stat)
kthread_pid() {
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = xvmx/1 ] && echo "${d#/proc/}" &&
			return
	done
}
kthread_mask() {
	taskset -p "$1" 2>/dev/null | sed 's/.*: //'
}
kthread_cpu() {
	cut -d' ' -f39 "/proc/$1/stat"
}

t_plan 24
insmod /modules/xvmx.ko
t_eq "xvmx owns CPU 1" "$(dmesg | sed -n 's/.*xvmx: owning CPU \([0-9]*\).*/\1/p')" 1

# --- inactive: the CPU may go; init then refuses it
t_eq "offline CPU 1 while inactive" "$(w $ONLINE '0\n')" ""
t_eq "CPU 1 is offline" "$(cat $ONLINE)" 0
t_eq "init with CPU 1 offline fails with ENODEV" "$(w "$X/ctl" 'init\n')" \
	"No such device"
t_eq "status still inactive" "$(cat "$X/status")" inactive
t_match "the log says CPU 1 is offline" "$(dmesg | grep xvmx: | tail -n 1)" \
	'CPU 1 is offline'
t_eq "no vCPU kthread was left behind" "$(kthread_pid)" ""
t_eq "online CPU 1 again" "$(w $ONLINE '1\n')" ""
t_eq "init works with CPU 1 back" "$(w "$X/ctl" 'init\n')" ""
p=$(kthread_pid)
t_eq "the kthread may run on CPU 1 only" "$(kthread_mask "$p")" 2
t_eq "the kthread ran on CPU 1" "$(kthread_cpu "$p")" 1

# --- alive: offlining is refused in every live state
t_eq "offline refused while ready: EBUSY" "$(w $ONLINE '0\n')" \
	"Device or resource busy"
t_eq "CPU 1 still online" "$(cat $ONLINE)" 1
echo quit >"$X/ctl"
g_setup spin
g_go
t_eq "guest spinning on CPU 1" "$(cat "$X/status")" running
t_eq "offline refused while running: EBUSY" "$(w $ONLINE '0\n')" \
	"Device or resource busy"
t_eq "the guest still runs" "$(cat "$X/status")" running
p=$(kthread_pid)
t_eq "the kthread still may run on CPU 1 only" "$(kthread_mask "$p")" 2
t_eq "no task was pushed off CPU 1 for good" \
	"$(dmesg | grep 'no longer affine to cpu1')" ""
# a dead vCPU still holds VMX on CPU 1 until quit
echo stop >"$X/ctl"
echo 'exc #df' >"$X/ctl"
echo go >"$X/ctl"
sleep 1
t_match "an #df without its error code kills the vCPU" \
	"$(cat "$X/status")" '^dead '
t_eq "offline refused while dead: EBUSY" "$(w $ONLINE '0\n')" \
	"Device or resource busy"
g_quit
t_eq "offline works after quit" "$(w $ONLINE '0\n')" ""
w $ONLINE '1\n' >/dev/null

# --- init/quit against offline/online, for a while
: >/tmp/hp.bad
(
	i=0
	while [ $i -lt 6 ]; do
		echo 0 >$ONLINE 2>/dev/null
		echo 1 >$ONLINE 2>/dev/null
		i=$((i + 1))
	done
) &
hp=$!
n=0
while kill -0 $hp 2>/dev/null; do
	if echo init >"$X/ctl" 2>/dev/null; then
		p=$(kthread_pid)
		c=$(kthread_cpu "$p")
		m=$(kthread_mask "$p")
		[ "$c$m" = 12 ] || echo "init $n: kthread on CPU $c, mask $m" >>/tmp/hp.bad
		echo quit >"$X/ctl"
	fi
	n=$((n + 1))
done
wait $hp
t_diag "$n init attempts beside 6 offline/online rounds"
t_eq "every init that succeeded ran on CPU 1 alone" "$(cat /tmp/hp.bad)" ""
w $ONLINE '1\n' >/dev/null
t_eq "CPU 1 online at the end" "$(cat $ONLINE)" 1
rmmod xvmx
t_dmesg_clean "kernel log clean"
