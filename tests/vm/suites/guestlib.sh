# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for suites that run guests (tests/guests/*.S) through the plain
# files, the way a user does with echo and cat. Source after lib.sh.
#   g_setup prot32 [MEGS]   init, /dev/shm/vm0 with the guest at 0x1000,
#                           map 0..MEGS MiB rwx wb (default 2),
#                           pc 0x1000, sp 0x8000
#   g_go 'pc=0x102b;'       echo "go ..." > ctl
#   g_wait                  one line of wait (times out after G_TIMEOUT s)
#   g_reg bx                a register's value as regs prints it
#   g_long64 [EFER]         enter long mode (long64.S's page tables)
#   g_quit                  quit, remove the segments

G_TIMEOUT=${G_TIMEOUT:-60}

# The guest's image is made once (zeros, the guest at 0x1000) and copied
# for each setup: one process where there were three (suites set up
# hundreds of fresh vCPUs; see lib.sh on what a process costs).
g_setup() {
	_megs=${2:-2}
	_img=/dev/shm/.img-$1-$_megs
	if [ ! -e "$_img" ]; then
		dd if=/dev/zero of="$_img.tmp" bs=1048576 count="$_megs" \
			2>/dev/null &&
			dd if="/guests/$1.bin" of="$_img.tmp" bs=4096 seek=1 \
				conv=notrunc 2>/dev/null &&
			mv "$_img.tmp" "$_img" || return 1
	fi
	cp "$_img" /dev/shm/vm0 &&
		echo init >"$X/ctl" &&
		printf 'rwx wb 0x0 %#x vm0 0x0\n' $((_megs << 20)) >"$X/map" &&
		printf 'pc 0x1000\nsp 0x8000\n' >"$X/regs"
}

g_go() {
	if [ -n "$1" ]; then
		echo "go $1" >"$X/ctl"
	else
		echo go >"$X/ctl"
	fi
}

# The shell's own read (busybox ash has -t), byte by byte: wait keeps the
# rest of a line for the next read (SPEC "wait"), and no timeout and head
# processes start. Nothing is printed when no line came in time. On a 9P
# tree (nineplib.sh sets G_WAIT_HEAD) each read is a round trip to the
# server, dearer there than the two processes: head reads the line whole.
g_wait() {
	if [ -n "${G_WAIT_HEAD-}" ]; then
		timeout "$G_TIMEOUT" head -n 1 "$X/wait"
		return
	fi
	IFS= read -r -t "$G_TIMEOUT" _gw <"$X/wait" || return 1
	printf '%s\n' "$_gw"
}

g_reg() {
	sed -n "s/^$1 //p" "$X/regs"
}

# g_long64 [EFER]: after g_setup, the long-mode state of long64.S's header
# (its page tables at 0x2000, GDT at 0x5000); EFER default 0x500.
g_long64() {
	printf '%s\n' 'cr3 0x2000' 'cr4real 0x20' "efer ${1:-0x500}" \
		'cr0real 0x80000031' 'cs 0x8' 'csbase 0x0' 'cslimit 0xffffffff' \
		'csperm 0xa09b' 'gdtrbase 0x5000' 'gdtrlimit 0x17' >"$X/regs"
}

g_quit() {
	echo quit >"$X/ctl"
	rm -f /dev/shm/vm0 /dev/shm/vm1
}

# g_step_go DESC GO-ARGS WANT-LINE: go, then the next wait line must match.
g_go_expect() {
	g_go "$2" || { t_result 1 "$1 (go failed)"; return 0; }
	t_eq "$1" "$(g_wait 2>&1)" "$3"
}

# A byte pattern: 4 bytes little-endian of a 32-bit value, as od prints.
g_peek32() { # g_peek32 FILE OFFSET -> 0x%08x
	printf '0x%s\n' "$(od -An -tx4 -j "$2" -N 4 "$1" | tr -d ' ')"
}

g_poke32() { # g_poke32 FILE OFFSET VALUE
	_v=$3
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((_v & 255)) \
		$(((_v >> 8) & 255)) $(((_v >> 16) & 255)) \
		$(((_v >> 24) & 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
