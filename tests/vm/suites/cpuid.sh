# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# cpuid: the cpuid command's table (Documentation/vmx.rst, "cpuid in the
# kernel"). A CPUID whose eax and ecx it holds is answered in the kernel:
# no .cpuid line, the four registers set (high halves cleared), pc past
# it, the exit still counted in stats; a subleaf's own answer before its
# leaf's `*` one; anything else exits as SPEC says. Bad commands fail with
# EINVAL, a full table with ENOSPC, and neither changes the table; `cpuid`
# alone and init empty it. A step over an answered CPUID ends after it;
# a guest spinning on answered CPUIDs leaves the host running and stops.
# The guest is cpuid.S: a CPUID at 0x1000, then an out of eax.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 36
insmod /modules/xvmx.ko
sym_load cpuid
s() { sym cpuid "$1"; }
INSN=$(s cpuid_insn)
OUT=$(s report_out)

# ask DESC AX CX WANT-LINE: the guest's CPUID with these inputs, bx's
# high half set (an answer clears it), then the next wait line
ask() {
	ev_expect "$1" "pc=$INSN;ax=$2;cx=$3;bx=0xffffffff00000000;" "$4"
}
io() { # io EAX: the out after an answered CPUID
	echo "io 0x800043 pc $OUT sp 0x8000 ilen 0x2 iinfo 0x0 ax $1"
}
cpuid_exit() { # cpuid_exit AX CX: the line SPEC gives an unanswered one
	echo ".cpuid 0x0 pc $INSN sp 0x8000 ilen 0x2 iinfo 0x0 ax $1 cx $2"
}
st() { sed -n 's/^\.cpuid //p' "$X/stats"; }

t_ok "init, map, cpuid guest loaded" g_setup cpuid
ask "an empty table: CPUID exits as .cpuid" 0x0 0x0 "$(cpuid_exit 0x0 0x0)"
ev_expect "the VMM's answer in the go" \
	"pc=$OUT;ax=0x16;" "$(io 0x16)"

t_eq "cpuid 0 0 with four values is taken" \
	"$(w ctl 'cpuid 0 0 0xd 0x756e6547 0x6c65746e 0x49656e69\n')" ""
ask "leaf 0: answered in the kernel, the out is the next exit" \
	0x0 0x0 "$(io 0xd)"
t_eq "... bx is the answer, its high half cleared" "$(g_reg bx)" \
	"$(hex64 0x756e6547)"
t_eq "... cx" "$(g_reg cx)" "$(hex64 0x6c65746e)"
t_eq "... dx" "$(g_reg dx)" "$(hex64 0x49656e69)"
t_eq "... stats count it (2 .cpuid exits)" "$(st)" 2
ask "leaf 0 subleaf 1: not in the table, exits" 0x0 0x1 \
	"$(cpuid_exit 0x0 0x1)"

t_eq "cpuid 7 * (every subleaf) is taken" \
	"$(w ctl 'cpuid 7 * 1 2 3 4\n')" ""
t_eq "cpuid 7 0 is taken" "$(w ctl 'cpuid 0x7 0x0 0x70 0x71 0x72 0x73\n')" ""
ask "leaf 7 subleaf 0: its own answer" 0x7 0x0 "$(io 0x70)"
ask "leaf 7 subleaf 5: the leaf's answer for every subleaf" 0x7 0x5 \
	"$(io 0x1)"
t_eq "... dx 4" "$(g_reg dx)" "$(hex64 4)"

t_eq "cpuid 0 0 again replaces its answer" \
	"$(w ctl 'cpuid 0 0 0x20 0 0 0\n')" ""
ask "leaf 0: the new answer" 0x0 0x0 "$(io 0x20)"

t_eq "five values: EINVAL" "$(w ctl 'cpuid 0 0 1 2 3\n')" \
	"Invalid argument"
t_eq "a 33-bit value: EINVAL" \
	"$(w ctl 'cpuid 0 0 1 2 3 0x100000000\n')" "Invalid argument"
ask "... neither changed the answer" 0x0 0x0 "$(io 0x20)"
# 3 entries so far; fill the table (XVMX_CPUID_MAX, 64)
i=3
while [ $i -lt 64 ]; do
	echo "cpuid $((0x100 + i)) 0 $i 0 0 0" >"$X/ctl" || break
	i=$((i + 1))
done
t_eq "64 answers are taken" "$i" 64
t_eq "a 65th: ENOSPC" "$(w ctl 'cpuid 0x1000 0 1 1 1 1\n')" \
	"No space left on device"
ask "... a new leaf is not answered" 0x1000 0x0 "$(cpuid_exit 0x1000 0x0)"
t_eq "... and replacing one still is" \
	"$(w ctl 'cpuid 0 0 0x21 0 0 0\n')" ""

# step (RFLAGS.TF under Bochs, no monitor trap flag): the answered CPUID
# is the one instruction
printf 'pc %s\nax 0x0\ncx 0x0\n' "$INSN" >"$X/regs"
t_ok "step over an answered CPUID" sh -c "echo step >$X/ctl"
t_eq "... pc after it, ax the answer" "$(g_reg pc) $(g_reg ax)" \
	"$(hex64 "$OUT") $(hex64 0x21)"

# a guest spinning on answered CPUIDs exits only to the kernel: the
# host (one CPU in most boots) keeps running, stats count on, stop works
n0=$(st)
g_go "pc=$(s spin);"
sleep 2
t_eq "spin on answered CPUIDs: still running after 2 s" \
	"$(cat "$X/status")" running
n1=$(st)
t_ok "... stats count its CPUIDs ($n0, then $n1)" test "$n1" -gt $((n0 + 100))
t_ok "... stop" sh -c "echo stop >$X/ctl"
t_eq "... ready, pc in the loop" "$(cat "$X/status") $(($(g_reg pc) >= $(s spin)))" \
	"ready 1"

t_eq "cpuid alone empties the table" "$(w ctl 'cpuid\n')" ""
ask "leaf 0 exits again" 0x0 0x0 "$(cpuid_exit 0x0 0x0)"
t_eq "cpuid 0 0 set once more" "$(w ctl 'cpuid 0 0 1 1 1 1\n')" ""
g_quit
t_ok "quit, init again" g_setup cpuid
ask "a new vCPU's table is empty" 0x0 0x0 "$(cpuid_exit 0x0 0x0)"
t_ok "quit" g_quit
