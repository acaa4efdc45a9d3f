# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# stats: one `name count` line per exit reason seen since init. After
# hello.S (23 io exits and a hlt) the counts are exactly that, plus only
# exits the kernel handles itself (extirq, preempt, ...); a spinning
# guest adds kernel-handled ones (timer interrupts, the preemption timer)
# and no io; init starts from zero; prot32 counts io 1 and .hlt 1.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 16
insmod /modules/xvmx.ko

# The kernel-handled reasons, from the module's own exit table.
KERNEL_ONLY="^($(vmxctl exits --kernel | sed 's/\./\\./g' | tr '\n' '|' |
	sed 's/|$//')) "
st() { cat "$X/stats"; }
guest_exits() { st | grep -vE "$KERNEL_ONLY"; }

t_ok "init, map, hello guest loaded" g_setup hello
t_eq "stats empty after init" "$(st)" ""

n=0
go_args=
while [ $n -lt 23 ]; do
	g_go "$go_args" || break
	l=$(ev_line)
	case $l in
	"io 0x3f80000 pc 0x1011 "*) n=$((n + 1)) ;;
	*) break ;;
	esac
	go_args="pc=0x1012;"
done
t_eq "hello: 23 io exits" "$n" 23
ev_expect "hello: then the hlt" "pc=0x1012;" \
	".hlt 0x0 pc 0x1015 sp 0x8000 ilen 0x1 iinfo 0x0"
t_eq "every stats line is 'name count'" \
	"$(st | grep -cvE '^[.a-z_0-9?]+ [1-9][0-9]*$')" 0
t_eq "stats: io 23" "$(st | grep '^io ')" "io 23"
t_eq "stats: .hlt 1" "$(st | grep '^\.hlt ')" ".hlt 1"
t_eq "nothing else but kernel-handled exits" "$(guest_exits)" ".hlt 1
io 23"

g_go "pc=0x1016;"
sleep 2
t_ok "a spinning guest, stopped after 2 s" sh -c "echo stop > $X/ctl"
t_match "kernel-handled exits were counted (timer, preemption timer)" \
	"$(st)" '^(extirq|preempt) [1-9]'
t_eq "and no guest exit was added" "$(guest_exits)" ".hlt 1
io 23"
t_diag "$(st)"

t_ok "quit" g_quit
t_fails "stats unreadable while inactive (ENXIO)" cat "$X/stats"
g_setup prot32
t_eq "init starts from zero" "$(st)" ""
g_go
g_wait >/dev/null
g_go "pc=0x102b;"
g_wait >/dev/null
t_eq "prot32: .hlt 1 and io 1" "$(guest_exits)" ".hlt 1
io 1"
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
