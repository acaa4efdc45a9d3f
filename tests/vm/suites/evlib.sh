# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the event suites (events, cr, step, fpu, stats). Not a
# suite itself. Source after lib.sh and guestlib.sh.
#   sym events idle_out      a label's address from /guests/NAME.sym (0x..)
#   sym_load events          its labels kept in the shell, for sym
#   hex64 0x1066             as regs prints an 8-byte register
#   hex32 0x6                as regs prints a 4-byte register
#   w ctl 'exc #ud\n'        one write (printf format); prints the error
#                            text (strerror), empty on success
#   ev_expect DESC GO WANT   go, then the next wait line must be WANT; a
#                            guest that never exits is stopped, so one
#                            failure does not hang the tests after it
#   ev_line                  the next wait line (G_TIMEOUT applies)

G_TIMEOUT=${G_TIMEOUT:-20}

# sym_load NAME: NAME's labels into SYMS_NAME (" label=addr ..."), for
# sym to find without a sed each time, also in a $(...) subshell
sym_load() {
	_sl=$(sed -n 's/^\([0-9a-f]*\) [A-Za-z] \([A-Za-z0-9_.]*\)$/\2=\1/p' \
		"/guests/$1.sym" | tr '\n' ' ')
	eval "SYMS_$1=\" \$_sl\""
}

sym() {
	eval "_st=\${SYMS_$1-}"
	case $_st in
	"") _a=$(sed -n "s/^\([0-9a-f]*\) [A-Za-z] $2\$/\1/p" "/guests/$1.sym") ;;
	*" $2="*)
		_a=${_st#*" $2="}
		_a=${_a%% *}
		;;
	*) _a= ;;
	esac
	if [ -z "$_a" ]; then
		echo "sym: no label $2 in /guests/$1.sym" >&2
		echo 0xdead
		return 1
	fi
	printf '%#x\n' "$((0x$_a))"
}

hex64() { printf '0x%016x\n' "$(($1))"; }
hex32() { printf '0x%08x\n' "$(($1))"; }

w() {
	# shellcheck disable=SC2059 # TEXT is a format on purpose
	printf "$2" | dd of="$X/$1" conv=notrunc status=none 2>&1 |
		sed 's/.*: //'
}

# The vCPU still running after a timed-out wait: bring it back.
ev_unstick() {
	read -r _us <"$X/status"
	if [ "$_us" = running ]; then
		t_diag "guest still running after $G_TIMEOUT s: stop" >&2
		echo stop >"$X/ctl"
	fi
}

ev_line() {
	_l=$(g_wait 2>&1) || ev_unstick
	echo "$_l"
}

ev_expect() {
	if ! g_go "$2"; then
		t_result 1 "$1 (go $2 failed)"
		return 0
	fi
	t_eq "$1" "$(ev_line)" "$3"
}
