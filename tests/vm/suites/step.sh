# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# step: `step` runs exactly one guest instruction (monitor trap flag) and
# the write returns when it is done, with pc at the next instruction; no
# exit line on wait for a step that succeeded; a step that ends in
# another exit (eptfault, io) reports it on wait and fails; `step -map`
# maps a page for that one step only (the probe then faults again); a
# later `go` runs freely (the seed left MTF on); malformed step writes
# fail with EINVAL and change neither pc nor the map. Guest: step.S.
. /suites/lib.sh
. /suites/guestlib.sh
. /suites/evlib.sh

t_plan 51
insmod /modules/xvmx.ko

t_ok "init, map, step guest loaded" g_setup step
dd if=/dev/zero of=/dev/shm/vm1 bs=4096 count=1 2>/dev/null
printf '\245' | dd of=/dev/shm/vm1 bs=1 seek=0 conv=notrunc 2>/dev/null
map0=$(cat "$X/map")

# --- malformed: EINVAL, pc and map unchanged
for c in 'step x' 'step -map' 'step -map 0x300000' \
	'step -map 0x300000 vm1' 'step -map 0x300001 vm1 0x0' \
	'step -map 0x300000 vm1 0x1' 'step -map 0x300000 vm1 0x10000' \
	'step -map 0x300000 vm1 0x0 x' 'step -nomap 0x300000 vm1 0x0' \
	'step -map 0x1000000000000 vm1 0x0' 'step -map 0x300000 ../vm1 0x0'; do
	t_eq "'$c' is EINVAL" "$(w ctl "$c\n")" "Invalid argument"
done
t_match "step -map with a missing segment fails (no such file)" \
	"$(w ctl 'step -map 0x300000 nosuch 0x0\n')" 'No such file'
t_eq "pc unchanged by the malformed steps" "$(g_reg pc)" "$(hex64 0x1000)"
t_eq "map unchanged by the malformed steps" "$(cat "$X/map")" "$map0"

n=0
for pc in 0x1005 0x1006 0x1008 0x1009 0x100c 0x100d; do
	n=$((n + 1))
	t_eq "step $n: the write succeeds" "$(w ctl 'step\n')" ""
	t_eq "step $n: pc $pc when the write returns" "$(g_reg pc)" \
		"$(hex64 $pc)"
done
t_eq "after 6 steps: ax 7" "$(g_reg ax)" "$(hex64 7)"
t_eq "after 6 steps: bx 4" "$(g_reg bx)" "$(hex64 4)"
t_eq "status ready between steps" "$(cat "$X/status")" ready
t_eq "no exit line on wait for steps that succeeded" \
	"$(timeout 3 head -n 1 "$X/wait" 2>/dev/null)" ""

# --- a step that faults
t_eq "step into an unmapped read: the write fails with EIO" \
	"$(w ctl 'step\n')" "Input/output error"
t_match "the eptfault is reported on wait" "$(ev_line)" \
	'^eptfault 0x[0-9a-f]+ pc 0x100d sp 0x8000 .* pa 0x300000$'
t_eq "pc still at the probe" "$(g_reg pc)" "$(hex64 0x100d)"

# --- step -map: the page is there for this one step
t_eq "step -map 0x300000 vm1 0x0 succeeds" \
	"$(w ctl 'step -map 0x300000 vm1 0x0\n')" ""
t_eq "step -map: pc past the probe" "$(g_reg pc)" "$(hex64 0x1014)"
t_eq "step -map: the guest read the byte from vm1" "$(g_reg cx)" \
	"$(hex64 0xa5)"
t_eq "step -map: the map is back as it was" "$(cat "$X/map")" "$map0"

# --- a step that exits (io)
t_eq "step onto an out: the write fails with EIO" "$(w ctl 'step\n')" \
	"Input/output error"
t_eq "the io exit is reported on wait" "$(ev_line)" \
	"io 0x800043 pc 0x1014 sp 0x8000 ilen 0x2 iinfo 0x0 ax 0x7"

# --- go runs freely afterwards: no monitortrap exits
ev_expect "go after steps: runs to the hlt (no monitortrap)" "pc=0x1016;" \
	".hlt 0x0 pc 0x1016 sp 0x8000 ilen 0x1 iinfo 0x0"
g_go "pc=0x100d;"
t_match "the probe faults again: the step mapping is gone" "$(ev_line)" \
	'^eptfault 0x[0-9a-f]+ pc 0x100d sp 0x8000 .* va 0x300000 pa 0x300000$'
# MTF exits, or #DB exits where stepping falls back on RFLAGS.TF
t_eq "the 7 steps that succeeded are counted in stats" \
	"$(awk '$1 == "monitortrap" || $1 == "exc" { n += $2 }
		END { print n + 0 }' "$X/stats")" 7

# --- step while the guest runs is refused
g_go "pc=0x1017;"
t_eq "guest spinning: status running" "$(cat "$X/status")" running
t_eq "step while running is EBUSY" "$(w ctl 'step\n')" \
	"Device or resource busy"
t_ok "stop" sh -c "echo stop > $X/ctl"
t_eq "stopped: ready" "$(cat "$X/status")" ready
t_eq "a step after stop works" "$(w ctl 'step\n')" ""
t_eq "pc stays in the jmp . loop" "$(g_reg pc)" "$(hex64 0x1017)"

t_ok "quit" g_quit
rmmod xvmx
t_dmesg_clean "kernel log clean"
