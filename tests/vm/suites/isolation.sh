# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# isolation: the guest owns nothing of the host (issue 12, SPEC "The host
# stays healthy"), each case with a guest that would see or change host
# state on a module without the fix:
# - FPU: a guest that reads XMM/YMM registers it never wrote sees zeros,
#   not the registers of the host task that ran before it (fpuleak.S, run
#   by fpucheck leakgo, which fills its own registers with 0x5a first).
# - CR8: a long-mode guest raises its task priority to 15 and spins; the
#   host keeps taking interrupts (its own TPR is untouched) and `stop`
#   gets through; regs shows cr8 0xf; CR8 with reserved bits is #GP(0).
# - PAUSE: 1000 PAUSEs do not exit; the first exit is the out after them.
# - MSRs: the guest writes KERNEL_GS_BASE, LSTAR, STAR and SFMASK and
#   uses SYSCALL and SWAPGS, without an exit; regs shows its values; the
#   host's syscalls keep working meanwhile.
# - RDPMC exits, even with the guest's CR4.PCE set: the counters are the
#   host's.
# - DR7: a host task's hardware breakpoint fires right after 100 exits
#   run in its own syscalls (tests/vm/tools/roundtrip -b).
# - PKRU: a guest that denies every protection key (WRPKRU) does not
#   make the host's copy of its exit line fault (pkru.S).
# - #MC stays intercepted whatever extrap says: the bitmap the vCPU enters
#   with, read through xvmx_testhooks (test kernels only), keeps bit 18
#   after `extrap 0`.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 47
insmod /modules/xvmx.ko

# --- FPU: no host register reaches the guest
L() { sym fpuleak "$1"; }
XMM0_OUT=$(L xmm0_out)
XMM7_OUT=$(L xmm7_out)
XSETBV=$(L xsetbv_insn)
YMM_OUT=$(L ymm_out)
t_ok "fpuleak: init, map, guest loaded (xcr0 1, as after init)" g_setup fpuleak
t_eq "xcr0 is 1" "$(g_reg xcr0)" "$(hex64 1)"
t_eq "XMM0 the guest never wrote reads 0, not the host task's 0x5a" \
	"$(fpucheck leakgo "$X")" \
	"io 0x800043 pc $XMM0_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
t_eq "XMM7 reads 0 too" "$(fpucheck leakgo "$X" "pc=$((XMM0_OUT + 2));")" \
	"io 0x810043 pc $XMM7_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
if grep -qw avx /proc/cpuinfo; then
	t_match "the guest's xsetbv exits" \
		"$(fpucheck leakgo "$X" "pc=$((XMM7_OUT + 2));")" \
		"^\\.xsetbv 0x0 pc $XSETBV "
	t_ok "xcr0 7 (x87, SSE, AVX) as the VMM grants it" \
		sh -c "echo 'xcr0 7' > $X/regs"
	t_eq "the upper half of YMM0 reads 0 too" \
		"$(fpucheck leakgo "$X" "pc=$((XSETBV + 3));")" \
		"io 0x820043 pc $YMM_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
else
	t_skip "the xsetbv exit" "no AVX on this host"
	t_skip "xcr0 7" "no AVX on this host"
	t_skip "YMM0 reads 0" "no AVX on this host"
fi
g_quit

# --- CR8 belongs to the guest
I() { sym isolate64 "$1"; }
intr() { sed -n 's/^intr \([0-9]*\).*/\1/p' /proc/stat; }
t_ok "isolate64: init, map, guest loaded" g_setup isolate64
t_ok "isolate64: long mode, EFER.SCE for SYSCALL" g_long64 0x501
ev_expect "the guest sets CR8 to 15 and reads it back" "pc=$(I cr8_test);" \
	"io 0x800043 pc $(I cr8_out) sp 0x8000 ilen 0x2 iinfo 0x0 ax 0xf"
t_eq "regs: cr8 0xf" "$(g_reg cr8)" "$(hex64 0xf)"
i0=$(intr)
t_eq "go: the guest spins with CR8 15" "$(w ctl "go pc=$(I spin);\n")" ""
sleep 2
i1=$(intr)
t_diag "host interrupts during 2 s of guest spinning: $((i1 - i0))"
t_ok "the host kept taking interrupts (more than 20 in 2 s)" \
	test $((i1 - i0)) -gt 20
t_ok "stop reaches the guest's CPU" sh -c "echo stop > $X/ctl"
t_eq "status ready" "$(cat "$X/status")" ready
t_eq "cr8 still 0xf" "$(g_reg cr8)" "$(hex64 0xf)"
# the 64-bit #GP frame: ss, rsp, rflags, cs, rip, code (48 bytes), code popped
ev_expect "CR8 with bit 4 set: #GP(0) in the guest" "pc=$(I cr8_gp);" \
	"io 0x830043 pc $(I gp_out) sp 0x7fd8 ilen 0x2 iinfo 0x0 ax 0x0"
t_eq "the #GP's rip is the MOV to CR8" "$(g_reg bx)" "$(hex64 "$(I cr8_gp_insn)")"
t_eq "and CR8 kept its value" "$(g_reg cr8)" "$(hex64 0xf)"
t_fails "regs: cr8 0x10 is refused (EINVAL)" sh -c "echo 'cr8 0x10' > $X/regs"
t_ok "regs: cr8 0" sh -c "echo 'cr8 0' > $X/regs"
t_eq "regs: cr8 reads 0" "$(g_reg cr8)" "$(hex64 0)"

# --- PAUSE does not exit
ev_expect "1000 PAUSEs: the first exit is the out after them" \
	"pc=$(I pause_test);sp=0x8000;" \
	"io 0x810043 pc $(I pause_out) sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"
t_eq "no .pause in stats" "$(grep -c '^\.pause ' "$X/stats")" 0

# --- the guest's own MSRs
ev_expect "WRMSR, SWAPGS, RDMSR, SYSCALL without an exit: lands at LSTAR" \
	"pc=$(I msr_test);sp=0x8000;" \
	"io 0x820043 pc $(I syscall_out) sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345000"
t_eq "no .rdmsr or .wrmsr in stats" \
	"$(grep -cE '^\.(rd|wr)msr ' "$X/stats")" 0
t_eq "regs: kernelgsbase" "$(g_reg kernelgsbase)" "$(hex64 0x12345000)"
t_eq "regs: lstar" "$(g_reg lstar)" "$(hex64 "$(I syscall_entry)")"
t_eq "regs: star" "$(g_reg star)" 0x0010000800000000
t_eq "regs: sfmask" "$(g_reg sfmask)" "$(hex64 0x200)"
t_eq "regs: cx is SYSCALL's return rip" "$(g_reg cx)" \
	"$(hex64 "$(I msr_ret)")"
t_ok "the host's own syscalls still work (a process runs)" \
	sh -c 'cat /proc/uptime >/dev/null'
t_ok "regs: lstar written from the host" \
	sh -c "echo 'lstar 0xffffffff81000000' > $X/regs"
t_eq "regs: lstar reads it back" "$(g_reg lstar)" 0xffffffff81000000
t_fails "regs: a non-canonical lstar is refused (EINVAL)" \
	sh -c "echo 'lstar 0x8000000000000000' > $X/regs"
t_fails "regs: sfmask with its upper half set is refused (EINVAL)" \
	sh -c "echo 'sfmask 0x100000000' > $X/regs"
t_eq "regs: sysentercs is 4 bytes" "$(g_reg sysentercs)" 0x00000000
# the canonical check is the MSRs' own: a GPR or cr2 holds any 64 bits
# (r15's slot number is kernelgsbase's, which once refused such a value)
bad=
for r in ax bx cx dx bp si di r8 r9 r10 r11 r12 r13 r14 r15 cr2; do
	echo "$r 0x8000000000000000" >"$X/regs" 2>/dev/null &&
		[ "$(g_reg $r)" = 0x8000000000000000 ] || bad="$bad $r"
done
t_eq "regs: every GPR and cr2 take a non-canonical value" "$bad" ""

# --- the host's performance counters: RDPMC exits, even with CR4.PCE
ev_expect "RDPMC exits to the VMM (no read of the host's counter)" \
	"pc=$(I rdpmc_test);sp=0x8000;" \
	".rdpmc 0x0 pc $(I rdpmc_insn) sp 0x8000 ilen 0x2 iinfo 0x0"

# --- #MC is the host's: extrap cannot clear its interception. Bochs
# raises no machine check, so xvmx_testhooks shows the bitmap the vCPU
# enters with.
EB=/sys/kernel/debug/xvmx_testhooks/exception_bitmap
if [ -f /modules/xvmx_testhooks.ko ] && insmod /modules/xvmx_testhooks.ko; then
	echo 'extrap 0x2' >"$X/ctl"
	t_eq "extrap 0x2 (#DB): the vCPU enters with #DB and #MC intercepted" \
		"$(cat $EB)" 0x40002
	echo 'extrap 0' >"$X/ctl"
	t_eq "extrap 0: #DB goes to the guest, #MC stays intercepted" \
		"$(cat $EB)" 0x40000
	rmmod xvmx_testhooks
else
	for d in "extrap 0x2: #DB and #MC" "extrap 0: #MC stays"; do
		t_skip "$d" "no xvmx_testhooks.ko (kernel without KUnit)"
	done
fi
g_quit

# --- host state after every exit: a VM exit loads DR7 with 0x400, and a
# host task's hardware breakpoint must still fire right after exits its
# own syscalls ran (the shell's CPU is the vCPU's: roundtrip runs the guest)
t_ok "hwbp: init, map, tsc_roundtrip loaded" g_setup tsc_roundtrip
t_eq "a host task's data breakpoint fires before and right after 100 exits" \
	"$(roundtrip -b 100 2>&1)" "hwbp: 2 of 2 writes seen"
g_quit

# --- PKRU: the guest's protection keys are not the host's. The shell
# is on the vCPU's CPU (one CPU), so its write of go runs the guest and
# head's read copies the line out right after the exit: under the
# guest's PKRU (every key denied) that copy would fault.
if grep -qw pku /proc/cpuinfo; then
	PKRU_OUT=$(sym pkru pkru_out)
	t_ok "pkru: init, map, guest loaded" g_setup pkru
	g_go
	t_eq "pkru: the exit line after the guest's WRPKRU 0xffffffff reads" \
		"$(g_wait 2>&1)" \
		"io 0x800043 pc $PKRU_OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax 0xffffffff"
	t_ok "pkru: the host's processes still read their own memory" \
		sh -c 'cat /proc/uptime >/dev/null'
	g_quit
else
	for d in "pkru: init, map, guest loaded" \
		"pkru: the exit line after the guest's WRPKRU" \
		"pkru: the host's processes still read their own memory"; do
		t_skip "$d" "the host has no protection keys (pku)"
	done
fi

rmmod xvmx
t_dmesg_clean "kernel log clean"
