# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# waitmap: `wait` mapped read-only (include/xvmx_waitpage.h): a go that
# ran to its exit in the writer's context (this boot has one CPU, the
# vCPU's) leaves the exit line in the page, consumed as a read of wait
# would consume it, so a round trip is one write. The hello guest's outs:
# each go moves seq by 2 and the page holds that out's line, which a
# read of wait no longer returns (where a run ended in the kthread its
# line comes from wait, once); a go into a guest that does not exit
# (spin: stop ends it) leaves the page as it was; unmapped, go's line
# comes from wait as before. Then what must be refused: a writable
# mapping (shared, private, or by mprotect), more than one page, an
# offset, a mapping of another file.
# Then `regs` mapped (include/xvmx_regspage.h): each reported exit leaves
# the GPRs in the page (hello's si, which regs agrees with); the GPRs a
# VMM marks there are loaded by its next go (hello's si moved on: the
# next out prints another byte; sp moved: the exit line says so) and the
# marks cleared; a go whose list fails leaves them; the page's value wins
# over the list's; bits above 15 load nothing; the last munmap clears the
# marks; a step loads them too; init clears the page; what must be
# refused (private, two pages, an offset, writable from a read-only
# open).
. /suites/lib.sh
. /suites/guestlib.sh

t_plan 26
insmod /modules/xvmx.ko
OUT="io 0x3f80000 pc 0x1011 sp 0x8000 ilen 0x1 iinfo 0x0"

t_ok "hello: init, map, guest loaded" g_setup hello
r=$(waitmap "$X" go go "go pc=0x1012;" "go pc=0x1012;" "go pc=0x1012;")
t_diag "$r"
# Where the write's own run ended, the line is in the page; a tick or a
# wakeup before the entry hands a run to the kthread, and then its line
# comes from wait (the debug kernel's longer path meets more of them).
t_eq "each go's exit line once, in order (H e l l), from page or wait" \
	"$(echo "$r" | sed -En '1,4s/^(page \+2|wait) //p' | tr '\n' ';')" \
	"$OUT ax 0x48;$OUT ax 0x65;$OUT ax 0x6c;$OUT ax 0x6c;"
t_eq "the page's lines are consumed: wait has none" \
	"$(echo "$r" | sed -n 5p)" "wait: EAGAIN"
# A handoff is legal (SPEC proposal), so how many of the four lines the
# page carries depends on the scheduler: the page must carry all four in
# one of five fresh runs (debug kernel: at least one line), which a page
# that is never or only sometimes written fails.
want=4
[ -e /proc/lockdep ] && want=1
pages=$(echo "$r" | grep -c '^page +2 ')
tries=1
while [ "$pages" -lt "$want" ] && [ "$tries" -lt 5 ]; do
	t_diag "run $tries: the page carried $pages of 4; again"
	g_quit
	g_setup hello || break
	pages=$(waitmap "$X" go go "go pc=0x1012;" "go pc=0x1012;" \
		"go pc=0x1012;" | grep -c '^page +2 ')
	tries=$((tries + 1))
done
t_diag "the page carried $pages of 4 lines in run $tries"
t_ok "the page carried the lines (4 of 4; debug kernel: 1) in one of 5 runs" \
	test "$pages" -ge "$want"
g_go "pc=0x1012;"
t_eq "unmapped: go's line comes from wait" "$(g_wait)" "$OUT ax 0x6f"
g_quit

t_ok "spin: init, map, guest loaded" g_setup spin
r=$(waitmap "$X" go-nowait go)
t_eq "a go whose guest does not exit leaves the page" "$r" "page +0
wait: EAGAIN"
t_eq "spin runs on" "$(cat "$X/status")" running
echo stop >"$X/ctl"
g_quit

r=$(waitmap "$X" refuse)
t_diag "$r"
t_eq "writable mappings refused: shared, private" \
	"$(echo "$r" | sed -n '1,2p' | tr '\n' ';')" \
	"shared writable: EACCES;private writable: EACCES;"
t_eq "one page at offset 0 only, of wait only" \
	"$(echo "$r" | sed -n '3,5p' | tr '\n' ';')" \
	"two pages: EINVAL;offset 4096: EINVAL;ctl: ENODEV;"
t_eq "a read-only mapping cannot be made writable" \
	"$(echo "$r" | sed -n '6,7p' | tr '\n' ';')" \
	"private read-only: ok;mprotect writable: EACCES;"
# --- regs mapped
OUT7=$(echo "$OUT" | sed 's/sp 0x8000/sp 0x7000/')
t_ok "hello again: init, map, guest loaded" g_setup hello
r=$(waitmap "$X" regs ctl go wait get 0 get 6)
t_diag "$r"
si=$(echo "$r" | sed -n 's/^gpr6 //p')
t_eq "an exit leaves the GPRs in the page: ax 0x48 ('H'), si as regs has it" \
	"$(echo "$r" | sed -n 3p);$si" "gpr0 0x0000000000000048;$(g_reg si)"
# si at msg+6 ('f'): the guest's inc makes it msg+7, 'r' (0x72), where
# without the load the next byte is 'e' (0x65)
r=$(waitmap "$X" regs set 6 $((si + 6)) set 4 0x7000 bits \
	ctl "go pc=0x1012;" wait bits)
t_diag "$r"
t_eq "go loads the marked GPRs (si, sp) and clears the marks" "$r" \
	"load 0x50
ctl ok
wait $OUT7 ax 0x72
load 0x0"
r=$(waitmap "$X" regs set 6 0x0 ctl "go pc=0x1012;cr8=0x10;" bits)
t_eq "a go whose list fails loads nothing and keeps the marks" "$r" \
	"ctl EINVAL
load 0x40"
t_eq "... and the guest's si is as it was" "$(g_reg si)" \
	"$(printf '0x%016x' $((si + 7)))"
# si marked again (msg+12: the guest prints msg+13, 'm') and in the list
# (msg+1: it would print 'l')
r=$(waitmap "$X" regs set 6 $((si + 12)) \
	ctl "go pc=0x1012;si=$((si + 1));" wait)
t_eq "a register in the list and the page takes the page's value" \
	"$(echo "$r" | sed -n 2p)" \
	"wait $OUT7 ax 0x6d"
r=$(waitmap "$X" regs load 0xffff0000 ctl "go pc=0x1012;" wait bits)
t_eq "bits above 15 load nothing and are cleared" "$r" "ctl ok
wait $OUT7 ax 0x78
load 0x0"
r=$(waitmap "$X" regs set 6 0x0 bits unmap map bits)
t_eq "the last munmap clears the marks" "$r" "load 0x40
load 0x0"
g_go "pc=0x1012;"
t_eq "unmapped, the marks it had load nothing" "$(g_wait)" \
	"$OUT7 ax 0x20"
# a step from the inc: si 0x2000 from the page, 0x2001 after it
printf 'pc 0x1012\n' >"$X/regs"
t_eq "a step loads the marks too, and clears them" \
	"$(waitmap "$X" regs set 6 0x2000 ctl step bits | tr '\n' ';')" \
	"ctl ok;load 0x0;"
t_eq "... and stepped with them: si 0x2001" "$(g_reg si)" \
	0x0000000000002001
# on from there to the next exit (an out or the hlt: si stays 0x2001)
r=$(waitmap "$X" regs ctl go wait get 6 ctl quit ctl init get 6)
t_diag "$r"
t_eq "init clears the page: a new VM sees nothing of the last guest" \
	"$(echo "$r" | sed -n '3p;6p' | tr '\n' ';')" \
	"gpr6 0x0000000000002001;gpr6 0x0000000000000000;"
g_quit
r=$(waitmap "$X" regsrefuse)
t_diag "$r"
t_eq "regs: private, two pages, an offset refused" \
	"$(echo "$r" | sed -n '1,3p' | tr '\n' ';')" \
	"private: EINVAL;two pages: EINVAL;offset 4096: EINVAL;"
t_eq "regs opened read-only: a read-only mapping only" \
	"$(echo "$r" | sed -n '4,5p' | tr '\n' ';')" \
	"read-only open, writable: EACCES;read-only open, read-only: ok;"
rmmod xvmx
t_dmesg_clean "kernel log clean"
