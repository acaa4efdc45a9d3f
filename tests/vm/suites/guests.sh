# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# guests: real guest code under VMX, driven through the files with echo
# and cat: a 32-bit protected-mode guest (io and hlt exits, registers it
# computed), a real-mode guest (PE cleared in cr0real), a long-mode guest
# with its own page tables (cpuid exit, 64-bit registers). Exit lines are
# compared whole, to the letter of SPEC "wait".
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 29
insmod /modules/xvmx.ko

# --- prot32: tests/guests/prot32.S header lists these exits
t_ok "prot32: init and map" g_setup prot32
g_go_expect "prot32: io exit (out %eax,\$0x80)" "" \
	"io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345678"
t_eq "prot32: status ready after the exit" "$(cat "$X/status")" ready
t_eq "prot32: bx = 6*7 computed by a loop" "$(g_reg bx)" 0x000000000000002a
t_eq "prot32: cx" "$(g_reg cx)" 0x0000000000001234
t_eq "prot32: dx" "$(g_reg dx)" 0x00000000deadbeef
t_eq "prot32: si through the stack" "$(g_reg si)" 0x0000000000000055
t_eq "prot32: di through memory" "$(g_reg di)" 0x000000000000002a
t_eq "prot32: exitreason 30 (io)" "$(g_reg exitreason)" 0x0000001e
t_eq "prot32: exitqualification" "$(g_reg exitqualification)" \
	0x0000000000800043
g_go_expect "prot32: hlt exit after go pc=next" "pc=0x102b;" \
	".hlt 0x0 pc 0x102b sp 0x8000 ilen 0x1 iinfo 0x0"
t_eq "prot32: guest wrote its result into the segment (result, 0x1030)" \
	"$(g_peek32 /dev/shm/vm0 $((0x1030)))" \
	0x0000002a
t_ok "prot32: quit" g_quit
t_eq "prot32: inactive after quit" "$(cat "$X/status")" inactive

# --- real16: PE cleared in cr0real, 16-bit segments (real16.S header)
t_ok "real16: init and map" g_setup real16
t_ok "real16: enter real mode through regs" sh -c "printf '%s\n' \
	'cr0real 0x30' 'cs 0x0' 'csbase 0x0' 'cslimit 0xffff' 'csperm 0x9b' \
	'ds 0x0' 'dsbase 0x0' 'dslimit 0xffff' 'dsperm 0x93' \
	'es 0x0' 'esbase 0x0' 'eslimit 0xffff' 'esperm 0x93' \
	'ss 0x0' 'ssbase 0x0' 'sslimit 0xffff' 'ssperm 0x93' \
	'pc 0x1000' 'sp 0x8000' > $X/regs"
g_go_expect "real16: 16-bit io exit (out %ax,\$0x80)" "" \
	"io 0x800041 pc 0x1015 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x1234"
t_eq "real16: dx read through ds=0x100 (base sel*16)" "$(g_reg dx)" \
	0x00000000000034b8
g_go_expect "real16: hlt" "pc=0x1017;" \
	".hlt 0x0 pc 0x1017 sp 0x8000 ilen 0x1 iinfo 0x0"
g_quit

# --- long64: own page tables at 0x2000, efer LME, PG (long64.S header)
t_ok "long64: init and map" g_setup long64
t_ok "long64: enter long mode through regs" sh -c "printf '%s\n' \
	'cr3 0x2000' 'cr4real 0x20' 'efer 0x500' 'cr0real 0x80000031' \
	'cs 0x8' 'csbase 0x0' 'cslimit 0xffffffff' 'csperm 0xa09b' \
	'gdtrbase 0x5000' 'gdtrlimit 0x17' > $X/regs"
t_eq "long64: efer has LMA" "$(g_reg efer)" 0x0000000000000500
g_go_expect "long64: cpuid exit" "" \
	".cpuid 0x0 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0 cx 0x0"
g_go_expect "long64: answered cpuid, io exit" \
	"ax=0xd;bx=0x756e6547;cx=0x6c65746e;dx=0x49656e69;pc=0x1004;" \
	"io 0x800043 pc 0x1004 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0xd"
g_go_expect "long64: 64-bit push and rax" "pc=0x1006;" \
	"io 0x810043 pc 0x1011 sp 0x7ff8 ilen 0x2 iinfo 0x0 ax 0xfedcba9876543210"
g_go_expect "long64: hlt" "pc=0x1013;" \
	".hlt 0x0 pc 0x101b sp 0x8000 ilen 0x1 iinfo 0x0"
t_eq "long64: bx popped" "$(g_reg bx)" 0xfedcba9876543210
t_eq "long64: dx rip-relative through 2 MiB page" "$(g_reg dx)" \
	0x1122334455667788
g_quit

rmmod xvmx
t_dmesg_clean "kernel log clean"
