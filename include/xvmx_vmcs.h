/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCS field encodings (SDM Vol. 3, Appendix B) and VMX capability MSRs,
 * control bits and exit reasons (SDM Vol. 3, chapters 24-27, Appendix A/C).
 * Plain constants: included by the module and by the userspace text layer.
 *
 * The width of a field is encoded in bits 14:13 of its number (SDM B.1):
 * 0 = 16-bit, 1 = 64-bit, 2 = 32-bit, 3 = natural width.
 */
#ifndef XVMX_VMCS_H
#define XVMX_VMCS_H

#define VMCS_FIELD_WIDTH(f)	(((f) >> 13) & 3)
#define VMCS_WIDTH_16		0
#define VMCS_WIDTH_64		1
#define VMCS_WIDTH_32		2
#define VMCS_WIDTH_NATURAL	3

enum vmcs_field {
	/* 16-bit control fields (B.1.1) */
	VIRTUAL_PROCESSOR_ID		= 0x0000,
	/* 16-bit guest-state fields (B.1.2) */
	GUEST_ES_SELECTOR		= 0x0800,
	GUEST_CS_SELECTOR		= 0x0802,
	GUEST_SS_SELECTOR		= 0x0804,
	GUEST_DS_SELECTOR		= 0x0806,
	GUEST_FS_SELECTOR		= 0x0808,
	GUEST_GS_SELECTOR		= 0x080a,
	GUEST_LDTR_SELECTOR		= 0x080c,
	GUEST_TR_SELECTOR		= 0x080e,
	/* 16-bit host-state fields (B.1.3) */
	HOST_ES_SELECTOR		= 0x0c00,
	HOST_CS_SELECTOR		= 0x0c02,
	HOST_SS_SELECTOR		= 0x0c04,
	HOST_DS_SELECTOR		= 0x0c06,
	HOST_FS_SELECTOR		= 0x0c08,
	HOST_GS_SELECTOR		= 0x0c0a,
	HOST_TR_SELECTOR		= 0x0c0c,
	/* 64-bit control fields (B.2.1) */
	IO_BITMAP_A			= 0x2000,
	IO_BITMAP_B			= 0x2002,
	MSR_BITMAP			= 0x2004,
	VM_EXIT_MSR_STORE_ADDR		= 0x2006,
	VM_EXIT_MSR_LOAD_ADDR		= 0x2008,
	VM_ENTRY_MSR_LOAD_ADDR		= 0x200a,
	TSC_OFFSET			= 0x2010,
	EPT_POINTER			= 0x201a,
	/* 64-bit read-only data field (B.2.2) */
	GUEST_PHYSICAL_ADDRESS		= 0x2400,
	/* 64-bit guest-state fields (B.2.3) */
	VMCS_LINK_POINTER		= 0x2800,
	GUEST_IA32_DEBUGCTL		= 0x2802,
	GUEST_IA32_PAT			= 0x2804,
	GUEST_IA32_EFER			= 0x2806,
	/* 64-bit host-state fields (B.2.4) */
	HOST_IA32_PAT			= 0x2c00,
	HOST_IA32_EFER			= 0x2c02,
	/* 32-bit control fields (B.3.1) */
	PIN_BASED_VM_EXEC_CONTROL	= 0x4000,
	CPU_BASED_VM_EXEC_CONTROL	= 0x4002,
	EXCEPTION_BITMAP		= 0x4004,
	PAGE_FAULT_ERROR_CODE_MASK	= 0x4006,
	PAGE_FAULT_ERROR_CODE_MATCH	= 0x4008,
	CR3_TARGET_COUNT		= 0x400a,
	VM_EXIT_CONTROLS		= 0x400c,
	VM_EXIT_MSR_STORE_COUNT		= 0x400e,
	VM_EXIT_MSR_LOAD_COUNT		= 0x4010,
	VM_ENTRY_CONTROLS		= 0x4012,
	VM_ENTRY_MSR_LOAD_COUNT		= 0x4014,
	VM_ENTRY_INTR_INFO_FIELD	= 0x4016,
	VM_ENTRY_EXCEPTION_ERROR_CODE	= 0x4018,
	VM_ENTRY_INSTRUCTION_LEN	= 0x401a,
	TPR_THRESHOLD			= 0x401c,
	SECONDARY_VM_EXEC_CONTROL	= 0x401e,
	/* 32-bit read-only data fields (B.3.2) */
	VM_INSTRUCTION_ERROR		= 0x4400,
	VM_EXIT_REASON			= 0x4402,
	VM_EXIT_INTR_INFO		= 0x4404,
	VM_EXIT_INTR_ERROR_CODE		= 0x4406,
	IDT_VECTORING_INFO_FIELD	= 0x4408,
	IDT_VECTORING_ERROR_CODE	= 0x440a,
	VM_EXIT_INSTRUCTION_LEN		= 0x440c,
	VMX_INSTRUCTION_INFO		= 0x440e,
	/* 32-bit guest-state fields (B.3.3) */
	GUEST_ES_LIMIT			= 0x4800,
	GUEST_CS_LIMIT			= 0x4802,
	GUEST_SS_LIMIT			= 0x4804,
	GUEST_DS_LIMIT			= 0x4806,
	GUEST_FS_LIMIT			= 0x4808,
	GUEST_GS_LIMIT			= 0x480a,
	GUEST_LDTR_LIMIT		= 0x480c,
	GUEST_TR_LIMIT			= 0x480e,
	GUEST_GDTR_LIMIT		= 0x4810,
	GUEST_IDTR_LIMIT		= 0x4812,
	GUEST_ES_AR_BYTES		= 0x4814,
	GUEST_CS_AR_BYTES		= 0x4816,
	GUEST_SS_AR_BYTES		= 0x4818,
	GUEST_DS_AR_BYTES		= 0x481a,
	GUEST_FS_AR_BYTES		= 0x481c,
	GUEST_GS_AR_BYTES		= 0x481e,
	GUEST_LDTR_AR_BYTES		= 0x4820,
	GUEST_TR_AR_BYTES		= 0x4822,
	GUEST_INTERRUPTIBILITY_INFO	= 0x4824,
	GUEST_ACTIVITY_STATE		= 0x4826,
	GUEST_SYSENTER_CS		= 0x482a,
	VMX_PREEMPTION_TIMER_VALUE	= 0x482e,
	/* 32-bit host-state field (B.3.4) */
	HOST_IA32_SYSENTER_CS		= 0x4c00,
	/* natural-width control fields (B.4.1) */
	CR0_GUEST_HOST_MASK		= 0x6000,
	CR4_GUEST_HOST_MASK		= 0x6002,
	CR0_READ_SHADOW			= 0x6004,
	CR4_READ_SHADOW			= 0x6006,
	/* natural-width read-only data fields (B.4.2) */
	EXIT_QUALIFICATION		= 0x6400,
	GUEST_LINEAR_ADDRESS		= 0x640a,
	/* natural-width guest-state fields (B.4.3) */
	GUEST_CR0			= 0x6800,
	GUEST_CR3			= 0x6802,
	GUEST_CR4			= 0x6804,
	GUEST_ES_BASE			= 0x6806,
	GUEST_CS_BASE			= 0x6808,
	GUEST_SS_BASE			= 0x680a,
	GUEST_DS_BASE			= 0x680c,
	GUEST_FS_BASE			= 0x680e,
	GUEST_GS_BASE			= 0x6810,
	GUEST_LDTR_BASE			= 0x6812,
	GUEST_TR_BASE			= 0x6814,
	GUEST_GDTR_BASE			= 0x6816,
	GUEST_IDTR_BASE			= 0x6818,
	GUEST_DR7			= 0x681a,
	GUEST_RSP			= 0x681c,
	GUEST_RIP			= 0x681e,
	GUEST_RFLAGS			= 0x6820,
	GUEST_PENDING_DBG_EXCEPTIONS	= 0x6822,
	GUEST_SYSENTER_ESP		= 0x6824,
	GUEST_SYSENTER_EIP		= 0x6826,
	/* natural-width host-state fields (B.4.4) */
	HOST_CR0			= 0x6c00,
	HOST_CR3			= 0x6c02,
	HOST_CR4			= 0x6c04,
	HOST_FS_BASE			= 0x6c06,
	HOST_GS_BASE			= 0x6c08,
	HOST_TR_BASE			= 0x6c0a,
	HOST_GDTR_BASE			= 0x6c0c,
	HOST_IDTR_BASE			= 0x6c0e,
	HOST_IA32_SYSENTER_ESP		= 0x6c10,
	HOST_IA32_SYSENTER_EIP		= 0x6c12,
	HOST_RSP			= 0x6c14,
	HOST_RIP			= 0x6c16,
};

/* VMX capability MSRs (SDM Appendix A) */
#define MSR_VMX_BASIC			0x480
#define MSR_VMX_PINBASED_CTLS		0x481
#define MSR_VMX_PROCBASED_CTLS		0x482
#define MSR_VMX_EXIT_CTLS		0x483
#define MSR_VMX_ENTRY_CTLS		0x484
#define MSR_VMX_MISC			0x485
#define MSR_VMX_CR0_FIXED0		0x486
#define MSR_VMX_CR0_FIXED1		0x487
#define MSR_VMX_CR4_FIXED0		0x488
#define MSR_VMX_CR4_FIXED1		0x489
#define MSR_VMX_PROCBASED_CTLS2		0x48b
#define MSR_VMX_EPT_VPID_CAP		0x48c
#define MSR_VMX_TRUE_PINBASED_CTLS	0x48d
#define MSR_VMX_TRUE_PROCBASED_CTLS	0x48e
#define MSR_VMX_TRUE_EXIT_CTLS		0x48f
#define MSR_VMX_TRUE_ENTRY_CTLS		0x490

/* IA32_VMX_BASIC (SDM A.1) */
#define XVMX_BASIC_REVISION_MASK		0x7fffffffULL	/* bits 30:0 */
#define XVMX_BASIC_VMCS_SIZE(b)		(((b) >> 32) & 0x1fff)	/* 44:32 */
#define XVMX_BASIC_MEM_TYPE(b)		(((b) >> 50) & 0xf)	/* 53:50 */
#define XVMX_MEMTYPE_WB			6	/* SDM 13.3, table 13-2 */
#define VMX_BASIC_TRUE_CTLS		(1ULL << 55)

/* IA32_VMX_MISC (SDM A.6) */
#define XVMX_MISC_PREEMPT_RATE(m)	((m) & 0x1f)	/* TSC >> rate */
#define XVMX_MISC_ZERO_LEN_INS		(1ULL << 30)	/* soft int, ilen 0 */

/* A capability MSR of controls (SDM A.3-A.5): 0 bits low, 1 bits high */
#define XVMX_CTL_MUST_BE_1(cap)		((u32)(cap))
#define XVMX_CTL_MAY_BE_1(cap)		((u32)((cap) >> 32))

/* Pin-based controls (SDM 24.6.1) */
#define PIN_EXT_INTR_EXITING		(1U << 0)
#define PIN_NMI_EXITING			(1U << 3)
#define PIN_VIRTUAL_NMIS		(1U << 5)
#define PIN_PREEMPTION_TIMER		(1U << 6)

/* Primary processor-based controls (SDM 24.6.2, table 24-6) */
#define CPU_INTR_WINDOW_EXITING		(1U << 2)
#define CPU_USE_TSC_OFFSETTING		(1U << 3)
#define CPU_HLT_EXITING			(1U << 7)
#define CPU_INVLPG_EXITING		(1U << 9)
#define CPU_MWAIT_EXITING		(1U << 10)
#define CPU_RDPMC_EXITING		(1U << 11)
#define CPU_RDTSC_EXITING		(1U << 12)
#define CPU_CR3_LOAD_EXITING		(1U << 15)
#define CPU_CR3_STORE_EXITING		(1U << 16)
#define CPU_CR8_LOAD_EXITING		(1U << 19)
#define CPU_CR8_STORE_EXITING		(1U << 20)
#define CPU_NMI_WINDOW_EXITING		(1U << 22)
#define CPU_MOV_DR_EXITING		(1U << 23)
#define CPU_UNCOND_IO_EXITING		(1U << 24)
#define CPU_USE_IO_BITMAPS		(1U << 25)
#define CPU_MONITOR_TRAP_FLAG		(1U << 27)
#define CPU_USE_MSR_BITMAPS		(1U << 28)
#define CPU_MONITOR_EXITING		(1U << 29)
#define CPU_PAUSE_EXITING		(1U << 30)
#define CPU_ACTIVATE_SECONDARY		(1U << 31)

/* Secondary processor-based controls (SDM 24.6.2, table 24-7) */
#define SEC_ENABLE_EPT			(1U << 1)
#define SEC_DESC_TABLE_EXITING		(1U << 2)
#define SEC_ENABLE_RDTSCP		(1U << 3)
#define SEC_ENABLE_VPID			(1U << 5)
#define SEC_WBINVD_EXITING		(1U << 6)
#define SEC_UNRESTRICTED_GUEST		(1U << 7)
#define SEC_ENABLE_INVPCID		(1U << 12)
#define SEC_ENABLE_XSAVES		(1U << 20)

/* VM-exit controls (SDM 24.7.1) */
#define EXIT_SAVE_DEBUG_CONTROLS	(1U << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE	(1U << 9)
#define EXIT_ACK_INTR_ON_EXIT		(1U << 15)
#define EXIT_SAVE_IA32_PAT		(1U << 18)
#define EXIT_LOAD_IA32_PAT		(1U << 19)
#define EXIT_SAVE_IA32_EFER		(1U << 20)
#define EXIT_LOAD_IA32_EFER		(1U << 21)
#define EXIT_SAVE_PREEMPTION_TIMER	(1U << 22)

/* VM-entry controls (SDM 24.8.1) */
#define ENTRY_LOAD_DEBUG_CONTROLS	(1U << 2)
#define ENTRY_IA32E_MODE		(1U << 9)
#define ENTRY_LOAD_IA32_PAT		(1U << 14)
#define ENTRY_LOAD_IA32_EFER		(1U << 15)

/* EPT capabilities (SDM A.10) */
#define EPT_CAP_EXEC_ONLY		(1ULL << 0)
#define EPT_CAP_PWL4			(1ULL << 6)
#define EPT_CAP_UC			(1ULL << 8)
#define EPT_CAP_WB			(1ULL << 14)
#define EPT_CAP_2M			(1ULL << 16)
#define EPT_CAP_INVEPT			(1ULL << 20)
#define EPT_CAP_INVEPT_SINGLE		(1ULL << 25)
#define EPT_CAP_INVEPT_ALL		(1ULL << 26)
#define VPID_CAP_INVVPID		(1ULL << 32)
#define VPID_CAP_INVVPID_SINGLE		(1ULL << 41)
#define VPID_CAP_INVVPID_ALL		(1ULL << 42)

/* Basic exit reasons (SDM Appendix C) */
#define EXIT_REASON_EXCEPTION_NMI	0
#define EXIT_REASON_EXTERNAL_INTERRUPT	1
#define EXIT_REASON_TRIPLE_FAULT	2
#define EXIT_REASON_INIT_SIGNAL		3
#define EXIT_REASON_SIPI		4
#define EXIT_REASON_IO_SMI		5
#define EXIT_REASON_OTHER_SMI		6
#define EXIT_REASON_INTERRUPT_WINDOW	7
#define EXIT_REASON_NMI_WINDOW		8
#define EXIT_REASON_CPUID		10
#define EXIT_REASON_HLT			12
#define EXIT_REASON_VMCALL		18
#define EXIT_REASON_CR_ACCESS		28
#define EXIT_REASON_IO_INSTRUCTION	30
#define EXIT_REASON_INVALID_STATE	33
#define EXIT_REASON_MSR_LOAD_FAIL	34
#define EXIT_REASON_MONITOR_TRAP_FLAG	37
#define EXIT_REASON_MCE_DURING_ENTRY	41
#define EXIT_REASON_EPT_VIOLATION	48
#define EXIT_REASON_EPT_MISCONFIG	49
#define EXIT_REASON_PREEMPTION_TIMER	52
#define EXIT_REASON_XSETBV		55
#define EXIT_REASON_FAILED_ENTRY	(1U << 31)
#define EXIT_REASON_BASIC(r)		((r) & 0xffff)	/* SDM 25.9.1 */

/* EPT violation qualification (SDM 28.2.1, table 28-7) */
#define EPT_QUAL_GLA_VALID		(1ULL << 7)

/* Interruption information (SDM 24.9.2, 24.8.3) */
#define INTR_INFO_VECTOR_MASK		0xffU
#define INTR_INFO_TYPE_SHIFT		8
#define INTR_INFO_TYPE_MASK		(7U << 8)
#define INTR_INFO_HAS_ERROR_CODE	(1U << 11)
#define INTR_INFO_NMI_UNBLOCK_IRET	(1U << 12)
#define INTR_INFO_VALID			(1U << 31)
#define INTR_TYPE_EXT_INTR		(0U << 8)
#define INTR_TYPE_NMI			(2U << 8)
#define INTR_TYPE_HARD_EXCEPTION	(3U << 8)
#define INTR_TYPE_SOFT_INTR		(4U << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION	(5U << 8)
#define INTR_TYPE_SOFT_EXCEPTION	(6U << 8)

/* Guest interruptibility state (SDM 24.4.2, table 24-3) */
#define GUEST_INTR_STATE_STI		(1U << 0)
#define GUEST_INTR_STATE_MOV_SS		(1U << 1)
#define GUEST_INTR_STATE_SMI		(1U << 2)
#define GUEST_INTR_STATE_NMI		(1U << 3)

/* EPT entries (SDM 28.3.2) */
#define EPT_READ			(1ULL << 0)
#define EPT_WRITE			(1ULL << 1)
#define EPT_EXEC			(1ULL << 2)
#define EPT_MT_SHIFT			3
#define EPT_IGNORE_PAT			(1ULL << 6)
#define EPT_PAGE_SIZE			(1ULL << 7)
#define EPTP_MT_WB			6ULL
#define EPTP_PWL4			(3ULL << 3)

#endif /* XVMX_VMCS_H */
