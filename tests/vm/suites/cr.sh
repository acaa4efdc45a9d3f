# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# cr: CR0/CR4 ownership with the cr.S guest. The default masks hold the
# bits the host must own (CR0.NE, CR4.VMXE) and writes of *mask/*real
# keep them; guest reads of host-owned bits see *fake; guest writes of
# guest-owned bits (CR0.MP, CR4.DE) run without an exit; writes that
# change a host-owned bit from its fake value (NE, VMXE, MP once the
# mask has it, CLTS and LMSW with TS owned and set in the fake) exit as
# movcr lines carry the source register of a MOV to a CR (SPEC "wait");
# movcr with the SDM qualification (27.2.1: CR number, access type, GPR,
# LMSW source data).
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 33
insmod /modules/xvmx.ko

io() { # io PC AX: the guest's report exit
	echo "io 0x800043 pc $1 sp 0x8000 ilen 0x2 iinfo 0x0 ax $2"
}
movcr() { # movcr DESC GO QUAL PC ILEN [REGS]: REGS the line carries
	if ! g_go "$2"; then
		t_result 1 "$1 (go failed)"
		return 0
	fi
	t_match "$1" "$(ev_line)" \
		"^movcr $3 pc $4 sp 0x8000 ilen $5 iinfo 0x[0-9a-f]+${6:+ $6}\$"
}
regs() { printf '%s\n' "$@" >"$X/regs"; }

t_ok "init, map, cr guest loaded" g_setup cr
m0=$(g_reg cr0mask)
t_eq "default cr0mask has NE (host-owned)" "$((m0 & 0x20))" 32
t_eq "default cr4mask has VMXE" "$(($(g_reg cr4mask) & 0x2000))" 8192
t_eq "cr0 after init: PE|ET|NE" "$(($(g_reg cr0real) & 0xffffffff))" \
	"$((0x31))"
t_ok "cr0mask 0x0 written" regs 'cr0mask 0x0'
t_eq "cr0mask keeps the host-owned bits" "$(g_reg cr0mask)" "$m0"
t_ok "cr4real 0x0 written" regs 'cr4real 0x0'
t_eq "cr4real keeps VMXE" "$(g_reg cr4real)" "$(hex64 0x2000)"

ev_expect "1: guest reads cr0 (fake = real after init)" "" "$(io 0x1003 0x31)"
t_ok "cr0fake 0x11 (NE hidden)" regs 'cr0fake 0x11'
ev_expect "2: NE reads from cr0fake" "pc=0x1005;" "$(io 0x1008 0x11)"
ev_expect "3: guest-owned MP written without an exit, read back" \
	"pc=0x100a;" "$(io 0x1015 0x13)"
t_eq "cr0real: MP set by the guest, NE kept" "$(g_reg cr0real)" \
	"$(hex64 0x33)"
t_eq "cr0fake untouched by the guest's write" "$(g_reg cr0fake)" \
	"$(hex64 0x11)"
movcr "4: toggling host-owned NE exits (mov to cr0 from ebx)" \
	"pc=0x1017;" 0x300 0x101a 0x3 "bx 0x33"
t_eq "exitqualification 0x300" "$(g_reg exitqualification)" "$(hex64 0x300)"
t_eq "the exiting write did not reach cr0real" "$(g_reg cr0real)" \
	"$(hex64 0x33)"
t_eq "guest's ebx holds the value it tried to write" "$(g_reg bx)" \
	"$(hex64 0x33)"
ev_expect "5: guest reads cr4 without VMXE" "pc=0x101d;" "$(io 0x1020 0x0)"
ev_expect "6: guest-owned DE written without an exit" "pc=0x1022;" \
	"$(io 0x102d 0x8)"
t_eq "cr4real: DE and VMXE" "$(g_reg cr4real)" "$(hex64 0x2008)"
movcr "7: setting host-owned VMXE exits (mov to cr4 from ecx)" \
	"pc=0x102f;" 0x104 0x1035 0x3 "cx 0x2008"
t_ok "cr0mask 0x2: MP host-owned too" regs 'cr0mask 0x2'
t_eq "cr0mask has MP and the host's bits" "$(g_reg cr0mask)" \
	"$(hex64 $((m0 | 0x2)))"
ev_expect "8: MP now reads from the fake (0)" "pc=0x1038;" "$(io 0x103b 0x11)"
movcr "9: toggling MP now exits (mov to cr0 from esi)" "pc=0x103d;" \
	0x600 0x1042 0x3 "si 0x[0-9a-f]+"
t_ok "cr0mask 0xa and cr0fake 0x19: TS host-owned and set" \
	regs 'cr0mask 0xa' 'cr0fake 0x19'
movcr "10: clts exits (access type 2)" "pc=0x1045;" 0x20 0x1045 0x2
movcr "11: lmsw clearing TS exits (type 3, source 0x1 in bits 31:16)" \
	"pc=0x1047;" 0x10030 0x104c 0x3
ev_expect "12: hlt" "pc=0x104f;" ".hlt 0x0 pc 0x104f sp 0x8000 ilen 0x1 iinfo 0x0"
t_eq "clts left the fake TS for the host to clear" \
	"$(g_reg cr0fake)" "$(hex64 0x19)"
t_ok "quit" g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
