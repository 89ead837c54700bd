// SPDX-License-Identifier: GPL-2.0
/*
 * floor [--time] -- CMD ARGS: load floor.bpf.c, attach it, run CMD, then
 * print "code count" per SVM exit code the program counted (all CPUs
 * summed) and "total N"; with --time (the kvm_exit + kvm_entry pair that
 * also times each exit) also "time N" (ns in exit, all codes). The least a
 * BPF exit counter costs, without and with time in exit: `make bench`
 * compares exitstat and the other tools against them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"

#define FLOOR_CODES 4096

int main(int argc, char **argv)
{
	struct floor_bpf *skel;
	int ncpus = libbpf_num_possible_cpus(), status;
	unsigned long long total = 0, time_ns = 0;
	bool timed = argc > 1 && !strcmp(argv[1], "--time");
	pid_t pid;

	argv += timed;
	argc -= timed;
	if (argc < 3 || strcmp(argv[1], "--")) {
		fprintf(stderr, "usage: floor [--time] -- CMD ARGS...\n");
		return 2;
	}
	skel = floor_bpf__open();
	if (skel) {
		bpf_program__set_autoload(skel->progs.floor_exit, !timed);
		bpf_program__set_autoload(skel->progs.floor_time_exit, timed);
		bpf_program__set_autoload(skel->progs.floor_time_entry, timed);
	}
	if (!skel || floor_bpf__load(skel) || floor_bpf__attach(skel)) {
		fprintf(stderr, "floor: loading or attaching tp_btf/kvm_exit%s failed: %s\n",
			timed ? " + kvm_entry" : "", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "floor: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "floor: running %s failed: %s\n", argv[2], strerror(errno));
		return 1;
	}
	floor_bpf__detach(skel);
	{
		unsigned long long *vals = calloc(ncpus, sizeof(*vals));

		for (__u32 code = 0; vals && code < FLOOR_CODES; code++) {
			unsigned long long n = 0;

			if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.by_code), &code, vals))
				continue;
			for (int i = 0; i < ncpus; i++)
				n += vals[i];
			if (n)
				fprintf(stderr, "%u %llu\n", code, n);
			total += n;
			if (timed && !bpf_map_lookup_elem(bpf_map__fd(skel->maps.ns_by_code),
							  &code, vals))
				for (int i = 0; i < ncpus; i++)
					time_ns += vals[i];
		}
		free(vals);
	}
	fprintf(stderr, "total %llu\n", total);
	if (timed)
		fprintf(stderr, "time %llu\n", time_ns);
	floor_bpf__destroy(skel);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
