#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuse.sh VMX XVMXFS: vmx's run loop, end to end on the host, over the
# FUSE harness (tests/fuse: the module's file layer over a simulated vCPU
# whose exits come from a script). No guest code runs: this checks what
# vmx does with exit lines (io to the console and the debug-exit port,
# the PIC and PIT programmed by io exits, hlt until the timer interrupt,
# *ack, exceptions injected, a dead vCPU, an exit it cannot emulate,
# signals) and that it quits the vCPU and leaves nothing behind.
# Skipped without a usable /dev/fuse. TAP.
set -u
vmx=$(realpath "$1")
fs=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
mb=$here/mbtest.elf
n=0
fail=0
skip_all() {
	echo "1..1"
	echo "ok 1 - vmx on the FUSE harness # SKIP $1"
	exit 0
}
[[ -c /dev/fuse && -r /dev/fuse && -w /dev/fuse ]] || skip_all "no /dev/fuse"
command -v fusermount3 >/dev/null || skip_all "no fusermount3"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmx-fuse.XXXXXX")
M=$tmp/mnt
S=$tmp/script
mkdir "$M"
: >"$S"
fspid=
cleanup() {
	fusermount3 -u "$M" 2>/dev/null
	[[ -n $fspid ]] && wait "$fspid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export ASAN_OPTIONS=detect_leaks=0
"$fs" -s "$S" -f "$M" 2>"$tmp/fs.err" &
fspid=$!
for ((i = 0; i < 200; i++)); do
	[[ -e $M/status ]] && break
	kill -0 "$fspid" 2>/dev/null || skip_all "mount failed: $(head -n 1 "$tmp/fs.err")"
	sleep 0.05
done
[[ -e $M/status ]] || skip_all "the mount did not appear"

ok() { # ok DESC CONDITION-STATUS
	n=$((n + 1))
	if [[ $2 == 0 ]]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   exit $rc; stdout:"
		sed 's/^/#   /' "$tmp/out"
		echo "#   stderr:"
		sed 's/^/#   /' "$tmp/err"
		fail=$((fail + 1))
	fi
}
# run SCRIPT-LINES...: vmx -v on the harness with this script
run() {
	printf '%s\n' "$@" >"$S"
	timeout 20 "$vmx" -v -r "$M" -M 16M "$mb" >"$tmp/out" 2>"$tmp/err" \
		</dev/null
	rc=$?
}
has() { grep -Eq -- "$2" "$tmp/$1"; }
clean() { # the vCPU quit, no shm segment left
	[[ $(cat "$M/status") == inactive ]] &&
		! ls /dev/shm | grep -q "^vmx-"
}
out() { # out PORT VALUE: an `out %al` io exit
	printf 'io qual=%#x ilen=1 ax=%#x' $(($1 << 16)) "$2"
}

# console output, then isa-debug-exit 21: status 43
run "$(out 0x3f8 0x68)" "$(out 0x3f8 0x69)" "$(out 0x3f8 0x0a)" \
	"$(out 0xf4 21)"
[[ $rc == 43 ]] && [[ $(cat "$tmp/out") == hi ]] && has err "io 4" &&
	has err "regs reads 0" && clean
ok "COM1 output, debug exit 21 -> 43, no regs read, vCPU quit" $?

# PIC and PIT set up by io exits, hlt until IRQ 0, *ack, EOI, exit. The
# PIT in mode 0 (one shot): a periodic one may fire again before the exit
# and post a second interrupt, depending on the host's speed.
run "$(out 0x20 0x11)" "$(out 0x21 0x30)" "$(out 0x21 0x04)" \
	"$(out 0x21 0x01)" "$(out 0x21 0xfe)" \
	"$(out 0x43 0x30)" "$(out 0x40 0xa9)" "$(out 0x40 0x04)" \
	".hlt ilen=1 flags=0x202" ack "$(out 0x20 0x20)" "$(out 0xf4 5)"
[[ $rc == 11 ]] && has err "interrupts posted 1, acked 1" &&
	has err "\.hlt 1" && clean
ok "hlt sleeps until the PIT's IRQ 0, irq 0x30 posted and acked" $?

# hlt with interrupts off and no timer: halted for good, status 0
run "$(out 0x3f8 0x2e)" ".hlt ilen=1 flags=0x2"
[[ $rc == 0 ]] && has err "halted with interrupts off" && has err "regs reads 1" &&
	clean
ok "cli; hlt with nothing armed: a clean end, one regs read" $?

# cpuid leaf 1 and an unknown MSR (#GP): the lines carry ax, cx, so the
# only regs read is leaf 1's CR4 (OSXSAVE)
run ".cpuid ilen=2 ax=0x1 cx=0x0" ".rdmsr ilen=2 cx=0x1b" "$(out 0xf4 0)"
[[ $rc == 1 ]] && has err "\.cpuid 1" && has err "\.rdmsr 1" &&
	has err "rdmsr 0x1b: #GP" && has err "regs reads 1" && clean
ok "cpuid 1 and rdmsr of an unknown MSR (#GP injected): one regs read" $?

# an exit vmx does not emulate: message, exit line, registers, status 2
run "eptfault qual=0x181 pa=0xfee00000"
[[ $rc == 2 ]] && has err "eptfault 0x181" && has err "^pc 0x" &&
	has err "does not emulate" && clean
ok "eptfault: status 2, the exit line and regs on stderr" $?

# the vCPU dies
run "$(out 0x80 0x1)" "dead broken on purpose"
[[ $rc == 2 ]] && has err "died: dead 'broken on purpose'" && clean
ok "a dead vCPU: status 2 with its message" $?

# a fault loop: one #GP-raising rdmsr at one pc, again and again
mapfile -t loop < <(for ((i = 0; i < 2005; i++)); do
	echo ".rdmsr ilen=2 cx=0x1b"
done)
run "${loop[@]}"
[[ $rc == 2 ]] && has err "looks stuck: 2000 \.rdmsr exits in a row" && clean
ok "a guest stuck in one exit: status 2 after 2000 in a row" $?

# a triple fault resets: status 0
run "triplef"
[[ $rc == 0 ]] && has err "triple fault" && clean
ok "triple fault: reset, status 0" $?

# keyboard controller reset
run "$(out 0x64 0xfe)"
[[ $rc == 0 ]] && has err "keyboard controller" && clean
ok "i8042 pulse reset: status 0" $?

# -T: a guest that runs on and never exits is stopped at the timeout
run_T() {
	timeout 20 "$vmx" -v -T 1 -r "$M" -M 16M "$mb" >"$tmp/out" 2>"$tmp/err" \
		</dev/null
	rc=$?
}
printf '%s\n' "$(out 0x3f8 0x2e)" hang >"$S"
run_T
[[ $rc == 2 ]] && has err "timeout after 1 s" && has err "^pc 0x" && clean
ok "-T 1: a guest that never exits again stops with status 2, vCPU quit" $?

# -P: the running guest's pc sampled (stop, regs, go), a profile at the end
printf '%s\n' "$(out 0x3f8 0x2e)" hang >"$S"
timeout 20 "$vmx" -P 50 -T 1 -r "$M" -M 16M "$mb" >"$tmp/out" 2>"$tmp/err" \
	</dev/null
rc=$?
[[ $rc == 2 ]] && has err "profile: [1-9][0-9]* samples of the guest pc" &&
	has err "profile: +[0-9]+ 100\.0% 0x10000d" && clean
ok "-P 50: samples of a running guest's pc (all at one pc here)" $?

# No new irq while the vCPU runs with an interrupt in flight (acked, no
# exit since: the module may still hold it for an entry it has not made,
# and a new irq would replace it there). PIC, PIT every 55 ms, the UART's
# THR-empty interrupt (IRQ 4, vector 52) posted at the IER write; the
# guest takes it and runs on: the PIT's IRQ 0 (48) waits for an exit.
pic_pit_uart=("$(out 0x20 0x11)" "$(out 0x21 0x30)" "$(out 0x21 0x04)"
	"$(out 0x21 0x01)" "$(out 0x21 0xee)" "$(out 0x43 0x34)"
	"$(out 0x40 0xff)" "$(out 0x40 0xff)" "$(out 0x3f9 0x02)")
run_vvv() {
	printf '%s\n' "$@" >"$S"
	timeout 20 "$vmx" -vvv -T 1 -r "$M" -M 16M "$mb" >"$tmp/out" \
		2>"$tmp/err" </dev/null
	rc=$?
}
run_vvv "${pic_pit_uart[@]}" ack hang
[[ $rc == 2 ]] && has err "ctl: irq 52" && ! has err "ctl: irq 48" && clean
ok "an acked irq and no exit since: the timer's irq is not posted" $?
# ... and once the guest has exited (its EOI), it is
run_vvv "${pic_pit_uart[@]}" ack "$(out 0x20 0x64)" hang
[[ $rc == 2 ]] && has err "ctl: irq 52" && has err "ctl: irq 48" && clean
ok "after the next exit the timer's irq is posted while the vCPU runs" $?

# SIGTERM while the guest runs
printf '%s\n' hang >"$S"
"$vmx" -r "$M" -M 16M "$mb" >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
[[ $rc == 143 ]] && has err "signal 15" && clean
ok "SIGTERM: status 143, vCPU quit, no segment left" $?

echo "1..$n"
echo "# fuse: $((n - fail)) passed, $fail failed"
[[ $fail == 0 ]]
