# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug timeout=1200
# hostile: a guest doing what it should not (tests/guests/hostile.S, one
# case per label, each on a fresh vCPU) ends in an exit on wait, an
# exception exit (#UD and #GP are intercepted here, so a fault does not
# turn into a triple fault through the guest's empty IDT), or a triple
# fault where that is the point; never in anything the host notices:
# every VMX instruction and GETSEC, INVD/WBINVD, port I/O to the host's
# own ports (keyboard-controller and CF9 resets, PIC, CMOS, its serial
# port), RDMSR/WRMSR of host-critical MSRs, MOV to and from DR0-7,
# control registers with reserved or inconsistent bits, XSETBV with
# invalid values, LGDT/LIDT of garbage and a triple fault, execution from
# a page without x and stores to r-x, a storm of `irq` commands; last,
# CR8 from a 64-bit guest. Meanwhile and after: the timer ticks, the
# kernel log stays clean, nothing stays pinned.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

# shellcheck disable=SC2034 # read by guestlib.sh
G_TIMEOUT=20
PINNED=/sys/module/xvmx/parameters/pinned_pages
# #DB and #MC (the default) plus #UD and #GP
EXTRAP=$(((1 << 1) | (1 << 18) | (1 << 6) | (1 << 13)))
EXTRAP_DEFAULT=$(((1 << 1) | (1 << 18)))

s() { sym hostile "$1"; }
local_timer() { awk '$1 == "LOC:" { print $2 }' /proc/interrupts; }

# A fresh vCPU with hostile.bin at 0x1000, 1 MiB rwx at 0, and vm1's two
# pages at 0x300000 (rw-) and 0x301000 (r-x).
hs_setup() {
	read -r _hs <"$X/status"
	[ "$_hs" = inactive ] || echo quit >"$X/ctl"
	g_setup "${1:-hostile}" 1 &&
		printf '%s\n' 'rw- wb 0x300000 0x301000 vm1 0x0' \
			'r-x wb 0x301000 0x302000 vm1 0x1000' >>"$X/map" &&
		echo "extrap ${2:-$EXTRAP}" >"$X/ctl"
}

# hs DESC CASE REGS WANT-ERE [EXTRAP]: CASE on a fresh vCPU with REGS
# ("ax=0x1;" ...); its exit line must match WANT-ERE. Sets HS_LINE.
hs() {
	if ! hs_setup hostile "$5"; then
		t_result 1 "$1 (setup failed)"
		return 0
	fi
	g_go "pc=$(s "$2");$3"
	HS_LINE=$(ev_line)
	t_match "$1" "$HS_LINE" "$4"
}

# hs_hlt CASE: the exit of its hlt, when the instruction ran in the guest
hs_hlt() { echo "\.hlt 0x0 pc $(s "$1_hlt") "; }

sym_load hostile
dd if=/dev/zero of=/dev/shm/vm1 bs=4096 count=2 2>/dev/null
t_plan 107
insmod /modules/xvmx.ko
loc0=$(local_timer)
up0=$(cut -d. -f1 /proc/uptime)

# --- every VMX instruction exits (SDM 26.1.2); VMFUNC off is #UD
for i in vmxon vmxoff vmclear vmptrld vmptrst vmread vmwrite vmlaunch \
	vmresume invept invvpid vmcall; do
	hs "$i exits as .$i" "c_$i" "ax=0x1;bx=0x4000;" "^\.$i .* pc $(s "c_$i") "
done
hs "vmfunc (VM functions off) is #ud" c_vmfunc "ax=0x0;cx=0x0;" \
	"^#ud .* pc $(s c_vmfunc) "
hs "getsec exits (or is #ud, CR4.SMXE off)" c_getsec "ax=0x0;" \
	"^(\.getsec|#ud) .* pc $(s c_getsec) "

# --- cache control
hs "invd exits" c_invd "" "^\.invd .* pc $(s c_invd) "
hs "wbinvd runs in the guest or exits" c_wbinvd "" \
	"^($(hs_hlt c_wbinvd)|\.wbinvd .* pc $(s c_wbinvd) )"

# --- the host's ports: every access exits, none reaches the port
hs "out 0xfe to 0x64 (keyboard-controller reset) exits" c_out \
	"dx=0x64;ax=0xfe;" "^io 0x640000 pc $(s c_out) .* ax 0xfe$"
hs "out 0x6 to 0xcf9 (reset control) exits" c_out "dx=0xcf9;ax=0x6;" \
	"^io 0xcf90000 pc $(s c_out) .* ax 0x6$"
hs "out 0xff to 0x21 (PIC mask) exits" c_out "dx=0x21;ax=0xff;" \
	"^io 0x210000 pc $(s c_out) "
hs "out to 0x70 (CMOS index, NMI mask bit) exits" c_out "dx=0x70;ax=0x8f;" \
	"^io 0x700000 pc $(s c_out) "
hs "in from 0x20 (PIC) exits" c_in "dx=0x20;" "^io 0x200008 pc $(s c_in) "
hs "rep outsb to the serial port 0x3f8 exits, before the first byte" \
	c_outsb "dx=0x3f8;cx=0x10;si=0x1000;" "^io 0x3f80030 pc $(s c_outsb) "
t_eq "the count is untouched" "$(g_reg cx)" 0x0000000000000010

# --- MSRs: the host's exit; those SPEC switches for the guest may run
for m in efer:0xc0000080 fsbase:0xc0000100 gsbase:0xc0000101 \
	apicbase:0x1b specctrl:0x48 miscenable:0x1a0 featctl:0x3a \
	debugctl:0x1d9 pat:0x277 tsc:0x10; do
	n=${m%%:*}
	c=${m#*:}
	hs "rdmsr $n exits" c_rdmsr "cx=$c;" "^\.rdmsr 0x0 pc $(s c_rdmsr) "
	hs "wrmsr $n of garbage exits" c_wrmsr \
		"cx=$c;ax=0xdeadbeef;dx=0xffffffff;" \
		"^\.wrmsr 0x0 pc $(s c_wrmsr) "
done
t_eq "the last wrmsr's registers, for the VMM" \
	"$(g_reg ax) $(g_reg cx) $(g_reg dx)" \
	"0x00000000deadbeef 0x0000000000000010 0x00000000ffffffff"
# The garbage, 0x8000deadbeef, is not a canonical address: the CPU's own
# WRMSR refuses it with #GP for the MSRs that hold one (c), as it would
# on the host; the others take it.
for m in star:0xc0000081:- lstar:0xc0000082:c cstar:0xc0000083:c \
	sfmask:0xc0000084:- kernelgsbase:0xc0000102:c sysentercs:0x174:- \
	sysenteresp:0x175:c sysentereip:0x176:c; do
	n=${m%%:*}
	c=${m#*:}
	k=${c#*:}
	c=${c%:*}
	own=$(hs_hlt c_wrmsr) why=runs
	[ "$k" = - ] || own="#gp 0x0 pc $(s c_wrmsr) " why="#gp"
	hs "rdmsr $n: the guest's own, or an exit" c_rdmsr "cx=$c;" \
		"^($(hs_hlt c_rdmsr)|\.rdmsr 0x0 pc $(s c_rdmsr) )"
	hs "wrmsr $n of garbage: the guest's own ($why), or an exit" \
		c_wrmsr "cx=$c;ax=0xdeadbeef;dx=0x8000;" \
		"^($own|\.wrmsr 0x0 pc $(s c_wrmsr) )"
done
t_ok "the host's system calls still work (LSTAR, SYSENTER: its own)" \
	sh -c 'echo ok | cat | grep -q ok'

# --- debug registers: MOV DR exits, in both directions
for n in 0 1 2 3 4 5 6 7; do
	hs "mov to dr$n exits" "c_to_dr$n" "ax=0xffffffff;" \
		"^\.movdr .* pc $(s "c_to_dr$n") "
	hs "mov from dr$n exits" "c_from_dr$n" "" \
		"^\.movdr .* pc $(s "c_from_dr$n") "
done

# --- control registers with bits they must not have
hs "cr0 with PG but not PE: #gp (or movcr)" c_cr0 "ax=0x80000030;" \
	"^(#gp|movcr) .* pc $(s c_cr0) "
hs "cr0 with NW but not CD: #gp (or movcr)" c_cr0 "ax=0x20000031;" \
	"^(#gp|movcr) .* pc $(s c_cr0) "
hs "cr4 with reserved bit 31: movcr (or #gp)" c_cr4 "ax=0x80000000;" \
	"^(movcr|#gp) .* pc $(s c_cr4) "
hs "cr3 with every bit set, paging off: runs (or movcr)" c_cr3 \
	"ax=0xffffffff;" "^($(hs_hlt c_cr3)|movcr .* pc $(s c_cr3) )"

# --- XSETBV: #UD without CR4.OSXSAVE, else an exit for any value
hs "xsetbv without CR4.OSXSAVE: #ud" c_xsetbv "cx=0x0;ax=0x1;dx=0x0;" \
	"^(#ud|\.xsetbv) .* pc $(s c_xsetbv) "
for v in "cx=0x0;ax=0x0;dx=0x0;" "cx=0x1;ax=0x1;dx=0x0;" \
	"cx=0x0;ax=0xffffffff;dx=0xffffffff;"; do
	hs "xsetbv $v with CR4.OSXSAVE exits" c_xsetbv_os "$v" \
		"^(\.xsetbv|movcr) "
done

# --- descriptor tables of garbage; a triple fault
hs "lgdt of garbage, then a segment load: #gp" c_lgdt "" "^(#gp|triplef) "
hs "lidt of garbage, then ud2, nothing intercepted: triple fault" c_lidt \
	"" "^triplef " "$EXTRAP_DEFAULT"
t_match "after the triple fault the vCPU is ready or dead" \
	"$(cat "$X/status")" "^(ready|dead )"
t_ok "and quit works" sh -c "echo quit >$X/ctl"

# --- EPT: no execute without x, no store to r-x
hs "jump to a page mapped rw-: eptfault (instruction fetch)" c_jmp \
	"ax=0x300000;" "^eptfault 0x[0-9a-f]+ pc 0x300000 .* pa 0x300000$"
q=$(echo "$HS_LINE" | cut -d' ' -f2)
t_eq "its qualification says fetch (bit 2), not read or write" \
	"$((q & 7))" 4
hs "store to a page mapped r-x: eptfault (write)" c_store "ax=0x301004;" \
	"^eptfault 0x[0-9a-f]+ pc $(s c_store) .* pa 0x301004$"
q=$(echo "$HS_LINE" | cut -d' ' -f2)
t_eq "its qualification says write (bit 1)" "$((q & 7))" 2
t_eq "the r-x page is unchanged" "$(g_peek32 /dev/shm/vm1 4100)" 0x00000000
hs "jump to unmapped memory: eptfault" c_jmp "ax=0x7000000;" \
	"^eptfault 0x[0-9a-f]+ pc 0x7000000 .* pa 0x7000000$"

# --- a storm of irq commands
hs_setup hostile
g_go "pc=$(s c_storm);"
sleep 1
t_eq "storm guest spinning with interrupts on" "$(cat "$X/status")" running
cat "$X/wait" >/tmp/acks 2>/dev/null &
rd=$!
i=0
while [ $i -lt 200 ]; do
	echo "irq $((32 + i % 224))" >"$X/ctl"
	[ $((i % 7)) = 0 ] && echo irq >"$X/ctl"
	i=$((i + 1))
done
sleep 2
echo stop >"$X/ctl"
kill $rd
wait $rd 2>/dev/null
acks=$(grep -c '^\*ack ' /tmp/acks)
irqs=$(($(g_peek32 /dev/shm/vm0 $(($(s irqs))))))
t_diag "200 irq writes: $acks acks, $irqs interrupts taken by the guest"
t_ok "the guest took interrupts" test "$irqs" -gt 0
# acks that come faster than the reader reads are one line (one `got`
# flag, as in 9front), so there are at most as many as interrupts
t_ok "acks seen, no more than interrupts taken, no more than posted" \
	test "$acks" -ge 1 -a "$acks" -le "$irqs" -a "$irqs" -le 200
t_eq "stop brought it back" "$(cat "$X/status")" ready
echo quit >"$X/ctl"

# --- the host
t_ok "the timer kept ticking (local timer interrupts)" \
	test "$(local_timer)" -gt "$loc0"
t_ok "uptime advanced" test "$(cut -d. -f1 /proc/uptime)" -gt "$up0"
t_eq "nothing pinned after quit" "$(cat $PINNED)" 0

# --- CR8, last: MOV to CR8 without a TPR shadow or CR8 exiting writes
# the local APIC's TPR, which hung the host (no timer interrupt got
# through). SPEC's `cr8` register is the guest's task priority: the
# write must run in the guest, read back there and in regs, and leave
# the host's timer ticking.
hs64() { # hs64 DESC CASE REGS WANT-ERE
	if ! _e=$(hs_setup hostile64 2>&1) ||
		! _e=$(printf '%s\n' 'cr3 0x2000' 'cr4real 0x20' 'efer 0x500' \
			'cr0real 0x80000031' 'cs 0x8' 'csbase 0x0' \
			'cslimit 0xffffffff' 'csperm 0xa09b' 'gdtrbase 0x5000' \
			'gdtrlimit 0x17' 2>&1 >"$X/regs"); then
		t_result 1 "$1 (setup failed)"
		t_diag "$_e"
		return 0
	fi
	g_go "pc=$(sym hostile64 "$2");$3"
	t_match "$1" "$(ev_line)" "$4"
}
loc1=$(local_timer)
hs64 "64-bit: mov 0xf to cr8 runs, and reads back" c8_write "ax=0xf;" \
	"^\.hlt 0x0 pc $(sym hostile64 c8_write_hlt) "
t_eq "the guest's cr8 is 0xf" "$(g_reg cr8)" 0x000000000000000f
sleep 2
t_ok "the host's timer still ticks (its TPR untouched)" \
	test "$(local_timer)" -gt "$loc1"
hs64 "64-bit: cr8 with reserved bits: #gp" c8_write "ax=0x10;" \
	"^#gp .* pc $(sym hostile64 c8_write) "
echo quit >"$X/ctl"

rm -f /dev/shm/vm0 /dev/shm/vm1
rmmod xvmx
t_dmesg_clean "kernel log clean"
