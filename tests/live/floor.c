// SPDX-License-Identifier: GPL-2.0
/*
 * floor -- CMD ARGS: load floor.bpf.c, attach it, run CMD, then print
 * "code count" per SVM exit code the program counted (all CPUs summed) and
 * "total N". The least a BPF exit counter costs: `make bench` compares
 * exitstat and the other tools against it.
 */
#include <errno.h>
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
	unsigned long long total = 0;
	pid_t pid;

	if (argc < 3 || strcmp(argv[1], "--")) {
		fprintf(stderr, "usage: floor -- CMD ARGS...\n");
		return 2;
	}
	skel = floor_bpf__open_and_load();
	if (!skel || floor_bpf__attach(skel)) {
		fprintf(stderr, "floor: loading or attaching tp_btf/kvm_exit failed: %s\n",
			strerror(errno));
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
		}
		free(vals);
	}
	fprintf(stderr, "total %llu\n", total);
	floor_bpf__destroy(skel);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
