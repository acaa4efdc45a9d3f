// SPDX-License-Identifier: GPL-2.0
/* The EPT table code again, for xvmx_kunit.ko (one object per module). */
#include "vmx_ept_tables.c"
