#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh XVMXFS VMXCTL: end-to-end tests of the file interface on the FUSE
# harness (xvmxfs: the module's file layer over a simulated vCPU). Shell
# echo/cat and every vmxctl subcommand, against scripted exits: blocking
# wait, one-byte reads, O_TRUNC on map, all-or-nothing regs and map
# writes, status transitions, errno of each refusal, signals, quit with a
# blocked reader, dead vCPUs, poll.
#
# TAP on stdout, then "fuse: N passed, N failed[, N skipped]". Without a
# usable /dev/fuse every test is skipped with the reason.
set -u

fs=$(realpath "$1")
vmxctl=$(realpath "$2")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/suites/lib.sh
. "$here/../vm/suites/lib.sh"

skip_all() {
	echo "1..1"
	echo "ok 1 - fuse harness # SKIP $1"
	echo "fuse: 0 passed, 0 failed, 1 skipped"
	exit 0
}

# XVMX_FUSE_DEV: another device node to check (tests of the skip path)
dev=${XVMX_FUSE_DEV:-/dev/fuse}
[[ -c $dev ]] || skip_all "no $dev on this machine (FUSE harness not run)"
[[ -r $dev && -w $dev ]] || skip_all "$dev not accessible (FUSE harness not run)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xvmxfs.XXXXXX")
M=$tmp/mnt
S=$tmp/script
seg=xvmxfs-test-$$
mkdir "$M"
: >"$S"
fspid=
cleanup() {
	fusermount3 -u "$M" 2>/dev/null || umount "$M" 2>/dev/null
	[[ -n $fspid ]] && wait "$fspid" 2>/dev/null
	rm -f "/dev/shm/$seg" "/dev/shm/$seg-2"
	rm -rf "$tmp"
}
trap cleanup EXIT

# ASan in the file system: a leak or error fails its exit status (below).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
# XVMXFS_WRAP: run it under a tool (make check-valgrind: valgrind)
# shellcheck disable=SC2086
${XVMXFS_WRAP:-} "$fs" -s "$S" -f -o max_threads=16 "$M" 2>"$tmp/fs.err" &
fspid=$!
for ((i = 0; i < 400; i++)); do
	[[ -e $M/status ]] && break
	if ! kill -0 "$fspid" 2>/dev/null; then
		wait "$fspid"
		skip_all "mounting failed: $(head -n 1 "$tmp/fs.err")"
	fi
	sleep 0.05
done
[[ -e $M/status ]] || skip_all "mount did not appear"
X=$M

script() { printf '%s\n' "$@" >"$S"; }
reinit() { # reinit ENTRIES...: a fresh vCPU with this script
	echo quit >"$X/ctl" 2>/dev/null
	script "$@"
	echo init >"$X/ctl"
}
reg() { grep "^$1 " "$X/regs" | cut -d' ' -f2; }
# one write(2) of the whole text, as the interface parses each write alone
put() { # put FILE TEXT (printf-escaped): one write, O_APPEND (> would clear map)
	printf -- "$2" >"$tmp/put"
	cat "$tmp/put" >>"$X/$1"
}
# t_errno DESC MESSAGE CMD...: CMD fails and says MESSAGE (strerror)
t_errno() {
	_d=$1
	_m=$2
	shift 2
	if _out=$("$@" 2>&1); then
		t_result 1 "$_d"
		t_diag "unexpectedly succeeded: $*"
	elif [[ $_out == *"$_m"* ]]; then
		t_result 0 "$_d"
	else
		t_result 1 "$_d"
		t_diag "want '$_m', got: $_out"
	fi
}
# gone_within PID SECONDS: PID ends (is reaped) within SECONDS
gone_within() {
	for ((_i = 0; _i < $2 * 20; _i++)); do
		kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 1
}
EINVAL="Invalid argument"
ENXIO="No such device or address"
EBUSY="Device or resource busy"
EIO="Input/output error"


# --- the tree, inactive
t_eq "the tree lists the 7 files" "$(ls "$X" | tr '\n' ' ')" \
	"ctl fpregs map regs stats status wait "
t_eq "files are mode 0600" "$(stat -c %a "$X"/* | sort -u)" 600
t_eq "status starts inactive" "$(cat "$X/status")" inactive
t_errno "regs while inactive: ENXIO" "$ENXIO" cat "$X/regs"
t_errno "wait while inactive: ENXIO" "$ENXIO" cat "$X/wait"
t_errno "go while inactive: ENXIO" "$ENXIO" bash -c "echo go > $X/ctl"
t_errno "map write while inactive: ENXIO" "$ENXIO" \
	bash -c "echo '--- wb 0x0 0x1000' >> $X/map"
t_errno "unknown ctl command: EINVAL" "$EINVAL" bash -c "echo bogus > $X/ctl"
t_errno "reading ctl: EINVAL" "$EINVAL" cat "$X/ctl"

# --- init, regs
reinit "hang"
t_eq "init: status ready" "$(cat "$X/status")" ready
t_errno "init twice: EBUSY" "$EBUSY" bash -c "echo init > $X/ctl"
t_eq "regs: pc first, 16 hex digits" "$(head -n 1 "$X/regs")" \
	"pc 0x0000000000000000"
t_eq "regs: selectors have 4 digits" "$(grep '^cs ' "$X/regs")" "cs 0x0008"
t_eq "regs: limits have 8 digits" "$(grep '^cslimit ' "$X/regs")" \
	"cslimit 0xffffffff"
t_eq "regs: initial pat" "$(reg pat)" 0x0007040600070406
t_ok "regs write: two lines, tab and space" put regs 'ax\t0x1234\nbx 5\n'
t_eq "regs write applied" "$(reg ax) $(reg bx)" \
	"0x0000000000001234 0x0000000000000005"
t_errno "regs: one bad line: EINVAL" "$EINVAL" put regs 'ax 0x1\nbogus 2\n'
t_eq "regs: ... and nothing applied" "$(reg ax)" 0x0000000000001234
t_errno "regs: read-only register: EINVAL" "$EINVAL" put regs 'exitreason 1\n'
t_errno "regs: value too wide: EINVAL" "$EINVAL" put regs 'cs 0x10000\n'
t_errno "regs: missing final newline: EINVAL" "$EINVAL" put regs 'ax 1'
t_eq "regs: ... still nothing applied" "$(reg ax) $(reg cs)" \
	"0x0000000000001234 0x0008"

# --- map
truncate -s 64K "/dev/shm/$seg"
L1="rwx wb 0x0 0x4000 $seg 0x0"
t_ok "map: append a line" bash -c "echo '$L1' >> $X/map"
t_eq "map: reads back" "$(cat "$X/map")" "$L1"
t_ok "map: adjacent line appended" \
	bash -c "echo 'rwx wb 0x4000 0x8000 $seg 0x4000' >> $X/map"
t_eq "map: adjacent identical ranges merge on read" "$(cat "$X/map")" \
	"rwx wb 0x0 0x8000 $seg 0x0"
t_errno "map: uc! would alias host RAM: EINVAL" "$EINVAL" \
	bash -c "echo 'r-- uc! 0x2000 0x3000 $seg 0x0' >> $X/map"
t_ok "map: override the middle" bash -c "echo 'r-- wb! 0x2000 0x3000 $seg 0x0' >> $X/map"
t_eq "map: override splits the range" "$(cat "$X/map" | tr '\n' '|')" \
	"rwx wb 0x0 0x2000 $seg 0x0|r-- wb! 0x2000 0x3000 $seg 0x0|rwx wb 0x3000 0x8000 $seg 0x3000|"
t_errno "map: out of bounds: EINVAL" "$EINVAL" \
	bash -c "echo 'rwx wb 0x0 0x20000 $seg 0x0' >> $X/map"
t_errno "map: missing segment: ENOENT" "No such file" \
	bash -c "echo 'rwx wb 0x0 0x1000 $seg-none 0x0' >> $X/map"
t_errno "map: two lines, second bad: EINVAL" "$EINVAL" \
	put map "--- wb 0x0 0x8000\nrwx wb 0x1001 0x2000 $seg 0x0\n"
t_eq "map: ... and the first not applied" "$(cat "$X/map" | wc -l)" 3
t_ok "map: 4-field unmap" bash -c "echo '--- wb 0x0 0x2000' >> $X/map"
t_eq "map: unmapped range gone" "$(head -n 1 "$X/map")" \
	"r-- wb! 0x2000 0x3000 $seg 0x0"
t_ok "map: open with O_TRUNC (shell >)" sh -c ": > $X/map"
t_eq "map: O_TRUNC cleared it" "$(cat "$X/map")" ""

# --- go, wait, status
reinit "io qual=0x3f80000 ilen=1 ax=0x41 pc=0x1000" \
	"io qual=0x3f80000 ilen=1 ax=0x42" ".hlt ilen=1" "hang"
head -n 1 "$X/wait" >"$tmp/w1" &
rd=$!
sleep 0.3
t_ok "wait blocks until the vCPU exits" kill -0 $rd
t_ok "go while a reader is blocked" bash -c "echo go > $X/ctl"
t_ok "the blocked reader returns" gone_within $rd 5
t_eq "the exit line" "$(cat "$tmp/w1")" \
	"io 0x3f80000 pc 0x1000 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x41"
t_eq "status ready after the exit" "$(cat "$X/status")" ready
t_eq "exit registers follow the exit" "$(reg exitreason) $(reg exitqualification)" \
	"0x0000001e 0x0000000003f80000"
echo "go pc=0x1001;" >"$X/ctl"
# one open file: 56 one-byte reads, then the newline they left behind
timeout 10 sh -c "{ dd bs=1 count=56 2>/dev/null; echo '|';
	dd bs=1 count=1 2>/dev/null | od -An -c | tr -d ' '; } < $X/wait" \
	>"$tmp/w2"
t_eq "go pc=...; sets registers first" "$(head -n 1 "$tmp/w2")" \
	"io 0x3f80000 pc 0x1001 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x42|"
t_eq "one-byte reads: the rest of the line stays with the open file" \
	"$(tail -n 1 "$tmp/w2")" '\n'
echo go >"$X/ctl"
echo go >"$X/ctl"
t_eq "running after go into a guest that loops" "$(cat "$X/status")" running
t_errno "go while running: EBUSY" "$EBUSY" bash -c "echo go > $X/ctl"
t_errno "regs write while running: EBUSY" "$EBUSY" put regs 'ax 1\n'
t_ok "stop" bash -c "echo stop > $X/ctl"
t_eq "ready after stop" "$(cat "$X/status")" ready
t_eq "stats count exits by name" "$(cat "$X/stats" | tr '\n' '|')" \
	".hlt 1|io 2|"

# --- poll on wait: not readable before the exit, readable after
reinit "io qual=0x3f80000 ilen=1 ax=0x43" "hang"
python3 -c 'import os, select, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
p = select.poll()
p.register(fd, select.POLLIN)
print("before", len(p.poll(300)))
try:
    os.read(fd, 100)
except BlockingIOError:
    print("EAGAIN")
sys.stdout.flush()
t = time.time()
r = p.poll(5000)
print("after", len(r), r[0][1] & select.POLLIN if r else 0)
print(os.read(fd, 100).decode(), end="")' "$X/wait" >"$tmp/poll" &
pp=$!
# go only once the reader has polled (its flush): on a loaded machine the
# interpreter can take longer to start than any fixed sleep
for _ in $(seq 200); do
	grep -q '^before' "$tmp/poll" 2>/dev/null && break
	sleep 0.05
done
echo go >"$X/ctl"
gone_within $pp 10
t_eq "poll: wait not readable before an exit, O_NONBLOCK read EAGAIN" \
	"$(head -n 2 "$tmp/poll" | tr '\n' ' ')" "before 0 EAGAIN "
t_eq "poll: readable once the exit happened (notified, not polled again)" \
	"$(sed -n 3p "$tmp/poll")" "after 1 1"
t_eq "poll: then the line reads" "$(sed -n 4p "$tmp/poll")" \
	"io 0x3f80000 pc 0x0 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x43"
echo stop >"$X/ctl"
# a vCPU that runs on and never exits: polls with a timeout, one after
# the other as a VMM's loop makes them, each time out (the harness once
# woke the second one again and again: each poll request replaced the
# poll handle and notified the one it replaced, so that poll never slept)
reinit "hang"
echo go >"$X/ctl"
timeout 10 python3 -c 'import os, select, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
p = select.poll()
p.register(fd, select.POLLIN)
for i in range(3):
    t = time.time()
    r = p.poll(300)
    dt = time.time() - t
    print("timed out" if not r and 0.25 < dt < 3 else "%s after %.2f s" % (r, dt))
' "$X/wait" >"$tmp/poll2"
t_eq "poll: successive polls time out while the vCPU runs and never exits" \
	"$(tr '\n' ' ' <"$tmp/poll2")" "timed out timed out timed out "
echo stop >"$X/ctl"

# --- signals, quit with readers
cat "$X/wait" >/dev/null 2>&1 &
rd=$!
sleep 0.3
kill -TERM $rd
t_ok "a blocked wait reader is killed by a signal" gone_within $rd 5
# a caught signal: FUSE interrupts the request, read(2) fails with EINTR
perl -e '$SIG{USR1} = sub { print "caught\n"; exit 7 };
	open(my $f, "<", $ARGV[0]) or die; sysread($f, my $b, 100);
	print "read returned\n"' "$X/wait" >"$tmp/sig" 2>&1 &
rd=$!
sleep 0.3
kill -USR1 $rd
t_ok "a caught signal interrupts a blocked wait read" gone_within $rd 5
t_eq "... and the handler ran" "$(cat "$tmp/sig")" caught
cat "$X/wait" >/dev/null 2>"$tmp/qerr" &
rd=$!
sleep 0.3
echo quit >"$X/ctl"
t_ok "quit releases a blocked reader" gone_within $rd 5
t_match "... with ENXIO" "$(cat "$tmp/qerr")" "$ENXIO"
t_eq "inactive after quit" "$(cat "$X/status")" inactive

# --- events, step, death
reinit "ack" "#gp code=0x10 ilen=3" "hang"
echo "irq 32" >"$X/ctl"
echo go >"$X/ctl"
t_eq "posted irq: *ack on wait" "$(head -n 1 "$X/wait")" "*ack 32"
t_eq "exception exit: name and excode" "$(head -n 1 "$X/wait")" \
	"#gp 0x0 pc 0x0 sp 0x0 ilen 0x3 iinfo 0x0 excode 0x10"
t_ok "exc queues an event" bash -c "echo 'exc #gp,0' > $X/ctl"
t_errno "a second exc before entry: EBUSY" "$EBUSY" \
	bash -c "echo 'exc #ud' > $X/ctl"
t_errno "exc with an error code #ud never pushes: EINVAL" "$EINVAL" \
	bash -c "echo 'exc #ud,1' > $X/ctl"
reinit "step pc=0x1001" "io qual=0x3f80000 ilen=1"
t_ok "step completes" bash -c "echo step > $X/ctl"
t_eq "step moved pc" "$(reg pc)" 0x0000000000001001
t_errno "a step that exits: EIO" "$EIO" bash -c "echo step > $X/ctl"
t_match "... and its exit is on wait" "$(head -n 1 "$X/wait")" '^io 0x3f80000 '
reinit "dead it's broken"
echo go >"$X/ctl"
t_eq "dead: status quotes the message" "$(cat "$X/status")" \
	"dead 'it''s broken'"
t_errno "dead: regs fail with EIO" "$EIO" cat "$X/regs"
t_errno "dead: go fails with EIO" "$EIO" bash -c "echo go > $X/ctl"
t_ok "dead: quit recovers" bash -c "echo quit > $X/ctl"

# --- fpregs
reinit "hang"
t_eq "fpregs: the XSAVE image size" "$(wc -c <"$X/fpregs")" 832
t_eq "fpregs: FCW starts as 0x037f" \
	"$(od -An -tx2 -N2 "$X/fpregs" | tr -d ' ')" 037f
t_ok "fpregs: write at an offset" sh -c \
	"printf 'ABCD' | dd of=$X/fpregs bs=1 seek=160 conv=notrunc 2>/dev/null"
t_eq "fpregs: reads back" "$(dd if="$X/fpregs" bs=1 skip=160 count=4 2>/dev/null)" ABCD
pw() { # pw OFFSET: pwrite 8 bytes at OFFSET, print the count
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
print(os.pwrite(fd, b"XXXXXXXX", int(sys.argv[2])))' "$X/fpregs" "$1"
}
t_eq "fpregs: a write across the end is cut" "$(pw 828)" 4
t_eq "fpregs: a write at the end takes nothing" "$(pw 832)" 0

# --- vmxctl, every subcommand once
V() { "$vmxctl" -r "$X" "$@"; }
echo quit >"$X/ctl" 2>/dev/null
script "io qual=0x3f80000 ilen=1 ax=0x41" "ack" "hang"
t_ok "vmxctl init" V init
t_eq "vmxctl status" "$(V status)" ready
t_eq "vmxctl regs (all)" "$(V regs | wc -l)" "$(grep -c '' "$X/regs")"
t_ok "vmxctl regs NAME=VAL" V regs ax=0x99 bx=7
t_eq "vmxctl regs NAME" "$(V regs ax bx)" "$(printf 'ax 0x99\nbx 0x7')"
t_fails "vmxctl regs: read-only register refused" V regs exitreason=1
truncate -s 64K "/dev/shm/$seg-2"
t_ok "vmxctl map add" V map add "rwx wb 0x0 0x10000 $seg-2 0x0"
t_eq "vmxctl map" "$(V map)" "rwx wb 0x0 0x10000 $seg-2 0x0"
t_ok "vmxctl map clear" V map clear
t_eq "... cleared" "$(V map)" ""
t_ok "vmxctl irq EV" V irq 33
t_ok "vmxctl go REG=VAL" V go pc=0x2000
t_eq "vmxctl wait" "$(V wait)" \
	"io 0x3f80000 pc 0x2000 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x41"
V go
t_eq "vmxctl wait -n 1: the ack" "$(V wait -n 1)" "*ack 33"
t_eq "status running" "$(V status)" running
t_ok "vmxctl stop" V stop
t_ok "vmxctl exc EV" V exc "#ud"
t_ok "vmxctl irq (cancel)" V irq
t_ok "vmxctl extrap" V extrap 0x40002
t_ok "vmxctl step" V step
t_ok "vmxctl step -map" V step -map 0x1000 "$seg-2" 0x0
t_eq "vmxctl stats" "$(V stats)" "io 1"
V fpregs --dump >"$tmp/fp"
t_eq "vmxctl fpregs --dump" "$(wc -c <"$tmp/fp")" 832
printf 'Z' | dd of="$tmp/fp" bs=1 seek=200 conv=notrunc 2>/dev/null
t_ok "vmxctl fpregs --load" V fpregs --load "$tmp/fp"
t_eq "... loaded" "$(V fpregs | dd bs=1 skip=200 count=1 2>/dev/null)" Z
t_ok "vmxctl quit" V quit
t_errno "vmxctl quit again: ENXIO" "$ENXIO" V quit
head -c 4096 /dev/zero >"$tmp/guest.bin"
script "io qual=0x3f80000 ilen=1 ax=0x68" "io qual=0x3f80000 ilen=1 ax=0x69" \
	"io qual=0x3f80000 ilen=1 ax=0x0a" ".hlt ilen=1"
t_eq "vmxctl run: serves io exits until hlt" \
	"$(timeout 20 "$vmxctl" -r "$X" run "$tmp/guest.bin")" hi
t_eq "vmxctl run: cleans up (inactive, segment gone)" \
	"$(V status) $(find /dev/shm -maxdepth 1 -name "xvmx-run-*" | wc -l)" "inactive 0"
script "hang"
timeout 20 "$vmxctl" -r "$X" run --timeout 1 "$tmp/guest.bin" \
	>/dev/null 2>"$tmp/run.err"
t_match "vmxctl run --timeout: stops a looping guest" "$(cat "$tmp/run.err")" \
	"timeout"

echo quit >"$X/ctl" 2>/dev/null
fusermount3 -u "$M" 2>/dev/null || umount "$M"
rc=0
wait "$fspid" || rc=$?
fspid=
t_eq "xvmxfs exits cleanly, no ASan/UBSan/valgrind report" \
	"$rc $(grep -c 'ERROR: \|runtime error\|==[0-9]*== ' "$tmp/fs.err")" "0 0"
[[ $rc == 0 ]] || sed 's/^/# fs: /' "$tmp/fs.err"

t_plan "$T_N"
echo "fuse: $((T_N - T_FAILED)) passed, $T_FAILED failed"
[[ $T_FAILED -eq 0 ]]
