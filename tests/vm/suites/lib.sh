# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# TAP helpers for the in-guest suites (busybox sh). Not a suite itself.
#   . /suites/lib.sh
#   t_plan 3
#   t_ok "module loads" insmod /modules/xvmx.ko
#   t_eq "status after init" "$(cat $X/status)" ready
#   t_fails "bad command is refused" sh -c 'echo bogus > $X/ctl'
# Every helper prints exactly one TAP line; diagnostics go out as "# ...".

T_N=0
T_FAILED=0
# The tree the suites drive: debugfs, or (XVMX_TREE, set by ninepall) the
# same tree mounted over 9P, so both are held to the same suites.
# shellcheck disable=SC2034 # used by the suites that source this
X=${XVMX_TREE:-/sys/kernel/debug/xvmx}

# t_tree_is_9p: true when X is the 9P mount. Only for the v9fs behaviours
# the server cannot make look like debugfs; each use says which one.
t_tree_is_9p() {
	grep -q " $X 9p " /proc/mounts
}

t_plan() {
	echo "1..$1"
}

# Builtins and here-documents, not pipes to sed or grep: on the debug
# kernel (KASAN) every process a suite starts costs ~0.3 s of guest
# time, and these run thousands of times.
t_diag() {
	while IFS= read -r _td; do
		printf '# %s\n' "$_td"
	done <<EOF
$*
EOF
}

t_result() { # t_result 0|1 DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# t_ok DESC CMD...: passes when CMD exits 0; its output is shown on failure.
t_ok() {
	_d=$1
	shift
	if _out=$("$@" 2>&1); then
		t_result 0 "$_d"
	else
		_rc=$?
		t_result 1 "$_d"
		t_diag "command: $* (exit $_rc)"
		[ -n "$_out" ] && t_diag "$_out"
	fi
	return 0
}

# t_fails DESC CMD...: passes when CMD exits non-zero.
t_fails() {
	_d=$1
	shift
	if _out=$("$@" 2>&1); then
		t_result 1 "$_d"
		t_diag "command: $* unexpectedly succeeded"
		[ -n "$_out" ] && t_diag "$_out"
	else
		t_result 0 "$_d"
	fi
	return 0
}

# t_eq DESC GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then
		t_result 0 "$1"
	else
		t_result 1 "$1"
		t_diag "got:  '$2'"
		t_diag "want: '$3'"
	fi
}

# t_match DESC STRING GREP-ERE
t_match() {
	if grep -Eq -- "$3" <<EOF
$2
EOF
	then
		t_result 0 "$1"
	else
		t_result 1 "$1"
		t_diag "got:  '$2'"
		t_diag "want: /$3/"
	fi
}

t_skip() { # t_skip DESC REASON
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# vmx_page_exits FILE: "N M" from vmx -v's report in FILE, N exits seen,
# M of them from the mapped wait page (tools/vmm/files.c)
vmx_page_exits() {
	sed -n 's/^vmx: exits seen \([0-9]*\) (from the wait page \([0-9]*\)).*/\1 \2/p' "$1"
}

# vmm_guest_cmdline: the command line vmx gives its Linux guests (the
# suites linuxguest and demo): tests/vmm/mkguest.sh's (quiet...), plus
# the host's TSC rate hint (Bochs: its TSC ticks per instruction).
vmm_guest_cmdline() {
	_cl=$(cat /vmm/guest.cmdline 2>/dev/null)
	# shellcheck disable=SC2013 # words, not lines
	for _w in $(cat /proc/cmdline); do
		case $_w in
		tsc_early_khz=*) _cl="$_cl $_w" ;;
		esac
	done
	echo "$_cl"
}

# t_own_vmxon: true on kernels where a module other than KVM may turn VMX
# on (before 6.19; XVMX_HAVE_OWN_VMXON in src/vmx_compat.h). On the others
# xvmx runs only where kvm_intel is loaded, sharing its VMX operation.
t_own_vmxon() {
	_r=$(uname -r)
	_maj=${_r%%.*}
	_min=${_r#*.}
	_min=${_min%%[!0-9]*}
	[ "$_maj" -lt 6 ] || { [ "$_maj" -eq 6 ] && [ "$_min" -lt 19 ]; }
}

# The kernel log lines that mean trouble (the verdict checks the whole
# serial log too; this lets a suite assert on it at a precise point).
T_BAD_LOG='WARNING:|BUG:|Oops|Call Trace:|general protection|Kernel panic|KASAN|circular locking|recursive locking|inconsistent lock state|detected stall'

# t_dmesg_clean DESC: passes when the kernel log has none of T_BAD_LOG.
t_dmesg_clean() {
	_bad=$(dmesg | grep -E "$T_BAD_LOG")
	if [ -z "$_bad" ]; then
		t_result 0 "$1"
	else
		t_result 1 "$1"
		t_diag "$_bad"
	fi
}
