// SPDX-License-Identifier: GPL-2.0
/* Guest memory again, for xvmx_kunit.ko (one object per module). */
#include "vmx_ept.c"
