/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx VMX instructions: one wrapper per instruction and one VMCS accessor
 * per field width, as KVM's vmx_ops.h does.
 *
 * Every VMX instruction can go wrong in two ways (SDM 31.2): VMfail, where
 * it completes with CF (VMfailInvalid: no current VMCS) or ZF (VMfailValid:
 * the reason is in VM_INSTRUCTION_ERROR) set; or a fault (#UD outside VMX
 * operation, #GP on a bad operand or CPL), which the exception table entry
 * on the instruction turns into a return value instead of an oops: after an
 * emergency VMXOFF (reboot, crash) a VMREAD must not take the host down.
 * The raw wrappers return 0 or one of the XVMX_INSN_* codes below;
 * vmx_asm.S returns the same codes for VMLAUNCH/VMRESUME.
 *
 * The width of a VMCS field is bits 14:13 of its encoding (SDM 25.11.2,
 * Appendix B). vmcs_read16/32/64/l() and vmcs_write*() refuse, at compile
 * time, a field of another width; vmcs_read_any()/vmcs_write_any() serve
 * the register table, whose widths the unit tests check against the
 * encodings. A failed access is recorded in the vCPU (the first one wins)
 * and turns into `dead` at the end of the command (xvmx_check_vmcs()).
 *
 * Context: the vCPU kthread inside a VMCS window (xvmx_vmcs_load()), see
 * the head of vmx_core.c; the accessors assert it on debug kernels.
 */
#ifndef XVMX_VMX_OPS_H
#define XVMX_VMX_OPS_H

#include <linux/build_bug.h>
#include <asm/asm.h>
#include <asm/extable_fixup_types.h>
#include "vmx_vcpu.h"

/* How a VMX instruction went wrong; 0 is success. */
#define XVMX_INSN_VMFAIL_VALID		1	/* ZF: VM_INSTRUCTION_ERROR */
#define XVMX_INSN_VMFAIL_INVALID	2	/* CF: no current VMCS */
#define XVMX_INSN_FAULT			3	/* #UD or #GP, fixed up */

/* "VMfailValid" ... for messages; "ok" for 0. */
const char *xvmx_insn_err_name(int err);

/* ------------------------------------------------- raw instructions */

/*
 * Instructions with a memory or register operand and no output: the flags
 * give VMfail, the exception table entry the fault.
 */
#define XVMX_INSN(insn, operands...)					\
do {									\
	asm goto("1: " insn "\n\t"					\
		 "jc %l[invalid]\n\t"					\
		 "jz %l[valid]\n\t"					\
		 _ASM_EXTABLE(1b, %l[fault])				\
		 : : operands : "cc", "memory"				\
		 : invalid, valid, fault);				\
	return 0;							\
invalid:								\
	return XVMX_INSN_VMFAIL_INVALID;				\
valid:									\
	return XVMX_INSN_VMFAIL_VALID;					\
fault:									\
	return XVMX_INSN_FAULT;						\
} while (0)

static __always_inline int __vmxon(u64 pa)
{
	XVMX_INSN("vmxon %[pa]", [pa] "m" (pa));
}

static __always_inline int __vmxoff(void)
{
	/* no operand: the macro needs one, a dummy input costs nothing */
	XVMX_INSN("vmxoff", [unused] "i" (0));
}

static __always_inline int __vmclear(u64 pa)
{
	XVMX_INSN("vmclear %[pa]", [pa] "m" (pa));
}

static __always_inline int __vmptrld(u64 pa)
{
	XVMX_INSN("vmptrld %[pa]", [pa] "m" (pa));
}

/* INVEPT/INVVPID types (SDM 31.3) */
#define INVEPT_SINGLE_CONTEXT		1
#define INVEPT_ALL_CONTEXT		2
#define INVVPID_SINGLE_CONTEXT		1
#define INVVPID_ALL_CONTEXT		2

static __always_inline int __invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };

	XVMX_INSN("invept %[desc], %[type]", [desc] "m" (desc),
		  [type] "r" (type));
}

static __always_inline int __invvpid(unsigned long type, u16 vpid, u64 gva)
{
	struct { u64 vpid, gva; } desc = { vpid, gva };

	XVMX_INSN("invvpid %[desc], %[type]", [desc] "m" (desc),
		  [type] "r" (type));
}

static __always_inline int __vmwrite(unsigned long field, unsigned long val)
{
	XVMX_INSN("vmwrite %[val], %[field]", [val] "rm" (val),
		  [field] "r" (field));
}

/*
 * VMPTRST cannot VMfail; it faults outside VMX operation. ~0 is what it
 * stores when no VMCS is current.
 */
static __always_inline int __vmptrst(u64 *pa)
{
	asm goto("1: vmptrst %[pa]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m" (*pa) : "memory" : fault);
	return 0;
fault:
	return XVMX_INSN_FAULT;
}

/*
 * VMREAD has an output, which asm goto cannot carry on every compiler the
 * supported kernels allow: the fault sets @fault through the exception
 * table instead, and the flags come out as a condition-code output.
 */
static __always_inline int __vmread(unsigned long field, u64 *val)
{
	unsigned long v = 0;
	bool cf, zf;
	int fault = 0;

	asm volatile("1: vmread %[field], %[v]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_ONE_REG, %[fault])
		     : [v] "+r" (v), "=@ccc" (cf), "=@ccz" (zf),
		       [fault] "+r" (fault)
		     : [field] "r" (field));
	*val = v;
	if (unlikely(fault))
		return XVMX_INSN_FAULT;
	if (unlikely(cf))
		return XVMX_INSN_VMFAIL_INVALID;
	if (unlikely(zf))
		return XVMX_INSN_VMFAIL_VALID;
	return 0;
}

/* ----------------------------------------------------- VMCS accessors */

void xvmx_vmcs_failed(struct xvmx_vcpu *v, unsigned long field, int err);

static __always_inline u64 vmcs_read_any(struct xvmx_vcpu *v,
					 unsigned long field)
{
	u64 val;
	int err;

	xvmx_assert_vmcs(v);
	err = __vmread(field, &val);
	if (unlikely(err)) {
		xvmx_vmcs_failed(v, field, err);
		return 0;
	}
	return val;
}

static __always_inline void vmcs_write_any(struct xvmx_vcpu *v,
					   unsigned long field, u64 val)
{
	int err;

	xvmx_assert_vmcs(v);
	err = __vmwrite(field, val);
	if (unlikely(err))
		xvmx_vmcs_failed(v, field, err);
}

/*
 * A constant field of width @w, and for 64-bit fields the full access
 * (bit 0 clear) rather than the high half (SDM 25.11.2).
 */
#define vmcs_check(field, w)						\
	BUILD_BUG_ON_MSG(!__builtin_constant_p(field) ||		\
			 VMCS_FIELD_WIDTH(field) != (w) ||		\
			 ((w) == VMCS_WIDTH_64 && ((field) & 1)),	\
			 "VMCS accessor of the wrong width for this field")

static __always_inline u16 vmcs_read16(struct xvmx_vcpu *v,
				       unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_16);
	return vmcs_read_any(v, field);
}

static __always_inline u32 vmcs_read32(struct xvmx_vcpu *v,
				       unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_32);
	return vmcs_read_any(v, field);
}

static __always_inline u64 vmcs_read64(struct xvmx_vcpu *v,
				       unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_64);
	return vmcs_read_any(v, field);
}

static __always_inline unsigned long vmcs_readl(struct xvmx_vcpu *v,
						unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_NATURAL);
	return vmcs_read_any(v, field);
}

static __always_inline void vmcs_write16(struct xvmx_vcpu *v,
					 unsigned long field, u16 val)
{
	vmcs_check(field, VMCS_WIDTH_16);
	vmcs_write_any(v, field, val);
}

static __always_inline void vmcs_write32(struct xvmx_vcpu *v,
					 unsigned long field, u32 val)
{
	vmcs_check(field, VMCS_WIDTH_32);
	vmcs_write_any(v, field, val);
}

static __always_inline void vmcs_write64(struct xvmx_vcpu *v,
					 unsigned long field, u64 val)
{
	vmcs_check(field, VMCS_WIDTH_64);
	vmcs_write_any(v, field, val);
}

static __always_inline void vmcs_writel(struct xvmx_vcpu *v,
					unsigned long field, unsigned long val)
{
	vmcs_check(field, VMCS_WIDTH_NATURAL);
	vmcs_write_any(v, field, val);
}

static __always_inline void vmcs_set_bits32(struct xvmx_vcpu *v,
					    unsigned long field, u32 bits)
{
	vmcs_write32(v, field, vmcs_read32(v, field) | bits);
}

static __always_inline void vmcs_clear_bits32(struct xvmx_vcpu *v,
					      unsigned long field, u32 bits)
{
	vmcs_write32(v, field, vmcs_read32(v, field) & ~bits);
}

static __always_inline void vmcs_clear_bitsl(struct xvmx_vcpu *v,
					     unsigned long field,
					     unsigned long bits)
{
	vmcs_writel(v, field, vmcs_readl(v, field) & ~bits);
}

/* -------------------------------------------------------- VM entry */

/*
 * vmx_asm.S, guest context: load @regs, VMLAUNCH (!@launched) or
 * VMRESUME, store them back after the exit. 0, or XVMX_INSN_*.
 */
int xvmx_vmenter(struct xvmx_gprs *regs, unsigned long launched);
void xvmx_vmexit(void);		/* HOST_RIP; not callable */

/* vmx_asm.S, interrupts off: call an NMI entry with an interrupt frame */
void xvmx_nmi_call(void (*entry)(void));
/* vmx_asm.S, interrupts off: IRET to the next instruction */
void xvmx_iret_self(void);

#endif /* XVMX_VMX_OPS_H */
