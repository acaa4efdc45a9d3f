# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh source-path=SCRIPTDIR
# xvmx-rig: emu=qemu-tcg kernels=minimal,debian,debug
# novmx: on a CPU without VMX (QEMU TCG) xvmx.ko refuses to load and says
# why in exactly one kernel log line.
# shellcheck source=lib.sh
. /suites/lib.sh

t_plan 5
t_fails "insmod xvmx.ko is refused" insmod /modules/xvmx.ko
t_fails "no debugfs directory left behind" test -e "$X"
t_fails "module is not loaded" grep -q '^xvmx ' /proc/modules
# The loader's own taint notices are not the module speaking. Busybox
# insmod tries finit_module and then init_module, so a refused module's
# init runs twice: count distinct lines.
lines=$(dmesg | grep -i 'xvmx' | grep -v 'taint' | sed 's/^\[[^]]*\] //' | sort -u)
t_eq "exactly one (distinct) kernel log line about it" "$(echo "$lines" | grep -c .)" 1
t_match "the line names the missing VMX" "$lines" 'VMX|VT-x'
t_diag "kernel said: $lines"
