# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# failures: a VM entry that fails its guest-state checks is reported on
# wait with `!` (SDM 26.3: exit reason 33 with bit 31), the vCPU stays
# usable; a VMfail on entry (an injected #DF without its error code fails
# the entry-control checks, SDM 26.2.1.3: VM-instruction error 7) leaves it
# `dead 'message'`: only quit is accepted and readers get EIO; quit
# recovers. The host never notices.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 13
insmod /modules/xvmx.ko

# PG without PE is invalid guest state (SDM 26.3.1.1)
t_ok "setup prot32" g_setup prot32
t_ok "cr0real with PG but not PE" sh -c "echo 'cr0real 0x80000030' > $X/regs"
# ilen and iinfo are undefined for entry failures (SDM 27.2.5): not asserted
g_go
t_match "entry failure reported with !" "$(g_wait)" \
	'^!entrystate 0x0 pc 0x1000 sp 0x8000 ilen 0x[0-9a-f]+ iinfo 0x[0-9a-f]+$'

t_eq "exitreason has bit 31" "$(g_reg exitreason)" 0x80000021
t_eq "vCPU still ready" "$(cat "$X/status")" ready
g_go_expect "fixed cr0real: the guest runs" "cr0real=0x31;" \
	"io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345678"

# a VMfail: #DF needs an error code (SDM 26.2.1.3)
t_ok "exc #df without an error code is accepted by the parser" \
	sh -c "echo 'exc #df' > $X/ctl"
g_go 'pc=0x102b;'
sleep 1
t_match "status is dead with the VM-instruction error" \
	"$(cat "$X/status")" "^dead 'vm(launch|resume) failed: error 7'$"
t_match "go is refused on a dead vCPU (EIO)" \
	"$(echo go 2>&1 >"$X/ctl" | sed 's/.*: //')" 'Input/output error'
t_fails "wait fails at once on a dead vCPU" g_wait
t_ok "quit is accepted" sh -c "echo quit > $X/ctl"
t_eq "inactive again" "$(cat "$X/status")" inactive
rm -f /dev/shm/vm0
rmmod xvmx
t_dmesg_clean "kernel log clean"
