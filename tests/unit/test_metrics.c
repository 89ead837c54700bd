// SPDX-License-Identifier: GPL-2.0
/*
 * output/metrics (the exposition exitstat serve answers) and live/vm_name
 * (its vm label): label escaping, histogram buckets from known times, the
 * series limit and the grace filter; QEMU's -name syntax, libvirt pid files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "live/vm_name.h"
#include "output/metrics.h"

/* The exposition of s under v, as a string (caller frees). */
static char *expose(struct metrics_view *v, struct metrics_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, v, r), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void add(struct stats *s, uint32_t pid, uint32_t vcpu, uint32_t reason, int n,
		uint64_t ns)
{
	struct exit_key k = { pid, vcpu, ISA_SVM, reason };

	for (int i = 0; i < n; i++)
		exit_counts_add_time(stats_add_exit(s, &k, false, 0), ns);
}

static void test_escape(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(metrics_escape("a\"b\\c\nd", buf, sizeof(buf)), "a\\\"b\\\\c\\nd");
	assert_string_equal(metrics_escape("x\"\"\"\"", buf, 6), "x\\\"");	/* cut, never half an escape */
}

static void test_counts_and_buckets(void **state)
{
	struct stats *s = stats_new();
	struct metrics_view v = { .stats = s, .histogram = true, .up = true };
	char *out;

	(void)state;
	add(s, 42, 1, 0x7b, 3, 300);	/* 300 ns: bucket 8, [256, 512) */
	add(s, 42, 1, 0x7b, 1, 5000);	/* bucket 12, [4096, 8192) */
	out = expose(&v, NULL);
	assert_non_null(strstr(out, "kvm_exits_total{vm=\"42\",pid=\"42\",vcpu=\"1\",isa=\"svm\","
				    "reason=\"io\",code=\"0x7b\"} 4\n"));
	/* le = 2^(i+1)-1 ns: 255 ns holds none, 511 ns the three, 8191 ns all four */
	assert_non_null(strstr(out, "code=\"0x7b\",le=\"2.55e-07\"} 0\n"));
	assert_non_null(strstr(out, "code=\"0x7b\",le=\"5.11e-07\"} 3\n"));
	assert_non_null(strstr(out, "code=\"0x7b\",le=\"4.095e-06\"} 3\n"));
	assert_non_null(strstr(out, "code=\"0x7b\",le=\"8.191e-06\"} 4\n"));
	assert_non_null(strstr(out, "code=\"0x7b\",le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(out, "kvm_exit_duration_seconds_sum{vm=\"42\",pid=\"42\",vcpu=\"1\","
				    "isa=\"svm\",reason=\"io\",code=\"0x7b\"} 0.000005900\n"));
	assert_non_null(strstr(out, "exitstat_up 1\n"));
	free(out);
	stats_free(s);
}

static bool keep_odd(void *ctx, uint32_t pid)
{
	(void)ctx;
	return pid % 2;
}

static const char *name_vm(void *ctx, uint32_t pid, char *buf, size_t len)
{
	(void)ctx;
	snprintf(buf, len, "guest \"%u\"", pid);
	return buf;
}

static void test_limit_and_grace(void **state)
{
	struct stats *s = stats_new();
	struct metrics_view v = { .stats = s, .keep = keep_odd, .vm_name = name_vm,
				  .max_series = 2 };
	struct metrics_result r;
	char *out;

	(void)state;
	add(s, 7, 0, 0x72, 1, 10);
	add(s, 7, 1, 0x72, 1, 10);
	add(s, 3, 0, 0x72, 1, 10);
	add(s, 4, 0, 0x72, 1, 10);	/* hidden: keep_odd */
	out = expose(&v, &r);
	assert_int_equal(r.series, 2);
	assert_int_equal(r.dropped, 1);
	assert_int_equal(r.hidden, 1);
	/* key order: pid 3, then pid 7 vcpu 0; pid 7 vcpu 1 is over the limit */
	assert_non_null(strstr(out, "vm=\"guest \\\"3\\\"\",pid=\"3\",vcpu=\"0\""));
	assert_non_null(strstr(out, "pid=\"7\",vcpu=\"0\""));
	assert_null(strstr(out, "pid=\"7\",vcpu=\"1\""));
	assert_null(strstr(out, "pid=\"4\""));
	assert_null(strstr(out, "kvm_exit_duration_seconds_bucket"));	/* histogram off */
	assert_non_null(strstr(out, "exitstat_series_dropped 1\n"));
	assert_non_null(strstr(out, "exitstat_series_expired 1\n"));
	free(out);
	stats_free(s);
}

static void test_qemu_name(void **state)
{
	char buf[64];

	(void)state;
	assert_true(vm_name_qemu_arg("guest=web01,debug-threads=on", buf, sizeof(buf)));
	assert_string_equal(buf, "web01");
	assert_true(vm_name_qemu_arg("db,process=qemu-db", buf, sizeof(buf)));
	assert_string_equal(buf, "db");
	assert_true(vm_name_qemu_arg("guest=a,,b,debug-threads=on", buf, sizeof(buf)));
	assert_string_equal(buf, "a,b");	/* ",," is a comma */
	assert_false(vm_name_qemu_arg("process=x,debug-threads=on", buf, sizeof(buf)));
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_name_of(void **state)
{
	char root[] = "/tmp/es-vmname-XXXXXX", path[256], buf[64];
	static const char args[] = "qemu-system-x86_64\0-m\0001G\0-name\0guest=cmd-vm,debug-threads=on\0";

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/4242", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/4242/cmdline", root);
	write_file(path, args, sizeof(args) - 1);
	snprintf(path, sizeof(path), "%s/run", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/run/libvirt", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/run/libvirt/qemu", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/run/libvirt/qemu/domain-a.pid", root);
	write_file(path, "4242\n", 5);

	assert_true(vm_name_of(4242, VM_NAME_CMDLINE, root, buf, sizeof(buf)));
	assert_string_equal(buf, "cmd-vm");
	assert_true(vm_name_of(4242, VM_NAME_LIBVIRT, root, buf, sizeof(buf)));
	assert_string_equal(buf, "domain-a");
	assert_false(vm_name_of(4242, VM_NAME_NONE, root, buf, sizeof(buf)));
	assert_false(vm_name_of(4243, VM_NAME_LIBVIRT, root, buf, sizeof(buf)));
	assert_true(vm_alive(4242, root));
	assert_false(vm_alive(4243, root));
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_counts_and_buckets),
		cmocka_unit_test(test_limit_and_grace),
		cmocka_unit_test(test_qemu_name),
		cmocka_unit_test(test_name_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
