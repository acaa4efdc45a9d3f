# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: emu=bochs kernels=minimal,debug,trixie,trixie-backports
# ninep: the tree served over 9P2000 by /dev/xvmx and mounted with v9fs
# (trans=fd): listing and stat, status/ctl through the mount, the prot32
# guest run with echo and cat on the mount, a blocked wait reader beside
# ctl writes on the same connection (requests answered out of order),
# blocked readers abandoned by signals (Tflush), refused create/remove,
# rmmod refused while mounted, and rmmod at once after umount + close
# with wait reads in flight until the close (three rounds).
# shellcheck source=lib.sh
. /suites/lib.sh
# shellcheck source=guestlib.sh
. /suites/guestlib.sh

M=/mnt/xvmx

# alive_after PID SECONDS: 0 when PID still runs after SECONDS.
alive_after() {
	sleep "$2"
	kill -0 "$1" 2>/dev/null
}

# gone_within PID SECONDS: 0 when background PID exits (is reaped) within
# SECONDS; a watchdog SIGKILLs it otherwise (exit 137 means it hung). The
# watchdog closes the connection's fd 3 so it cannot hold the module.
gone_within() {
	(
		exec 3>&-
		sleep "$2"
		kill -KILL "$1" 2>/dev/null
	) &
	_w=$!
	wait "$1"
	_rc=$?
	kill "$_w" 2>/dev/null
	wait "$_w" 2>/dev/null
	[ "$_rc" != 137 ]
}

t_plan 62
t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko
t_eq "/dev/xvmx is a char device, mode 0600" \
	"$(stat -c '%F %a' /dev/xvmx 2>&1)" "character special file 600"
# --- the raw protocol on a connection of its own
exec 4<>/dev/xvmx
printf '\023\000\000\000\144\377\377\000\040\000\000\006\0009P2000' >&4
t_eq "raw Tversion 9P2000 msize 8192 gets Rversion" \
	"$(timeout 5 dd bs=19 count=1 <&4 2>/dev/null | od -An -tx1 |
		tr -d ' \n')" 1300000065ffff002000000600395032303030
printf '\377\377\377\177\170\001\000' >&4
t_eq "a size field over msize closes the connection (EOF)" \
	"$(timeout 5 cat <&4 >/tmp/n0 2>&1; echo "rc $? bytes $(wc -c </tmp/n0)")" \
	"rc 0 bytes 0"
exec 4>&-

mkdir -p "$M"
exec 3<>/dev/xvmx
t_ok "mount -t 9p trans=fd on the open /dev/xvmx" mount -t 9p \
	-o trans=fd,rfdno=3,wfdno=3,version=9p2000 xvmx "$M"
# shellcheck disable=SC2012 # ls is what the test is about
t_eq "ls shows the tree" "$(ls "$M" | tr '\n' ' ')" \
	"ctl fpregs map regs stats status wait "
t_eq "files are mode 0600" "$(stat -c %a "$M/ctl" "$M/wait" | tr '\n' ' ')" \
	"600 600 "
t_eq "the root is a directory" "$(stat -c %F "$M")" directory
t_eq "status reads inactive" "$(cat "$M/status" 2>&1)" inactive
t_match "regs while inactive: ENXIO" "$(cat "$M/regs" 2>&1)" \
	'No such device or address'
t_fails "create is refused" touch "$M/new"
t_fails "remove is refused" rm "$M/status"
t_fails "a missing file is not found" cat "$M/nonesuch"
t_ok "init through ctl" sh -c "echo init > $M/ctl"
t_eq "status ready" "$(cat "$M/status")" ready
# 6.12's v9fs (netfs writes) reports a failed Twrite as EIO, whatever
# the Rerror said; 6.1's and 7.x's pass the server's EINVAL on.
case $(uname -r) in
6.12.*) bad='Invalid argument|Input/output error' ;;
*) bad='Invalid argument' ;;
esac
t_match "a bad ctl command fails with EINVAL" \
	"$(sh -c "echo bogus > $M/ctl" 2>&1)" "$bad"
t_ok "quit through ctl" sh -c "echo quit > $M/ctl"

# --- prot32 driven through the mount (guestlib's helpers on $X)
X=$M
t_ok "prot32: init and map (map written with >, OTRUNC + wstat)" \
	g_setup prot32
t_eq "map reads back" "$(cat "$M/map")" "rwx wb 0x0 0x200000 vm0 0x0"
# a reader blocks in wait first; the go must get through beside it
head -n 1 "$M/wait" >/tmp/n1 2>&1 &
p=$!
t_ok "wait reader still blocked after 1 s" alive_after "$p" 1
t_ok "go through ctl while the reader blocks" g_go
t_ok "the blocked reader returned" gone_within "$p" 60
t_eq "prot32: io exit line via the blocked reader" "$(cat /tmp/n1)" \
	"io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345678"
t_eq "prot32: bx = 42 through regs" "$(g_reg bx)" 0x000000000000002a

# --- Tflush: a blocked head -n 1 wait killed by a signal returns
head -n 1 "$M/wait" >/tmp/n2 2>&1 &
p=$!
sleep 1
kill "$p"
t_ok "a blocked head -n 1 wait killed by SIGTERM returns" gone_within "$p" 20
g_go_expect "the next exit is not lost to the abandoned read" "pc=0x102b;" \
	".hlt 0x0 pc 0x102b sp 0x8000 ilen 0x1 iinfo 0x0"
t_ok "prot32: quit" g_quit

# --- cat wait streams: each exit line arrives as it happens
g_setup prot32
cat "$M/wait" >/tmp/n4 2>&1 &
p=$!
g_go
i=0
while [ "$(wc -l </tmp/n4)" -lt 1 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
t_eq "cat wait: the io line arrives alone" "$(cat /tmp/n4)" \
	"io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345678"
g_go 'pc=0x102b;'
i=0
while [ "$(wc -l </tmp/n4)" -lt 2 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
t_eq "cat wait: then the hlt line, same cat" "$(sed -n 2p /tmp/n4)" \
	".hlt 0x0 pc 0x102b sp 0x8000 ilen 0x1 iinfo 0x0"
kill "$p"
wait "$p" 2>/dev/null
g_quit

# --- a cat wait blocked in the background while stop/go go through
g_setup spin
cat "$M/wait" >/tmp/n3 2>&1 &
p=$!
sleep 1
t_ok "go with cat wait blocked" g_go
t_eq "status running" "$(cat "$M/status")" running
t_ok "stop with cat wait blocked" sh -c "echo stop > $M/ctl"
t_eq "status ready after stop" "$(cat "$M/status")" ready
t_ok "cat wait still blocked" alive_after "$p" 0
# (a background job ignores SIGINT in a non-interactive shell: use HUP)
kill -HUP "$p"
t_ok "cat wait killed by SIGHUP returns" gone_within "$p" 20
echo quit >"$M/ctl"
rm -f /dev/shm/vm0

# --- vmxctl against the mount (-r): the same tool, the same tree
t_eq "vmxctl -r: status" "$(vmxctl -r "$M" status)" inactive
# 3>&-: busybox timeout's watchdog child outlives vmxctl by up to a second
# and must not hold the mount's /dev/xvmx (and so the module) meanwhile
out=$(timeout 300 vmxctl -r "$M" run /guests/hello.bin 2>&1 3>&-)
t_eq "vmxctl -r: run hello.bin exits 0" "$?" 0
t_eq "vmxctl -r: the greeting" "$out" "Hello from xvmx guest!"
t_eq "vmxctl -r: inactive after run" "$(vmxctl -r "$M" status)" inactive

t_fails "rmmod refused while mounted" rmmod xvmx

# --- rmmod at once after umount and close, with wait reads in flight: a
# v9fs reader on the mount (abandoned by a signal just before umount) and
# a raw Tread on a connection of its own that close itself abandons. The
# request threads hold no module reference, so no sleep is needed here.
# Raw messages on fd 4, each answered before the next goes (the server
# runs requests concurrently, so a Topen sent with its Twalk may find no
# fid yet): Tversion, Tattach fid 0, Twalk 0 -> 1 "wait", Topen 1 OREAD,
# then a Tread of 512 bytes at 0, which blocks on the ready vCPU.
# raw_rpc MSG REPLY-SIZE: send MSG, read back one reply of that size. No
# `timeout` here: busybox's leaves a watchdog child holding the fd (and so
# the module) for up to a second after the command is done.
raw_rpc() {
	# shellcheck disable=SC2059 # the format is the message
	printf "$1" >&4
	[ "$(dd bs="$2" count=1 <&4 2>/dev/null | wc -c)" = "$2" ]
}

open_raw_wait() {
	raw_rpc '\023\000\000\000\144\377\377\000\040\000\000\006\0009P2000' 19 &&
		raw_rpc '\023\000\000\000\150\001\000\000\000\000\000\377\377\377\377\000\000\000\000' 20 &&
		raw_rpc '\027\000\000\000\156\002\000\000\000\000\000\001\000\000\000\001\000\004\000wait' 22 &&
		raw_rpc '\014\000\000\000\160\003\000\001\000\000\000\000' 24 &&
		printf '\027\000\000\000\164\004\000\001\000\000\000\000\000\000\000\000\000\000\000\000\002\000\000' >&4
}

# nthreads: how many xvmx-9p request threads run (busybox has no pgrep).
# shellcheck disable=SC2009
nthreads() { ps | grep -c '[x]vmx-9p'; }

# threads_reach N: wait (bounded) until exactly N request threads run.
threads_reach() {
	_i=0
	while [ "$(nthreads)" != "$1" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(nthreads)" = "$1" ]
}

for round in 1 2 3; do
	if [ $round != 1 ]; then
		insmod /modules/xvmx.ko
		exec 3<>/dev/xvmx
		mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 xvmx "$M"
	fi
	echo init >"$M/ctl"
	cat "$M/wait" >/dev/null 2>&1 3>&- &
	p=$!
	t_ok "round $round: a wait reader blocks on the mount" threads_reach 1
	kill -HUP "$p"
	wait "$p" 2>/dev/null
	t_ok "round $round: its thread ends with the Tflush" threads_reach 0
	exec 4<>/dev/xvmx
	t_ok "round $round: raw version, attach, walk to wait, open" \
		open_raw_wait
	t_ok "round $round: a raw Tread of wait blocks" threads_reach 1
	t_ok "round $round: umount" umount "$M"
	exec 3>&- 4>&-
	t_eq "round $round: no module reference right after close" \
		"$(cat /sys/module/xvmx/refcnt)" 0
	t_ok "round $round: rmmod at once after umount and close" rmmod xvmx
done
t_dmesg_clean "kernel log clean"
