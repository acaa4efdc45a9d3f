// SPDX-License-Identifier: GPL-2.0
/*
 * kvmhold: make KVM take VMX on every CPU (KVM_CREATE_VM turns on VMX in
 * Linux 6.1, SDM "VMXON"), then hold it until killed. Lets the rig prove
 * that xvmx's `init` fails with EBUSY while another hypervisor owns VMX.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR), vm;

	if (kvm < 0) {
		perror("/dev/kvm");
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		perror("KVM_CREATE_VM");
		return 1;
	}
	printf("kvmhold: VM created, holding VMX\n");
	fflush(stdout);
	for (;;)
		pause();
}
