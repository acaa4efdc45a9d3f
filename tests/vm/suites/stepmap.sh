# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# stepmap: `step -map` with the mem.S probe guest (it reads the dword at si
# at pc 0x1000, 2 bytes, then outs it): the one instruction sees the step
# page, the map before and after is the one written. Needs VMX.
# shellcheck source=lib.sh
. /suites/lib.sh
# shellcheck source=guestlib.sh
. /suites/guestlib.sh

M=$X/map
t_plan 12
t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko
# step -map: mem.S reads the dword at si (pc 0x1000, 2 bytes), then outs it.
t_ok "step: init, mem guest, map 0..2M" g_setup mem
dd if=/dev/zero of=/dev/shm/vm1 bs=4096 count=4 2>/dev/null
g_poke32 /dev/shm/vm1 0 $((0x5eed1234))
echo "si 0x300000" > "$X/regs"
t_ok "step -map an unmapped page" \
	sh -c "echo 'step -map 0x300000 vm1 0x0' > $X/ctl"
t_eq "the step read through the one-step mapping" "$(g_reg ax)" \
	0x000000005eed1234
t_eq "one instruction executed" "$(g_reg pc)" 0x0000000000001002
t_eq "map lists only what was written" "$(cat "$M")" \
	"rwx wb 0x0 0x200000 vm0 0x0"
g_go "pc=0x1000;"
t_match "the page is unmapped again after the step" "$(g_wait 2>&1)" \
	'^eptfault 0x[0-9a-f]+ pc 0x1000 .* pa 0x300000$'
echo "si 0x2000" > "$X/regs"
t_ok "step -map over a mapped page" \
	sh -c "echo 'step -map 0x2000 vm1 0x0' > $X/ctl"
t_eq "the step saw the step page" "$(g_reg ax)" 0x000000005eed1234
g_go_expect "afterwards the guest sees the mapped page again" "pc=0x1000;" \
	"io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
t_eq "status ready" "$(cat "$X/status")" ready
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean (pages released on quit, rmmod)"
