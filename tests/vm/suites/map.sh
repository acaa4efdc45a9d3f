# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: kernels=minimal,debug,trixie,trixie-backports
# map: the `map` file without running a guest: segments in /dev/shm and by
# absolute path, read-back merging, override, `---` unmap, O_TRUNC, the
# errors of SPEC ("out of bounds", non-tmpfs, -w-, open mode), the pin
# limit, ENXIO while inactive. Needs VMX (init).
# shellcheck source=lib.sh
. /suites/lib.sh

M=$X/map

# map_err DESC ERRNO-TEXT LINE...: the write of LINEs fails with that errno.
map_err() {
	_d=$1
	_want=$2
	shift 2
	# One echo, one write(2): busybox printf does not report write errors.
	_out=$(sh -c 'echo "$1" >> '"$M" sh "$(printf '%s\n' "$@")" 2>&1)
	t_match "$_d" "$_out" "$_want"
}
t_plan 34

mkdir -p /dev/shm
mountpoint -q /dev/shm || mount -t tmpfs shm /dev/shm
dd if=/dev/zero of=/dev/shm/vm0 bs=4096 count=512 2>/dev/null
mkdir -p /tmp/ro && mount -t tmpfs ro /tmp/ro &&
	dd if=/dev/zero of=/tmp/ro/seg bs=4096 count=4 2>/dev/null &&
	mount -o remount,ro /tmp/ro
mkdir -p /tmp/ramfs && mount -t ramfs ramfs /tmp/ramfs &&
	dd if=/dev/zero of=/tmp/ramfs/seg bs=4096 count=4 2>/dev/null

t_ok "insmod xvmx.ko" insmod /modules/xvmx.ko
t_fails "map refused while inactive (ENXIO)" cat "$M"
t_ok "init" sh -c "echo init > $X/ctl"
t_eq "map empty after init" "$(cat "$M")" ""

t_ok "map 2 MiB rwx wb" sh -c "echo 'rwx wb 0x0 0x200000 vm0 0x0' >> $M"
t_eq "read back" "$(cat "$M")" "rwx wb 0x0 0x200000 vm0 0x0"
for mt in uc wc wt wp uc!; do
	t_fails "a $mt mapping of host RAM is refused (EINVAL: it would alias)" \
		sh -c "echo 'rwx $mt 0x1000 0x2000 vm0 0x3f000' >> $M"
done
t_eq "the refusals changed nothing" "$(cat "$M")" \
	"rwx wb 0x0 0x200000 vm0 0x0"
t_ok "override a middle page read-only wb!" \
	sh -c "echo 'r-- wb! 0x1000 0x2000 vm0 0x3f000' >> $M"
t_eq "split around the override" "$(cat "$M")" "rwx wb 0x0 0x1000 vm0 0x0
r-- wb! 0x1000 0x2000 vm0 0x3f000
rwx wb 0x2000 0x200000 vm0 0x2000"
t_ok "an unmap line may name any type" \
	sh -c "echo '--- uc 0x300000 0x301000' >> $M"
t_ok "map the page back as it was" \
	sh -c "echo 'rwx wb 0x1000 0x2000 vm0 0x1000' >> $M"
t_eq "merged again" "$(cat "$M")" "rwx wb 0x0 0x200000 vm0 0x0"
t_ok "unmap with ---" sh -c "echo '--- wb 0x100000 0x200000' >> $M"
t_eq "unmapped tail gone" "$(cat "$M")" "rwx wb 0x0 0x100000 vm0 0x0"
t_ok "several lines in one write, later ones win" sh -c "printf '%s\n' \
	'r-x wb 0x300000 0x304000 /dev/shm/vm0 0x0' \
	'--- wb 0x301000 0x302000' >> $M"
t_eq "applied in order" "$(cat "$M")" "rwx wb 0x0 0x100000 vm0 0x0
r-x wb 0x300000 0x301000 /dev/shm/vm0 0x0
r-x wb 0x302000 0x304000 /dev/shm/vm0 0x2000"

before=$(cat "$M")
map_err "bad second line (out of bounds): whole write refused" \
	"Invalid argument" \
	'rwx wb 0x400000 0x401000 vm0 0x0' \
	'rwx wb 0x401000 0x402000 vm0 0x200000'
t_eq "nothing of it applied" "$(cat "$M")" "$before"
map_err "-w- refused (EPT misconfiguration)" "Invalid argument" \
	'-w- wb 0x0 0x1000 vm0 0x0'
map_err "a file on ramfs (not tmpfs) refused" "Invalid argument" \
	'r-- wb 0x0 0x1000 /tmp/ramfs/seg 0x0'
map_err "a device refused" "Invalid argument" \
	'r-- wb 0x0 0x1000 /dev/null 0x0'
map_err "missing segment refused" "No such file" \
	'r-- wb 0x0 0x1000 nosuch 0x0'
map_err "writable map of a read-only mount refused" "Read-only file system" \
	'rw- wb 0x0 0x1000 /tmp/ro/seg 0x0'
t_ok "read-only map of it accepted" \
	sh -c "echo 'r-- wb 0x500000 0x501000 /tmp/ro/seg 0x0' >> $M"
# An unlinked tmpfs file held open (as a memfd would be), by /proc path.
dd if=/dev/zero of=/dev/shm/vm2 bs=4096 count=4 2>/dev/null
exec 3<>/dev/shm/vm2
rm /dev/shm/vm2
t_ok "map an unlinked file by /proc/PID/fd/N" \
	sh -c "echo 'rw- wb 0x900000 0x904000 /proc/$$/fd/3 0x0' >> $M"
t_eq "listed under the name written" "$(grep 0x900000 "$M")" \
	"rw- wb 0x900000 0x904000 /proc/$$/fd/3 0x0"
exec 3>&-
echo 1 > /sys/module/xvmx/parameters/map_limit_mb
map_err "pin limit: more than map_limit_mb refused" "Cannot allocate memory" \
	'rwx wb 0x600000 0x800000 vm0 0x0'
echo 1024 > /sys/module/xvmx/parameters/map_limit_mb
: > "$M"
t_eq "O_TRUNC clears the map" "$(cat "$M")" ""
echo 'rwx wb 0x0 0x200000 vm0 0x0' >> "$M"
echo quit > "$X/ctl"
umount /tmp/ro /tmp/ramfs

rmmod xvmx
t_dmesg_clean "kernel log clean (pages released on quit, rmmod)"
