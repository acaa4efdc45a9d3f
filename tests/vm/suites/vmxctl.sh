# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# vmxctl: every subcommand against the real module, `vmxctl run` of the
# hello guest, a guest with an unhandled exit, Ctrl-C and --timeout in the
# middle of `run` (status inactive, no segment left behind). Always with
# -r "$X", so the suite drives whichever tree lib.sh names.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 37
insmod /modules/xvmx.ko

t_eq "status" "$(vmxctl -r "$X" status)" inactive
t_match "go when inactive fails with the kernel's reason" \
	"$({ vmxctl -r "$X" go 2>&1; echo "rc=$?"; } | tr '\n' ' ')" \
	'No such device or address.*rc=1'
t_ok "init" vmxctl -r "$X" init
t_eq "status ready" "$(vmxctl -r "$X" status)" ready
dd if=/dev/zero of=/dev/shm/vm0 bs=1048576 count=2 2>/dev/null
dd if=/guests/prot32.bin of=/dev/shm/vm0 bs=4096 seek=1 conv=notrunc 2>/dev/null
t_ok "map add" vmxctl -r "$X" map add 'rwx wb 0x0 0x200000 vm0 0x0'
t_eq "map prints it" "$(vmxctl -r "$X" map)" "rwx wb 0x0 0x200000 vm0 0x0"
t_ok "regs set two at once" vmxctl -r "$X" regs pc=0x1000 sp=0x8000
t_eq "regs NAME prints one value" "$(vmxctl -r "$X" regs pc sp)" "pc 0x1000
sp 0x8000"
t_eq "regs prints every register" "$(vmxctl -r "$X" regs | wc -l)" 91
t_ok "step" vmxctl -r "$X" step
t_eq "one instruction (xor %ebx,%ebx) later" "$(vmxctl -r "$X" regs pc)" "pc 0x1002"
t_ok "go" vmxctl -r "$X" go
t_eq "wait" "$(vmxctl -r "$X" wait)" \
	"io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345678"
t_ok "go with registers" vmxctl -r "$X" go pc=0x102b
t_eq "wait -n 1" "$(vmxctl -r "$X" wait -n 1)" \
	".hlt 0x0 pc 0x102b sp 0x8000 ilen 0x1 iinfo 0x0"
t_match "stats" "$(vmxctl -r "$X" stats)" '^io 1$'
t_ok "extrap" vmxctl -r "$X" extrap 0x40042
t_ok "cpuid" vmxctl -r "$X" cpuid 7 '*' 0 0 0 0
t_fails "cpuid with five values" vmxctl -r "$X" cpuid 7 0 0 0 0
t_ok "irq" vmxctl -r "$X" irq 32
t_ok "irq (cancel)" vmxctl -r "$X" irq
t_ok "exc" vmxctl -r "$X" exc '#ud'
t_match "fpregs --dump is the XSAVE image" "$(vmxctl -r "$X" fpregs --dump | wc -c)" \
	'^[0-9]{3,4}$'
vmxctl -r "$X" fpregs --dump >/tmp/fp
t_ok "fpregs --load" vmxctl -r "$X" fpregs --load /tmp/fp
t_ok "stop" vmxctl -r "$X" stop
t_ok "map clear" vmxctl -r "$X" map clear
t_eq "map empty" "$(vmxctl -r "$X" map)" ""
t_ok "quit" vmxctl -r "$X" quit
t_fails "unknown register is a usage error" vmxctl -r "$X" regs bogus=1
rm -f /dev/shm/vm0

out=$(timeout 300 vmxctl -r "$X" run /guests/hello.bin 2>&1)
t_eq "run hello.bin exits 0" "$?" 0
t_eq "run hello.bin prints the greeting" "$out" "Hello from xvmx guest!"

out=$(timeout 300 vmxctl -r "$X" run /guests/prot32.bin 2>&1)
rc=$?
t_match "a guest with an unhandled exit: non-zero and the exit line" \
	"$(echo "$out" | head -n 1) rc=$rc" \
	'unhandled exit: io 0x800043 pc 0x1029.*rc=1'

vmxctl -r "$X" run /guests/spin.bin >/tmp/run.out 2>&1 &
p=$!
sleep 3
kill -INT "$p"
wait "$p"
rc=$?
t_match "Ctrl-C ends run non-zero" "rc=$rc $(tr '\n' ' ' </tmp/run.out)" \
	'^rc=1 .*interrupted'
t_eq "and leaves the vCPU inactive" "$(vmxctl -r "$X" status)" inactive
t_eq "and no segment behind" "$(ls /dev/shm | grep -c xvmx-run)" 0
t_match "--timeout stops a runaway guest" \
	"$({ vmxctl -r "$X" run --timeout 2 /guests/spin.bin 2>&1; echo "rc=$?"; } |
		tr '\n' ' ')" \
	'timeout.*rc=1'
rmmod xvmx
t_dmesg_clean "kernel log clean"
