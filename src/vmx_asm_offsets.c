// SPDX-License-Identifier: GPL-2.0
/*
 * What vmx_asm.S needs from C, generated at build time into
 * vmx_asm_offsets.h (Kbuild), as Linux's own asm-offsets.c does: the slots
 * of struct xvmx_gprs, the VMCS encoding of HOST_RSP and the return codes
 * of a failed VMLAUNCH/VMRESUME. Nothing here is linked.
 */
#include <linux/kbuild.h>
#include "vmx_ops.h"

void xvmx_asm_offsets(void);

#define GPR(name, slot)	OFFSET(XVMX_GPR_##name, xvmx_gprs, r[XGPR_##slot])

void xvmx_asm_offsets(void)
{
	GPR(AX, AX);
	GPR(CX, CX);
	GPR(DX, DX);
	GPR(BX, BX);
	GPR(BP, BP);
	GPR(SI, SI);
	GPR(DI, DI);
	GPR(R8, R8);
	GPR(R9, R9);
	GPR(R10, R10);
	GPR(R11, R11);
	GPR(R12, R12);
	GPR(R13, R13);
	GPR(R14, R14);
	GPR(R15, R15);
	GPR(CR2, CR2);
	BLANK();
	DEFINE(XVMX_VMCS_HOST_RSP, HOST_RSP);
	BLANK();
	DEFINE(XVMX_ASM_VMFAIL_VALID, XVMX_INSN_VMFAIL_VALID);
	DEFINE(XVMX_ASM_VMFAIL_INVALID, XVMX_INSN_VMFAIL_INVALID);
	DEFINE(XVMX_ASM_FAULT, XVMX_INSN_FAULT);
}
