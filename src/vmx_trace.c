// SPDX-License-Identifier: GPL-2.0
/* The tracepoints' definitions (src/vmx_trace.h). */
#define CREATE_TRACE_POINTS
#include "vmx_trace.h"
