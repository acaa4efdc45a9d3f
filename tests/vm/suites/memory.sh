# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# memory: the map file and EPT with the mem.S probe guest. Unmapped access
# exits as eptfault with pa/va; a write to a read-only mapping faults; an
# override and a `---` unmap take effect; data flows both ways between the
# guest and userspace through the segment; map reads back merged ranges;
# O_TRUNC clears it. A segment's pages as map finds them: written, a
# hole, fallocated and never used; the guest sees each, and its writes
# reach the file. (mem.S header: eptfault qual masked with 0x1bf is
# 0x181 for a read of an unmapped page, 0x18a for a write to r--.)
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 32
insmod /modules/xvmx.ko

qual_of() { echo "$1" | cut -d' ' -f2; }

t_ok "mem: init and map 0..2M" g_setup mem
dd if=/dev/zero of=/dev/shm/vm1 bs=4096 count=4 2>/dev/null
g_poke32 /dev/shm/vm1 0 $((0x5eed1234))
echo "si 0x300000" >"$X/regs"
echo "bx 0x400000" >"$X/regs"
echo "di 0xcafef00d" >"$X/regs"

g_go
line=$(g_wait)
t_match "read of unmapped 0x300000: eptfault with va and pa" "$line" \
	'^eptfault 0x[0-9a-f]+ pc 0x1000 sp 0x8000 ilen 0x[0-9a-f]+ iinfo 0x[0-9a-f]+ va 0x300000 pa 0x300000$'
q=$(qual_of "$line")
t_eq "eptfault qualification: data read, va valid" \
	"$(printf %#x $((q & 0x1bf)))" 0x181
t_eq "exitpa register" "$(g_reg exitpa)" 0x0000000000300000

t_ok "map 0x300000 to vm1 (appended)" sh -c \
	"echo 'r-- wb 0x300000 0x301000 vm1 0x0' >> $X/map"
g_go_expect "guest reads what userspace wrote into the segment" "" \
	"io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x5eed1234"

t_ok "map 0x400000 read-only" sh -c \
	"echo 'r-- wb 0x400000 0x401000 vm1 0x1000' >> $X/map"
g_go "pc=0x1004;"
line=$(g_wait)
t_match "write to a read-only mapping: eptfault at the mov" "$line" \
	'^eptfault 0x[0-9a-f]+ pc 0x1004 .* va 0x400000 pa 0x400000$'
q=$(qual_of "$line")
t_eq "eptfault qualification: write, page r--" \
	"$(printf %#x $((q & 0x1bf)))" 0x18a

t_ok "override 0x400000 with rw-" sh -c \
	"echo 'rw- wb 0x400000 0x401000 vm1 0x1000' >> $X/map"
g_go_expect "write now allowed, read back by the guest" "" \
	"io 0x810043 pc 0x1008 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0xcafef00d"
t_eq "userspace reads what the guest wrote" \
	"$(g_peek32 /dev/shm/vm1 4096)" 0xcafef00d

t_eq "map reads back the ranges" "$(cat "$X/map")" \
"rwx wb 0x0 0x200000 vm0 0x0
r-- wb 0x300000 0x301000 vm1 0x0
rw- wb 0x400000 0x401000 vm1 0x1000"

t_ok "unmap 0x300000 with the 4-field form" sh -c \
	"echo '--- wb 0x300000 0x301000' >> $X/map"
g_go "pc=0x1000;"
line=$(g_wait)
t_match "read faults again after unmap" "$line" \
	'^eptfault 0x[0-9a-f]+ pc 0x1000 .* pa 0x300000$'

t_ok "two adjacent lines in one write" sh -c \
	"printf 'rw- wb 0x600000 0x601000 vm1 0x0\nrw- wb 0x601000 0x602000 vm1 0x1000\n' >> $X/map"
t_eq "adjacent identical ranges read back merged" \
	"$(grep 0x600000 "$X/map")" "rw- wb 0x600000 0x602000 vm1 0x0"

t_fails "a bad line fails the whole write" sh -c \
	"printf 'rw- wb 0x700000 0x701000 vm1 0x0\nrw- zz 0x701000 0x702000 vm1 0x0\n' >> $X/map"
t_eq "and the good line before it was not applied" \
	"$(grep -c 0x700000 "$X/map")" 0

# Pages as map finds them in a segment (vmx_ept.c, pin_pages()): page 0
# written (in the page cache), page 1 a hole (shmem allocates it), pages
# 2-3 fallocated and never used (not uptodate: map clears them as shmem
# would, and marks them so, or the file would read back zeros over what
# the guest writes there).
# The fallocated pages are most likely ones just freed from a file of
# 0xff bytes (the page allocator's per-CPU lists are last in, first out):
# not clearing them would show the guest those bytes.
rm -f /dev/shm/kinds
tr '\0' '\377' </dev/zero | dd of=/dev/shm/dirty bs=4096 count=64 2>/dev/null
rm -f /dev/shm/dirty
truncate -s 16384 /dev/shm/kinds
fallocate -o 8192 -l 8192 /dev/shm/kinds
g_poke32 /dev/shm/kinds 0 $((0x0da7a000))
t_ok "map a segment of a written page, a hole and fallocated pages" sh -c \
	"echo 'rw- wb 0x500000 0x504000 /dev/shm/kinds 0x0' >> $X/map"
for p in 0 1 2; do
	a=$(printf %#x $((0x500000 + p * 4096)))
	case $p in
	0) kind="written page" want=0xda7a000 ;;
	1) kind="hole" want=0x0 ;;
	2) kind="fallocated page" want=0x0 ;;
	esac
	g_go_expect "$kind: the guest reads $want" "pc=0x1000;si=$a;bx=$a;di=0xfeed000$p;" \
		"io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax $want"
	g_go_expect "$kind: the guest writes and reads back" "pc=0x1004;" \
		"io 0x810043 pc 0x1008 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0xfeed000$p"
	t_eq "$kind: the file reads what the guest wrote" \
		"$(g_peek32 /dev/shm/kinds $((p * 4096)))" 0xfeed000$p
done
rm -f /dev/shm/kinds

t_ok "open with O_TRUNC clears the map" sh -c ": > $X/map"
t_eq "map is empty" "$(cat "$X/map")" ""
g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
