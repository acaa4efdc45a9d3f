# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# errors: every malformed ctl/regs/map write fails with EINVAL and changes
# nothing (SPEC), the inactive vCPU refuses everything but init with ENXIO,
# state errors (init twice, go while running), and the kernel log stays
# quiet about user errors.
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 55
insmod /modules/xvmx.ko
dmesg -c >/dev/null

# w FILE TEXT: write TEXT (printf format) to FILE in one write; prints the
# error text (strerror), empty on success. (busybox printf does not report
# write errors; dd does.)
w() {
	# shellcheck disable=SC2059 # TEXT is a format on purpose
	printf "$2" | dd of="$X/$1" conv=notrunc status=none 2>&1 |
		sed 's/.*: //'
}
r() { dd if="$X/$1" of=/dev/null bs=16 count=1 status=none 2>&1 | sed 's/.*: //'; }

# --- inactive
t_eq "inactive: regs read fails ENXIO" \
	"$(r regs)" "No such device or address"
t_eq "inactive: regs write fails ENXIO" "$(w regs 'pc 0x1000\n')" \
	"No such device or address"
t_eq "inactive: map write fails ENXIO" \
	"$(w map 'rwx wb 0x0 0x1000 vm0 0x0\n')" "No such device or address"
t_eq "inactive: go fails ENXIO" "$(w ctl 'go\n')" \
	"No such device or address"
t_eq "inactive: fpregs read fails ENXIO" \
	"$(r fpregs)" "No such device or address"
t_eq "inactive: quit fails ENXIO" "$(w ctl 'quit\n')" \
	"No such device or address"

g_setup prot32
t_eq "init twice fails EBUSY" "$(w ctl 'init\n')" \
	"Device or resource busy"

# --- ctl
for c in 'bogus' '' 'go pc=1' 'go pc=0x1000; ax=1;' 'stop now' 'init 1' \
	'quit x' 'exc' 'exc #zz' 'exc 256' 'irq a b' 'extrap' 'extrap 0x1g' \
	'step -map 0x1001 vm0 0x0' 'step -map' 'go\ngo'; do
	t_eq "ctl '$c' is EINVAL" "$(w ctl "$c\n")" "Invalid argument"
done

# --- regs: the whole write is checked first
before=$(cat "$X/regs")
t_eq "regs: unknown name" "$(w regs 'ax 0x1\nbogus 0x2\n')" \
	"Invalid argument"
t_eq "regs: read-only name" "$(w regs 'ax 0x1\nexitreason 0x2\n')" \
	"Invalid argument"
t_eq "regs: value too wide for a selector" "$(w regs 'ax 0x1\ncs 0x10000\n')" \
	"Invalid argument"
t_eq "regs: bad number" "$(w regs 'ax 0x1\nbx 12z\n')" "Invalid argument"
t_eq "regs: three fields" "$(w regs 'ax 0x1 0x2\n')" "Invalid argument"
t_eq "regs: missing final newline" "$(w regs 'ax 0x1')" "Invalid argument"
t_eq "regs: invalid PAT" "$(w regs 'ax 0x1\npat 0x2\n')" "Invalid argument"
t_eq "regs: xcr0 without x87" "$(w regs 'ax 0x1\nxcr0 0x2\n')" \
	"Invalid argument"
t_eq "regs: nothing of the bad writes applied" "$(cat "$X/regs")" "$before"
t_eq "regs: tab-separated write works" "$(w regs 'ax\t0x77\n')" ""
t_eq "regs: ax set" "$(g_reg ax)" 0x0000000000000077

# --- map
mb=$(cat "$X/map")
t_eq "map: repeated access letter" "$(w map 'rrx wb 0x0 0x1000 vm0 0x0\n')" \
	"Invalid argument"
t_eq "map: unaligned" "$(w map 'rwx wb 0x10 0x1000 vm0 0x0\n')" \
	"Invalid argument"
t_eq "map: reversed" "$(w map 'rwx wb 0x2000 0x1000 vm0 0x0\n')" \
	"Invalid argument"
t_eq "map: beyond 2^48" \
	"$(w map 'rwx wb 0x0 0x1000000000000000 vm0 0x0\n')" "Invalid argument"
t_eq "map: segment out of bounds" "$(w map 'rwx wb 0x0 0x400000 vm0 0x0\n')" \
	"Invalid argument"
t_match "map: no such segment" "$(w map 'rwx wb 0x0 0x1000 nosuch 0x0\n')" \
	'No such file'
t_eq "map: write-only is an EPT misconfiguration" \
	"$(w map '-w- wb 0x0 0x1000 vm0 0x0\n')" "Invalid argument"
t_eq "map: unchanged by the bad writes" "$(cat "$X/map")" "$mb"

# --- buffers the kernel may not read or write (tools/badbuf.c): EFAULT
# and nothing applied; a line that ends at the last byte before an
# unmapped page is taken whole; a wait line a read could not copy out
# is still there for the next read, which writes nothing past it. Not on
# 9P: v9fs (trans=fd) takes the server's reply into its own buffer and
# fails its copy to the reader after, so the server cannot keep the line
# (and a read of it would block for an exit that never comes).
printf 'pc 0x1000\nsp 0x8000\n' >"$X/regs"
if t_tree_is_9p; then
	bb=$(badbuf -1 "$X" 2>&1)
else
	bb=$(badbuf "$X" 2>&1)
fi
bb_case() { printf '%s\n' "$bb" | sed -n "s/^$1 //p"; }
t_eq "badbuf: ctl write from NULL is EFAULT" "$(bb_case ctl-null)" \
	"Bad address"
t_eq "badbuf: ctl write from a kernel address is EFAULT" \
	"$(bb_case ctl-kernel)" "Bad address"
t_eq "badbuf: ctl write into an unmapped page is EFAULT" \
	"$(bb_case ctl-span)" "Bad address"
t_eq "badbuf: regs write into an unmapped page is EFAULT" \
	"$(bb_case regs-span)" "Bad address"
t_eq "badbuf: regs line of 7 bytes ending at the hole" \
	"$(bb_case regs-edge)" ok
t_eq "badbuf: regs line of 16 bytes ending at the hole" \
	"$(bb_case regs-edge-long)" ok
t_eq "badbuf: go ending at the hole" "$(bb_case ctl-edge)" ok
t_eq "badbuf: wait read into a hole is EFAULT" "$(bb_case wait-hole)" \
	"Bad address"
if t_tree_is_9p; then
	t_skip "badbuf: the line is read whole after it" \
		"9P: v9fs took the reply before its copy failed"
	t_skip "badbuf: nothing written past the line" "9P: not read again"
else
	t_eq "badbuf: the line is read whole after it" \
		"$(bb_case wait-edge)" \
		"io 0x800043 pc 0x1029 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x12345678"
	t_eq "badbuf: nothing written past the line" \
		"$(bb_case wait-edge-past)" untouched
fi
t_eq "badbuf: the two edge lines applied, the faulting ones not" \
	"$(g_reg r8) $(g_reg r9)" "0x0000000000000005 0x000000123456789a"

g_quit
rmmod xvmx
# What init says on success (who owns the CPU and VMX) is no user error.
t_eq "kernel log quiet about user errors" \
	"$(dmesg | grep -v -E 'xvmx: (owning|CPU [0-9]+: (sharing VMX|VMX on,))')" ""
t_dmesg_clean "kernel log clean"
