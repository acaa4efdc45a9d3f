#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compat-facts.sh: read, off installed kernel header trees, the facts the
# compat header depends on, and print them as one Markdown table with a
# column per kernel.
#
#   scripts/compat-facts.sh LABEL=KDIR[,KVM_KO_DIR] ...
#
# KDIR is a linux-headers-*-amd64 directory (host path, chroots included).
# KVM_KO_DIR, if given, holds kvm.ko and kvm-intel.ko (for their module
# parameters); otherwise the lib/modules tree beside the headers is tried.
# Export cells: "yes" (EXPORT_SYMBOL), "GPL" (EXPORT_SYMBOL_GPL), a
# namespace after "ns:" (EXPORT_SYMBOL_NS* and EXPORT_SYMBOL_FOR_MODULES,
# whose namespace is "module:" and the modules allowed); "not exported"
# when a header still declares it; "gone" when no header names it.
set -euo pipefail

prog=compat-facts.sh
[[ $# -gt 0 ]] || { echo "usage: $prog LABEL=KDIR[,KVM_KO_DIR] ..." >&2; exit 2; }

labels=()
kdirs=()
kvmdirs=()
for a in "$@"; do
	[[ $a == *=* ]] || { echo "$prog: $a: want LABEL=KDIR" >&2; exit 2; }
	labels+=("${a%%=*}")
	rest=${a#*=}
	kdirs+=("${rest%%,*}")
	if [[ $rest == *,* ]]; then kvmdirs+=("${rest#*,}"); else kvmdirs+=(""); fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Symbols whose export status the table gives.
syms=(cpu_emergency_register_virt_callback cr4_update_irqsoff cr4_read_shadow
	hw_breakpoint_restore load_direct_gdt load_fixmap_gdt cpu_tss_rw
	asm_exc_nmi_noist asm_exc_nmi_kvm_vmx x86_entry_from_kvm
	fpu_alloc_guest_fpstate fpu_swap_kvm_fpstate kernel_fpu_begin_mask
	kernel_fpu_end get_xsave_addr pin_user_pages_fast
	register_reboot_notifier)

# Per-column context, set by use_col.
kdir= src= symvers= kver= kvmdir= declf=
use_col() {
	local i=$1 inc root
	kdir=${kdirs[$i]}
	[[ -f $kdir/Module.symvers ]] || { echo "$prog: no $kdir/Module.symvers" >&2; exit 1; }
	inc=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$kdir/Makefile")
	root=${kdir%/usr/src/*}
	src=${inc:+$root$inc}
	src=${src:-$kdir}
	symvers=$kdir/Module.symvers
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
	# Where the headers first name each symbol the table asks about:
	# one grep over the include dirs per kernel, not one per symbol.
	declf=$tmp/decl.$i
	if [[ ! -f $declf ]]; then
		grep -rHnowE "$(IFS='|'; echo "${syms[*]}")" $(hdirs) 2>/dev/null |
			awk -F: '!seen[$3]++ { print $3, $1 ":" $2 }' |
			sed -e "s| $src/| |" -e "s| $kdir/| |" >"$declf" || true
	fi
	kvmdir=${kvmdirs[$i]}
	if [[ -z $kvmdir ]]; then
		for d in "$root/usr/lib/modules/$kver" "$root/lib/modules/$kver"; do
			[[ -d $d/kernel/arch/x86/kvm ]] && { kvmdir=$d/kernel/arch/x86/kvm; break; }
		done
	fi
}

# The header directories a module build sees.
hdirs() {
	echo "$src/include" "$src/arch/x86/include" "$kdir/include" "$kdir/arch/x86/include"
}

# Where a regex first matches in the given files/dirs (relative path:line).
where() {
	local re=$1 hit
	shift
	hit=$(grep -rHnE -m1 "$re" "$@" 2>/dev/null | head -n1 |
		sed -E 's/^([^:]+:[0-9]+):.*/\1/' || true)
	[[ -z $hit ]] && return
	hit=${hit#"$src"/}
	echo "${hit#"$kdir"/}"
}

# Export status of a symbol, from Module.symvers and the headers.
exported() {
	local s=$1 line type ns mod decl
	line=$(awk -F'\t' -v s="$s" '$2 == s { print; exit }' "$symvers")
	if [[ -n $line ]]; then
		IFS=$'\t' read -r _ _ mod type ns <<<"$line"
		case $type in
		EXPORT_SYMBOL) out=yes ;;
		EXPORT_SYMBOL_GPL) out=GPL ;;
		EXPORT_SYMBOL_NS) out=yes ;;
		EXPORT_SYMBOL_NS_GPL) out=GPL ;;
		*) out=$type ;;
		esac
		[[ $mod == vmlinux ]] || out="$out ($mod)"
		[[ -z $ns ]] || out="$out ns:$ns"
		echo "$out"
		return
	fi
	decl=$(awk -v s="$s" '$1 == s { print $2; exit }' "$declf")
	if [[ -n $decl ]]; then
		echo "not exported ($decl)"
	else
		echo "absent"
	fi
}

# A command's output, or "none" when it prints nothing.
none() {
	local out
	out=$("$@" || true)
	echo "${out:-none}"
}

# yes (where) / no, for a regex over the given paths.
has() {
	local w
	w=$(where "$@")
	if [[ -n $w ]]; then echo "yes ($w)"; else echo "no"; fi
}

kvm_param() {
	local p=$1 m f
	[[ -n $kvmdir ]] || { echo "? (no kvm.ko)"; return; }
	for m in kvm kvm-intel; do
		f=$(ls "$kvmdir/$m.ko"* 2>/dev/null | head -n1 || true)
		[[ -n $f ]] || continue
		if modinfo -p "$f" 2>/dev/null | grep -q "^$p:"; then
			echo "yes ($m.$p)"
			return
		fi
	done
	echo "no"
}

# debugfs_create_file's prototype (or macro), on one line.
debugfs_sig() {
	awk '/^#define[[:space:]]+debugfs_create_file\(/ || /^struct dentry \*debugfs_create_file\(/ { m = 1 }
	     m { more = /\\$/; line = $0; sub(/\\$/, "", line); out = out " " line
		 if (/;[[:space:]]*$/ || (out ~ /#define/ && !more)) exit }
	     END { print out }' "$src/include/linux/debugfs.h" |
		sed -E 's/[[:space:]]+/ /g; s/^ //; s/\|/\\|/g'
}

# The x86_virt_* functions (x86_virt_spec_ctrl is older and unrelated).
x86_virt_decl() {
	none where '\bx86_virt_([a-rt-z]|s[a-oq-z])[a-z_]*\(' $(hdirs)
}
x86_virt_exports() {
	none awk -F'\t' '$2 ~ /^x86_virt_/ && $2 != "x86_virt_spec_ctrl" {
		printf "%s%s %s%s", sep, $2, ($4 == "EXPORT_SYMBOL_GPL" ? "GPL" : $4),
			($5 == "" ? "" : " ns:" $5); sep = "; " }' "$symvers"
}
emergency_decl() {
	none awk '$1 == "cpu_emergency_register_virt_callback" { print $2 }' "$declf"
}
kvm_only_count() {
	awk -F'\t' '$5 ~ /^module:.*kvm/ { n++ } END { print n + 0 }' "$symvers"
}
checker_valid() {
	if ! grep -q checker-valid.sh "$src/Makefile"; then
		echo "not used"
	elif [[ -e $src/scripts/checker-valid.sh ]]; then
		echo "called, shipped"
	else
		echo "called, not shipped: C=1 is a no-op"
	fi
}
gcc_version() {
	grep -h -m1 'define CONFIG_GCC_VERSION ' "$kdir/include/generated/autoconf.h" |
		awk '{ print $3 }'
}
kunit() {
	if grep -q '^#define CONFIG_KUNIT ' "$kdir/include/generated/autoconf.h"; then
		echo y
	else
		echo n
	fi
}

S='[[:space:]]+'
rows=(
	"kernel release|echo \$kver"
	"gcc the headers were built with (CONFIG_GCC_VERSION)|gcc_version"
	"CONFIG_KUNIT|kunit"
	"EX_TYPE_EFAULT_REG|has \"#define\$S\"EX_TYPE_EFAULT_REG \$src/arch/x86/include/asm/extable_fixup_types.h"
	"_ASM_EXTABLE_TYPE_REG|has \"define\$S\"_ASM_EXTABLE_TYPE_REG \$src/arch/x86/include/asm/asm.h"
	"CC_SET / CC_OUT|has \"define\$S\"CC_SET \$src/arch/x86/include/asm/asm.h"
	"rdmsrl / wrmsrl|has '\\brdmsrl\\b' \$src/arch/x86/include/asm/msr.h"
	"rdmsrq / wrmsrq|has '\\brdmsrq\\b' \$src/arch/x86/include/asm/msr.h"
	"<asm/cpuid/api.h>|[[ -f \$src/arch/x86/include/asm/cpuid/api.h ]] && echo yes || echo no"
	"cpuid_ecx defined in|where '\\bcpuid_ecx\\((unsigned int|u32) ' \$src/arch/x86/include/asm"
	"filechk_offsets|has \"define\$S\"filechk_offsets \$src/scripts/Makefile.lib \$src/scripts/Makefile.build \$src/scripts/Kbuild.include"
	"sed-offsets|has \"define\$S\"sed-offsets \$src/scripts/Makefile.lib \$src/scripts/Makefile.build \$src/scripts/Kbuild.include"
	"lockdep_assert_preemption_disabled|has \"define\$S\"lockdep_assert_preemption_disabled \$src/include/linux/lockdep.h"
	"cpu_emergency_register_virt_callback|exported cpu_emergency_register_virt_callback"
	"  declared in|emergency_decl"
	"x86_virt_* (get_ref, put_ref, ...) declared in|x86_virt_decl"
	"x86_virt_* exports|x86_virt_exports"
	"kvm enable_virt_at_load|kvm_param enable_virt_at_load"
	"cr4_update_irqsoff|exported cr4_update_irqsoff"
	"cr4_read_shadow|exported cr4_read_shadow"
	"hw_breakpoint_restore|exported hw_breakpoint_restore"
	"load_direct_gdt|exported load_direct_gdt"
	"load_fixmap_gdt|exported load_fixmap_gdt"
	"cpu_tss_rw|exported cpu_tss_rw"
	"asm_exc_nmi_noist|exported asm_exc_nmi_noist"
	"asm_exc_nmi_kvm_vmx|exported asm_exc_nmi_kvm_vmx"
	"x86_entry_from_kvm|exported x86_entry_from_kvm"
	"fpu_alloc_guest_fpstate|exported fpu_alloc_guest_fpstate"
	"fpu_swap_kvm_fpstate|exported fpu_swap_kvm_fpstate"
	"kernel_fpu_begin_mask|exported kernel_fpu_begin_mask"
	"kernel_fpu_end|exported kernel_fpu_end"
	"get_xsave_addr|exported get_xsave_addr"
	"pin_user_pages_fast|exported pin_user_pages_fast"
	"FOLL_LONGTERM|has \"FOLL_LONGTERM\$S=|define\$S\"FOLL_LONGTERM \$src/include/linux/mm_types.h \$src/include/linux/mm.h"
	"register_reboot_notifier|exported register_reboot_notifier"
	"EXPORT_SYMBOL_IF_KUNIT (kunit/visibility.h)|has \"define\$S\"EXPORT_SYMBOL_IF_KUNIT \$src/include/kunit/visibility.h"
	"EXPORT_SYMBOL_FOR_MODULES|has \"define\$S\"EXPORT_SYMBOL_FOR_MODULES \$src/include/linux/export.h"
	"debugfs_create_file|debugfs_sig"
	"no_llseek|has '\\bno_llseek\\b' \$src/include/linux/fs.h"
	"scripts/checker-valid.sh (C=1)|checker_valid"
	"kvm-only exports (namespace module:kvm,...)|kvm_only_count"
)

printf '| fact |'
printf ' %s |' "${labels[@]}"
printf '\n| --- |'
printf ' --- |%.0s' "${labels[@]}"
printf '\n'
for r in "${rows[@]}"; do
	title=${r%%|*}
	code=${r#*|}
	printf '| %s |' "$title"
	for i in "${!labels[@]}"; do
		use_col "$i"
		cell=$(eval "$code" 2>/dev/null || true)
		printf ' %s |' "${cell:-?}"
	done
	printf '\n'
done
