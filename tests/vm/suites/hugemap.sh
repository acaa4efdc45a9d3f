# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# hugemap: a segment of huge tmpfs folios (mount -o huge=always) mapped at
# a 2 MiB boundary gets 2 MiB EPT leaves: no page table for it (the
# ept_pages parameter counts the module's EPT table pages), and the mem.S
# probe guest reads and writes the segment through them. Cutting one page
# out splits one leaf (one table more, every other page still mapped);
# mapping the chunk whole again joins it; a segment offset that is not
# 2 MiB aligned gets 4 KiB leaves. Nothing pinned or held after quit.
. /suites/lib.sh
. /suites/guestlib.sh

EP=/sys/module/xvmx/parameters/ept_pages
PINNED=/sys/module/xvmx/parameters/pinned_pages
H=/mnt/huge/seg
t_plan 19

mkdir -p /mnt/huge
mount -t tmpfs -o huge=always,size=32M huge /mnt/huge
dd if=/dev/zero of=$H bs=1048576 count=8 2>/dev/null
huge_kb=$(awk '$1 == "ShmemHugePages:" { print $2 }' /proc/meminfo)
t_diag "ShmemHugePages after writing 8 MiB: ${huge_kb:-none} kB"
if [ "${huge_kb:-0}" -lt 8192 ]; then
	# A kernel without shmem THP: nothing here can be checked.
	while [ "$T_N" -lt 19 ]; do
		t_skip "hugemap" "no huge tmpfs folios on this kernel"
	done
	umount /mnt/huge
	exit 0
fi
insmod /modules/xvmx.ko
qual_of() { echo "$1" | cut -d' ' -f2; }

t_ok "mem: init and map 0..2M" g_setup mem
t0=$(cat $EP)
t_ok "map 8 MiB of huge folios at 0x400000" sh -c \
	"echo 'rw- wb 0x400000 0xc00000 $H 0x0' >> $X/map"
t_eq "2 MiB leaves: no EPT table more than before" "$(cat $EP)" "$t0"
t_eq "2048 pages pinned beside the 512 at 0" "$(cat $PINNED)" 2560

g_poke32 $H $((0x345678)) $((0x5eed1234))
echo "si 0x745678" >"$X/regs"
echo "bx 0xbabcd0" >"$X/regs"
echo "di 0xcafef00d" >"$X/regs"
g_go_expect "the guest reads the segment through a 2 MiB leaf" "" \
	"io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x5eed1234"
g_go_expect "and writes it" "pc=0x1004;" \
	"io 0x810043 pc 0x1008 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0xcafef00d"
t_eq "userspace reads what the guest wrote, at its offset" \
	"$(g_peek32 $H $((0x7abcd0)))" 0xcafef00d

t_ok "unmap one page, 0x600000" sh -c \
	"echo '--- wb 0x600000 0x601000' >> $X/map"
t_eq "its leaf split: one page table more" "$(cat $EP)" $((t0 + 1))
g_poke32 $H $((0x201000)) $((0x600d0001))
g_go_expect "the next page of that chunk still maps its folio page" \
	"pc=0x1000;si=0x601000;" \
	"io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x600d0001"
g_go "pc=0x1000;si=0x600000;"
line=$(g_wait)
t_match "the page cut out faults" "$line" \
	'^eptfault 0x[0-9a-f]+ pc 0x1000 .* pa 0x600000$'
t_eq "eptfault qualification: read of an unmapped page" \
	"$(printf %#x $(($(qual_of "$line") & 0x1bf)))" 0x181

t_ok "map the chunk whole again" sh -c \
	"echo 'rw- wb 0x600000 0x800000 $H 0x200000' >> $X/map"
t_eq "one 2 MiB leaf again: the table went" "$(cat $EP)" "$t0"
g_go_expect "the page that was cut out reads the segment" "" \
	"io 0x800043 pc 0x1002 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x0"

t_ok "map huge folios at an offset off 2 MiB" sh -c \
	"echo 'r-- wb 0x1000000 0x1200000 $H 0x1000' >> $X/map"
t_eq "4 KiB leaves there: one page table" "$(cat $EP)" $((t0 + 1))

g_quit
t_eq "nothing pinned after quit" "$(cat $PINNED)" 0
rmmod xvmx
umount /mnt/huge
t_dmesg_clean "kernel log clean"
