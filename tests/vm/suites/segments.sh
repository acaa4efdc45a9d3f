# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2086 # $NODAC, $NOLOCK: a command and its words
# xvmx-rig: kernels=minimal,debug
# segments: one rule for map's segments on both trees (SPEC map): a
# segment is opened as the process that opened `map` (debugfs) or
# /dev/xvmx (9P), with the credentials and the mount namespace it had
# then, by one name lookup that opens nothing but a tmpfs or memfd file.
#   - an opener that may not open the segment (root without DAC override;
#     the segment is uid 1000's, 0600) gets EACCES on both trees, and the
#     map is unchanged; its own segments work
#   - the opener's credentials, not the writer's: root opens map, a
#     writer without DAC override writes through that fd: it works
#   - the opener's namespace: a 9P mount made in a private mount namespace
#     finds the segments of that namespace's /dev/shm (the server used to
#     look in init's); on debugfs an fd opened in init's namespace does not
#     see a /dev/shm that only the writer's namespace has
#   - FIFOs, devices and symlinks to them are refused without being
#     opened; a read-only tmpfs maps read-only only
. /suites/lib.sh
. /suites/guestlib.sh

NODAC="asuser -x dac_override,dac_read_search,fowner"
M=/mnt/x9
PINNED=/sys/module/xvmx/parameters/pinned_pages

# err CMD...: run CMD, print the error text of the failed write, or ""
err() {
	"$@" 2>&1 | sed -n 's/.*: //p' | tail -n 1
}
# line ACCESS SEG: one map line for the first page, for printf
line() {
	echo "$1 wb 0x0 0x1000 $2 0x0"
}

seg() { # seg NAME UID MODE
	dd if=/dev/zero of="/dev/shm/$1" bs=4096 count=1 2>/dev/null
	chown "$2:$2" "/dev/shm/$1"
	chmod "$3" "/dev/shm/$1"
}

t_plan 23
insmod /modules/xvmx.ko
echo init >"$X/ctl"
seg other 1000 600
seg mine 0 600
map0=$(cat "$X/map")

# --- debugfs, the opener's own credentials
t_eq "debugfs: a segment the opener may not open: EACCES" \
	"$(err $NODAC sh -c "echo '$(line rw- other)' >>$X/map")" \
	"Permission denied"
t_eq "debugfs: map unchanged" "$(cat "$X/map")" "$map0"
t_eq "debugfs: nothing pinned" "$(cat $PINNED)" 0
t_ok "debugfs: the same opener maps a segment it may open" \
	$NODAC sh -c "echo '$(line rw- mine)' >>$X/map"
echo "--- wb 0x0 0x1000" >>"$X/map"

# --- the opener's credentials, not the writer's
t_ok "debugfs: root opened map, a writer without DAC override maps uid 1000's segment" \
	sh -c "exec 5>>$X/map && $NODAC sh -c \"echo '$(line rw- other)' >&5\""
t_match "debugfs: it is mapped" "$(cat "$X/map")" '^rw- wb 0x0 0x1000 other 0x0$'
echo "--- wb 0x0 0x1000" >>"$X/map"

# --- the opener's mount namespace
t_ok "debugfs: opened in a private namespace, a segment of its /dev/shm" \
	unshare -m --propagation private sh -c "mount -t tmpfs tmpfs /dev/shm &&
		dd if=/dev/zero of=/dev/shm/nsonly bs=4096 count=1 2>/dev/null &&
		echo '$(line rw- nsonly)' >>$X/map"
echo "--- wb 0x0 0x1000" >>"$X/map"
t_eq "debugfs: opened in init's namespace, not that namespace's segment" \
	"$(err sh -c "exec 5>>$X/map && unshare -m --propagation private sh -c \
		\"mount -t tmpfs tmpfs /dev/shm &&
		dd if=/dev/zero of=/dev/shm/nsonly bs=4096 count=1 2>/dev/null &&
		echo '$(line rw- nsonly)' >&5\"")" "No such file or directory"

# --- 9P: the same rule
mkdir -p $M
t_ok "9p: mounted by the opener without DAC override" \
	$NODAC sh -c "exec 3<>/dev/xvmx && mount -t 9p -o \
		trans=fd,rfdno=3,wfdno=3,version=9p2000,dfltuid=0,dfltgid=0 xvmx $M"
t_eq "9p: a segment the opener may not open: EACCES" \
	"$(err $NODAC sh -c "echo '$(line rw- other)' >>$M/map")" \
	"Permission denied"
t_eq "9p: map unchanged" "$(cat "$X/map")" "$map0"
t_ok "9p: a root writer on that mount gets no more" \
	sh -c "! echo '$(line rw- other)' >>$M/map"
t_ok "9p: the opener's own segment works" \
	$NODAC sh -c "echo '$(line rw- mine)' >>$M/map"
echo "--- wb 0x0 0x1000" >>"$X/map"
umount $M
t_ok "9p: mounted in a private namespace, a segment of its /dev/shm" \
	unshare -m --propagation private sh -c "mount -t tmpfs tmpfs /dev/shm &&
		dd if=/dev/zero of=/dev/shm/nsonly bs=4096 count=1 2>/dev/null &&
		exec 3<>/dev/xvmx &&
		mount -t 9p -o trans=fd,rfdno=3,wfdno=3,version=9p2000 xvmx $M &&
		echo '$(line rw- nsonly)' >>$M/map && umount $M"
t_match "9p: it is mapped" "$(cat "$X/map")" '^rw- wb 0x0 0x1000 nsonly 0x0$'
echo "--- wb 0x0 0x1000" >>"$X/map"

# --- what a segment may be: opened only once it is a tmpfs regular file
mkfifo /dev/shm/fifo
mknod /dev/shm/nulldev c 1 3
ln -s /dev/null /dev/shm/tonull
ln -s /dev/shm/mine /dev/shm/tomine
t_eq "a FIFO is refused at once, not opened" \
	"$(err timeout 10 sh -c "echo '$(line r-- fifo)' >>$X/map")" \
	"Invalid argument"
t_eq "a device node is refused" \
	"$(err sh -c "echo '$(line r-- nulldev)' >>$X/map")" "Invalid argument"
t_eq "a symlink to a device is refused" \
	"$(err sh -c "echo '$(line r-- tonull)' >>$X/map")" "Invalid argument"
t_ok "a symlink to a tmpfs file works" \
	sh -c "echo '$(line r-- tomine)' >>$X/map"
echo "--- wb 0x0 0x1000" >>"$X/map"
mkdir -p /mnt/ro
mount -t tmpfs tmpfs /mnt/ro
dd if=/dev/zero of=/mnt/ro/seg bs=4096 count=1 2>/dev/null
mount -o remount,ro /mnt/ro
t_eq "a read-only tmpfs: rw- is EROFS" \
	"$(err sh -c "echo '$(line rw- /mnt/ro/seg)' >>$X/map")" \
	"Read-only file system"
t_ok "a read-only tmpfs: r-- works" \
	sh -c "echo '$(line r-- /mnt/ro/seg)' >>$X/map"
echo "--- wb 0x0 0x1000" >>"$X/map"
t_eq "nothing pinned at the end" "$(cat $PINNED)" 0

echo quit >"$X/ctl"
umount /mnt/ro
rm -f /dev/shm/other /dev/shm/mine /dev/shm/fifo /dev/shm/nulldev \
	/dev/shm/tonull /dev/shm/tomine
rmmod xvmx
t_dmesg_clean "kernel log clean"
