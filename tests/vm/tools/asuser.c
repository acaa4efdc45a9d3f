// SPDX-License-Identifier: GPL-2.0
/*
 * asuser: run a command with fewer privileges, for the suites that check
 * whose credentials and limits the module uses (busybox's setpriv cannot
 * change uids or drop capabilities):
 *
 *   asuser [-u UID] [-x CAP,CAP...] CMD [ARGS...]
 *
 * -u UID   become UID (and GID UID, no supplementary groups), keeping
 *          every capability the caller had (ambient, so they survive exec)
 * -x CAPS  drop these capabilities from every set, the bounding set too,
 *          so that exec cannot give them back (names as in capabilities(7)
 *          without "cap_": dac_override, ipc_lock, ...)
 * Exits 1 with a message when a step fails, else execs CMD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int cap;
} caps[] = {
	{ "chown", CAP_CHOWN },
	{ "dac_override", CAP_DAC_OVERRIDE },
	{ "dac_read_search", CAP_DAC_READ_SEARCH },
	{ "fowner", CAP_FOWNER },
	{ "ipc_lock", CAP_IPC_LOCK },
	{ "sys_admin", CAP_SYS_ADMIN },
	{ "sys_resource", CAP_SYS_RESOURCE },
};

static int cap_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (!strcmp(caps[i].name, name))
			return caps[i].cap;
	return -1;
}

static void die(const char *what)
{
	fprintf(stderr, "asuser: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned long long drop = 0, keep;
	long uid = -1;
	int opt, c;
	char *tok;

	while ((opt = getopt(argc, argv, "+u:x:")) != -1) {
		switch (opt) {
		case 'u':
			uid = strtol(optarg, NULL, 0);
			break;
		case 'x':
			for (tok = strtok(optarg, ","); tok;
			     tok = strtok(NULL, ",")) {
				c = cap_by_name(tok);
				if (c < 0) {
					fprintf(stderr, "asuser: unknown capability %s\n",
						tok);
					return 2;
				}
				drop |= 1ULL << c;
			}
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;

	for (c = 0; c <= CAP_LAST_CAP; c++)
		if ((drop & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0))
			die("PR_CAPBSET_DROP");
	if (uid >= 0) {
		/* keep the permitted set across the uid change */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
			die("PR_SET_KEEPCAPS");
		if (setgroups(0, NULL))
			die("setgroups");
		if (setresgid(uid, uid, uid))
			die("setresgid");
		if (setresuid(uid, uid, uid))
			die("setresuid");
	}
	if (syscall(SYS_capget, &hdr, data))
		die("capget");
	keep = (((unsigned long long)data[1].permitted << 32) |
		data[0].permitted) & ~drop;
	data[0].permitted = data[0].effective = data[0].inheritable = keep;
	data[1].permitted = data[1].effective = data[1].inheritable = keep >> 32;
	if (syscall(SYS_capset, &hdr, data))
		die("capset");
	/* a non-root uid loses its capabilities at exec unless ambient */
	if (uid > 0) {
		for (c = 0; c <= CAP_LAST_CAP; c++)
			if ((keep & (1ULL << c)) &&
			    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0))
				die("PR_CAP_AMBIENT_RAISE");
	}
	execvp(argv[optind], argv + optind);
	die(argv[optind]);
usage:
	fprintf(stderr, "usage: asuser [-u UID] [-x CAP,CAP...] CMD [ARGS...]\n");
	return 2;
}
