# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# vmxctl: every subcommand against the real module, `vmxctl run` of the
# hello guest, a guest with an unhandled exit, Ctrl-C and --timeout in the
# middle of `run` (status inactive, no segment left behind).
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 35
insmod /modules/xvmx.ko

t_eq "status" "$(vmxctl status)" inactive
t_match "go when inactive fails with the kernel's reason" \
	"$({ vmxctl go 2>&1; echo "rc=$?"; } | tr '\n' ' ')" \
	'No such device or address.*rc=1'
t_ok "init" vmxctl init
t_eq "status ready" "$(vmxctl status)" ready
dd if=/dev/zero of=/dev/shm/vm0 bs=1048576 count=2 2>/dev/null
dd if=/guests/prot32.bin of=/dev/shm/vm0 bs=4096 seek=1 conv=notrunc 2>/dev/null
t_ok "map add" vmxctl map add 'rwx wb 0x0 0x200000 vm0 0x0'
t_eq "map prints it" "$(vmxctl map)" "rwx wb 0x0 0x200000 vm0 0x0"
t_ok "regs set two at once" vmxctl regs pc=0x1000 sp=0x8000
t_eq "regs NAME prints one value" "$(vmxctl regs pc sp)" "pc 0x1000
sp 0x8000"
t_eq "regs prints every register" "$(vmxctl regs | wc -l)" 82
t_ok "step" vmxctl step
t_eq "one instruction (xor %ebx,%ebx) later" "$(vmxctl regs pc)" "pc 0x1002"
t_ok "go" vmxctl go
t_eq "wait" "$(vmxctl wait)" \
	"io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345678"
t_ok "go with registers" vmxctl go pc=0x102b
t_eq "wait -n 1" "$(vmxctl wait -n 1)" \
	".hlt 0x0 pc 0x102b sp 0x8000 ilen 0x1 iinfo 0x0"
t_match "stats" "$(vmxctl stats)" '^io 1$'
t_ok "extrap" vmxctl extrap 0x40042
t_ok "irq" vmxctl irq 32
t_ok "irq (cancel)" vmxctl irq
t_ok "exc" vmxctl exc '#ud'
t_match "fpregs --dump is the XSAVE image" "$(vmxctl fpregs --dump | wc -c)" \
	'^[0-9]{3,4}$'
vmxctl fpregs --dump >/tmp/fp
t_ok "fpregs --load" vmxctl fpregs --load /tmp/fp
t_ok "stop" vmxctl stop
t_ok "map clear" vmxctl map clear
t_eq "map empty" "$(vmxctl map)" ""
t_ok "quit" vmxctl quit
t_fails "unknown register is a usage error" vmxctl regs bogus=1
rm -f /dev/shm/vm0

out=$(timeout 300 vmxctl run /guests/hello.bin 2>&1)
t_eq "run hello.bin exits 0" "$?" 0
t_eq "run hello.bin prints the greeting" "$out" "Hello from xvmx guest!"

out=$(timeout 300 vmxctl run /guests/prot32.bin 2>&1)
rc=$?
t_match "a guest with an unhandled exit: non-zero and the exit line" \
	"$(echo "$out" | head -n 1) rc=$rc" \
	'unhandled exit: io 0x800043 pc 0x1029.*rc=1'

vmxctl run /guests/spin.bin >/tmp/run.out 2>&1 &
p=$!
sleep 3
kill -INT "$p"
wait "$p"
rc=$?
t_match "Ctrl-C ends run non-zero" "rc=$rc $(tr '\n' ' ' </tmp/run.out)" \
	'^rc=1 .*interrupted'
t_eq "and leaves the vCPU inactive" "$(vmxctl status)" inactive
t_eq "and no segment behind" "$(ls /dev/shm | grep -c xvmx-run)" 0
t_match "--timeout stops a runaway guest" \
	"$({ vmxctl run --timeout 2 /guests/spin.bin 2>&1; echo "rc=$?"; } |
		tr '\n' ' ')" \
	'timeout.*rc=1'
rmmod xvmx
t_dmesg_clean "kernel log clean"
