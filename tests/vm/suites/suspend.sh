# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug timeout=300
# suspend: suspend-to-idle with /sys/power/pm_test at "freezer" (the PM
# notifiers run and tasks freeze, then it resumes without sleeping) is
# refused with EBUSY and one log line while a vCPU lives (ready, running),
# and changes nothing; after quit it works, and init works again after.
. /suites/lib.sh
. /suites/guestlib.sh

# w FILE TEXT: one write(2); the error text, or nothing
w() {
	# shellcheck disable=SC2059 # TEXT carries its \n
	printf "$2" | dd of="$1" conv=notrunc status=none 2>&1 | sed 's/.*: //'
}

t_plan 11
insmod /modules/xvmx.ko
t_eq "pm_test freezer" "$(w /sys/power/pm_test 'freezer\n')" ""
echo init >"$X/ctl"
t_eq "suspend refused while ready: EBUSY" "$(w /sys/power/state 'freeze\n')" \
	"Device or resource busy"
t_match "the log says why" "$(dmesg | grep xvmx: | tail -n 1)" \
	'suspend refused: the vCPU on CPU 0 lives'
t_eq "still ready" "$(cat "$X/status")" ready
echo quit >"$X/ctl"
g_setup spin
g_go
t_eq "suspend refused while running: EBUSY" \
	"$(w /sys/power/state 'freeze\n')" "Device or resource busy"
t_eq "the guest still runs" "$(cat "$X/status")" running
g_quit
t_eq "suspend works after quit" "$(w /sys/power/state 'freeze\n')" ""
t_match "it went through the freezer test" \
	"$(dmesg | grep 'suspend debug' | tail -n 1)" 'Waiting for'
t_eq "init works after the resume" "$(w "$X/ctl" 'init\n')" ""
t_eq "status ready" "$(cat "$X/status")" ready
echo quit >"$X/ctl"
w /sys/power/pm_test 'none\n' >/dev/null
rmmod xvmx
t_dmesg_clean "kernel log clean"
