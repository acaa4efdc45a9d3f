// SPDX-License-Identifier: GPL-2.0
/* vmx_cmdq.c again, for xvmx_kunit.ko (Kbuild: one object per module) */
#include "vmx_cmdq.c"
