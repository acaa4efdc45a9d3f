# SPDX-License-Identifier: GPL-2.0
# bash completion for vmxctl: subcommands and register names.
_vmxctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i cmd=
	local cmds="init quit go stop step exc irq extrap cpuid status stats regs map wait exits fpregs run"
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-r) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $cmd in
	"") mapfile -t COMPREPLY < <(compgen -W "$cmds -r --help" -- "$cur") ;;
	regs | go)
		local regs="pc sp flags ax bx cx dx bp si di r8 r9 r10 r11 r12 r13 r14 r15
			gdtrbase gdtrlimit idtrbase idtrlimit cs csbase cslimit csperm
			ds dsbase dslimit dsperm es esbase eslimit esperm fs fsbase fslimit
			fsperm gs gsbase gslimit gsperm ss ssbase sslimit ssperm tr trbase
			trlimit trperm ldtr ldtrbase ldtrlimit ldtrperm cr0real cr0fake
			cr0mask cr2 cr3 cr4real cr4fake cr4mask cr8 pat efer dr0 dr1 dr2 dr3
			dr6 dr7 xcr0 kernelgsbase star lstar cstar sfmask sysentercs
			sysenteresp sysentereip"
		mapfile -t COMPREPLY < <(compgen -W "$regs" -- "$cur") ;;
	map) mapfile -t COMPREPLY < <(compgen -W "add clear" -- "$cur") ;;
	wait) mapfile -t COMPREPLY < <(compgen -W "-n --follow" -- "$cur") ;;
	exits) mapfile -t COMPREPLY < <(compgen -W "--kernel --rst" -- "$cur") ;;
	fpregs) mapfile -t COMPREPLY < <(compgen -W "--dump --load" -- "$cur") ;;
	run) mapfile -t COMPREPLY < <(compgen -f -W "-m -l -e -s --real --protected --long --trace --timeout" -- "$cur") ;;
	esac
}
complete -F _vmxctl vmxctl
