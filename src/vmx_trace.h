/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx's tracepoints (system "xvmx"), for perf and trace-cmd:
 *   xvmx:entry  before each VM entry: the guest's pc
 *   xvmx:exit   after each VM exit: its basic reason (with the exit
 *               table's name), the qualification and the guest's pc
 *   xvmx:cmd    each command the vCPU kthread ran, and its result
 * Fired by the kthread (vmx_core.c, vmx_cmdq.c): entry with interrupts
 * off, before any of the host's state is switched for the guest; exit
 * once the host's state is back and interrupts are on again.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xvmx

#if !defined(XVMX_VMX_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define XVMX_VMX_TRACE_H

#include <linux/tracepoint.h>
#include "xvmx_exits.h"

/* {reason, name} pairs for __print_symbolic, from the one exit table */
#define XVMX_TRACE_EXIT_SYM(reason, name, handler, regs) { reason, name },
#define XVMX_TRACE_EXIT_SYMBOLS XVMX_EXITS(XVMX_TRACE_EXIT_SYM) { 0xffff, "?" }

TRACE_EVENT(entry,
	TP_PROTO(u64 pc),
	TP_ARGS(pc),
	TP_STRUCT__entry(
		__field(u64, pc)
	),
	TP_fast_assign(
		__entry->pc = pc;
	),
	TP_printk("pc %#llx", __entry->pc)
);

TRACE_EVENT(exit,
	TP_PROTO(u32 reason, u64 qual, u64 pc),
	TP_ARGS(reason, qual, pc),
	TP_STRUCT__entry(
		__field(u32, reason)
		__field(u64, qual)
		__field(u64, pc)
	),
	TP_fast_assign(
		__entry->reason = reason;
		__entry->qual = qual;
		__entry->pc = pc;
	),
	TP_printk("reason %u (%s) qual %#llx pc %#llx", __entry->reason,
		  __print_symbolic(__entry->reason, XVMX_TRACE_EXIT_SYMBOLS),
		  __entry->qual, __entry->pc)
);

TRACE_EVENT(cmd,
	TP_PROTO(const void *fn, int ret),
	TP_ARGS(fn, ret),
	TP_STRUCT__entry(
		__field(const void *, fn)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->fn = fn;
		__entry->ret = ret;
	),
	TP_printk("%ps ret %d", __entry->fn, __entry->ret)
);

#endif /* XVMX_VMX_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vmx_trace
#include <trace/define_trace.h>
