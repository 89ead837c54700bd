// SPDX-License-Identifier: GPL-2.0
/*
 * Output. The JSON keys are an interface (other tools parse them); add,
 * never rename.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "vcpu.h"

/* Always printed, even when zero, so readers need not guess. */
static const unsigned int main_reasons[] = {
	KVM_EXIT_IO, KVM_EXIT_HLT, KVM_EXIT_MMIO,
	KVM_EXIT_X86_RDMSR, KVM_EXIT_X86_WRMSR,
};

static bool is_main_reason(unsigned int reason)
{
	for (size_t i = 0; i < sizeof(main_reasons) / sizeof(main_reasons[0]); i++)
		if (main_reasons[i] == reason)
			return true;
	return false;
}

void leaf_result(const struct vm *vm, const struct vcpu *v, int step,
		 uint32_t regs[4])
{
	memcpy(regs, vm->mem + v->img.leaf_gpa[step], 4 * sizeof(uint32_t));
}

/*
 * The exit_counts fields in output order, shared by the JSON object and the
 * human line so the two cannot drift apart.
 */
static const struct {
	const char *key;
	size_t offset;
} count_fields[] = {
	{ "io", offsetof(struct exit_counts, io) },
	{ "cpuid", offsetof(struct exit_counts, cpuid) },
	{ "msr", offsetof(struct exit_counts, msr) },
	{ "mmio", offsetof(struct exit_counts, mmio) },
	{ "hlt", offsetof(struct exit_counts, hlt) },
	{ "touch", offsetof(struct exit_counts, touch) },
};

#define COUNT_FIELDS (sizeof(count_fields) / sizeof(count_fields[0]))

static uint64_t count_field(const struct exit_counts *c, size_t i)
{
	return *(const uint64_t *)((const char *)c + count_fields[i].offset);
}

static json_object *json_u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

/* Register values and MSR indexes are hex strings, as people write them. */
static json_object *json_hex(uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%x", v);
	return json_object_new_string(buf);
}

static json_object *json_counts(const struct exit_counts *c)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < COUNT_FIELDS; i++)
		json_object_object_add(o, count_fields[i].key,
				       json_u64(count_field(c, i)));
	return o;
}

/*
 * The main reasons first and always, then any other reason seen; the human
 * line lists only the reasons seen, in reason order, so it has its own loop.
 */
static json_object *json_exits(const uint64_t *exits)
{
	json_object *o = json_object_new_object();
	char name[32];

	for (size_t i = 0; i < sizeof(main_reasons) / sizeof(main_reasons[0]); i++)
		json_object_object_add(o,
			exit_reason_name(main_reasons[i], name, sizeof(name)),
			json_u64(exits[main_reasons[i]]));
	for (unsigned int i = 0; i < EXIT_REASON_SLOTS; i++)
		if (exits[i] && !is_main_reason(i))
			json_object_object_add(o,
				exit_reason_name(i, name, sizeof(name)),
				json_u64(exits[i]));
	return o;
}

static bool vcpu_ok(const struct vcpu *v)
{
	return v->done && !v->error[0];
}

static json_object *json_steps(const struct run_shared *sh)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < sh->nsteps; i++) {
		const struct step *s = &sh->steps[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "op",
				       json_object_new_string(step_op_name(s->op)));
		json_object_object_add(o, "n", json_u64(s->n));
		if (s->op == OP_SLEEP)
			json_object_object_add(o, "ms", json_u64(s->ms));
		if (s->op == OP_LEAF) {
			json_object_object_add(o, "eax_in", json_hex(s->eax_in));
			json_object_object_add(o, "ecx_in", json_hex(s->ecx_in));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_per_vcpu(const struct run_shared *sh)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "vcpu", json_object_new_int(v->index));
		json_object_object_add(o, "tid", json_object_new_int((int)v->tid));
		json_object_object_add(o, "expected", json_counts(&v->expected));
		json_object_object_add(o, "userspace_exits", json_exits(v->exits));
		json_object_object_add(o, "ok", json_object_new_boolean(vcpu_ok(v)));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_leaves(const struct report *r)
{
	const struct run_shared *sh = r->shared;
	static const char *const reg_keys[4] = { "eax", "ebx", "ecx", "edx" };
	json_object *a = json_object_new_array();

	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];

		if (!vcpu_ok(v))	/* the slots may not be written */
			continue;
		for (int k = 0; k < sh->nsteps; k++) {
			const struct step *s = &sh->steps[k];
			json_object *o;
			uint32_t regs[4];

			if (s->op != OP_LEAF)
				continue;
			leaf_result(r->vm, v, k, regs);
			o = json_object_new_object();
			json_object_object_add(o, "vcpu", json_object_new_int(v->index));
			json_object_object_add(o, "eax_in", json_hex(s->eax_in));
			json_object_object_add(o, "ecx_in", json_hex(s->ecx_in));
			for (int reg = 0; reg < 4; reg++)
				json_object_object_add(o, reg_keys[reg],
						       json_hex(regs[reg]));
			json_object_array_add(a, o);
		}
	}
	return a;
}

/* {"exits": {SLOT: N, ...}, "cycles": {...}}: the non-zero elements; null if not taken. */
static json_object *json_kvm_sample(const struct kvm_exit_sample *s)
{
	json_object *o, *exits, *cycles;
	char key[16];

	if (!s->taken)
		return NULL;
	o = json_object_new_object();
	exits = json_object_new_object();
	cycles = json_object_new_object();
	for (uint32_t i = 0; i < s->n; i++) {
		snprintf(key, sizeof(key), "%u", i);
		if (s->exits[i])
			json_object_object_add(exits, key, json_u64(s->exits[i]));
		if (s->cycles[i])
			json_object_object_add(cycles, key, json_u64(s->cycles[i]));
	}
	json_object_object_add(o, "slots", json_object_new_int((int)s->n));
	json_object_object_add(o, "exits", exits);
	json_object_object_add(o, "cycles", cycles);
	return o;
}

/* --kvm-stats: each vCPU's binary stats at the wait step and at the end. */
static json_object *json_kvm_stats(const struct run_shared *sh)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "vcpu", json_object_new_int(v->index));
		json_object_object_add(o, "wait", json_kvm_sample(&v->kstats_wait));
		json_object_object_add(o, "end", json_kvm_sample(&v->kstats_end));
		json_object_array_add(a, o);
	}
	return a;
}

/*
 * The icr steps' MSR writes over all vCPUs (part of expected.msr): the ICR
 * writes in the form KVM's fastpath handles, and the IA32_APIC_BASE writes
 * that turn x2APIC on first.
 */
static json_object *json_icr(const struct report *r)
{
	json_object *o = json_object_new_object();
	char buf[24];

	json_object_object_add(o, "msr", json_hex(MSR_X2APIC_ICR));
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)ICR_VALUE);
	json_object_object_add(o, "value", json_object_new_string(buf));
	json_object_object_add(o, "writes", json_u64(r->icr_writes));
	json_object_object_add(o, "apic_base_writes", json_u64(r->x2apic_enables));
	return o;
}

int print_json(FILE *f, const struct report *r)
{
	const struct run_shared *sh = r->shared;
	json_object *root = json_object_new_object();
	json_object *msr = json_object_new_object();
	const char *text;
	int rc = 0;

	json_object_object_add(root, "tool", json_object_new_string("exitgen"));
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "pid", json_object_new_int((int)getpid()));
	json_object_object_add(root, "mode", json_object_new_int(r->vm->mode->bits));
	json_object_object_add(root, "vcpus", json_object_new_int(sh->nvcpus));
	json_object_object_add(root, "vms", json_object_new_int(r->vms));
	json_object_object_add(msr, "index", json_hex(r->vm->msr));
	json_object_object_add(msr, "to_userspace",
			       json_object_new_boolean(r->vm->msr_to_user));
	json_object_object_add(root, "msr", msr);
	json_object_object_add(root, "exit_stats_cpuid",
			       json_object_new_boolean(r->vm->exit_stats_cpuid));
	json_object_object_add(root, "irqchip", json_object_new_boolean(r->vm->irqchip));
	json_object_object_add(root, "x2apic_icr", json_icr(r));
	json_object_object_add(root, "max_exits", json_u64(sh->max_exits));
	json_object_object_add(root, "steps", json_steps(sh));
	json_object_object_add(root, "expected", json_counts(&r->expected));
	json_object_object_add(root, "per_vcpu", json_per_vcpu(sh));
	json_object_object_add(root, "userspace_exits", json_exits(r->exits));
	json_object_object_add(root, "leaves", json_leaves(r));
	if (sh->kvm_stats)
		json_object_object_add(root, "kvm_stats", json_kvm_stats(sh));
	json_object_object_add(root, "elapsed_ns", json_u64(r->elapsed_ns));
	json_object_object_add(root, "ok", json_object_new_boolean(r->ok));
	if (r->error)
		json_object_object_add(root, "error",
				       json_object_new_string(r->error));

	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text) {
		fprintf(f, "%s\n", text);
	} else {
		fprintf(stderr, "exitgen: out of memory writing the JSON output\n");
		rc = -1;
	}
	json_object_put(root);
	return rc;
}

static void human_counts(FILE *f, const struct exit_counts *c)
{
	for (size_t i = 0; i < COUNT_FIELDS; i++)
		fprintf(f, "%s%s %llu", i ? ", " : "", count_fields[i].key,
			(unsigned long long)count_field(c, i));
	fputc('\n', f);
}

static void human_exits(FILE *f, const uint64_t *exits)
{
	char name[32];
	bool first = true;

	for (unsigned int i = 0; i < EXIT_REASON_SLOTS; i++) {
		if (!exits[i])
			continue;
		fprintf(f, "%s%s %llu", first ? "" : ", ",
			exit_reason_name(i, name, sizeof(name)),
			(unsigned long long)exits[i]);
		first = false;
	}
	fputs(first ? "none\n" : "\n", f);
}

void print_human(FILE *f, const struct report *r)
{
	const struct run_shared *sh = r->shared;

	fprintf(f, "exitgen: %s, %d vCPU%s, pid %d\n",
		r->vm->mode->bits == 16 ? "real mode (16-bit)" :
					  "long mode (64-bit, identity paging)",
		sh->nvcpus, sh->nvcpus == 1 ? "" : "s", (int)getpid());
	fprintf(f, "MSR for rdmsr/wrmsr: 0x%x, %s\n", r->vm->msr,
		r->vm->msr_to_user ?
			"denied by the MSR filter, so each access exits to exitgen" :
			"emulated inside KVM (no MSR filter), not seen by exitgen");
	fputs("each vCPU runs:", f);
	for (int i = 0; i < sh->nsteps; i++)
		fprintf(f, " %s", sh->steps[i].text);
	fputs(r->vm->irqchip ? ", then the final OUT to port 0xe8 (in-kernel irqchip: no HLT)\n" :
			       ", then the final hlt\n", f);
	if (r->icr_writes)
		fprintf(f, "x2APIC ICR (MSR 0x%x) writes of 0x%llx in total: %llu, after %llu IA32_APIC_BASE writes (all in expected msr)\n",
			MSR_X2APIC_ICR, (unsigned long long)ICR_VALUE,
			(unsigned long long)r->icr_writes, (unsigned long long)r->x2apic_enables);
	fputs("expected per vCPU: ", f);
	human_counts(f, &sh->vcpus[0].expected);

	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];

		fprintf(f, "vcpu %d (tid %d, %s): ", v->index, (int)v->tid,
			vcpu_ok(v) ? "done" : v->stopped ? "stopped" : "FAILED");
		human_exits(f, v->exits);
	}
	if (r->vms > 1)
		fprintf(f, "%d VMs one after another on one thread\n", r->vms);
	fputs("expected in total: ", f);
	human_counts(f, &r->expected);
	fputs("user-space exits in total: ", f);
	human_exits(f, r->exits);

	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];

		if (!vcpu_ok(v))
			continue;
		for (int k = 0; k < sh->nsteps; k++) {
			const struct step *s = &sh->steps[k];
			uint32_t regs[4];

			if (s->op != OP_LEAF)
				continue;
			leaf_result(r->vm, v, k, regs);
			fprintf(f, "vcpu %d cpuid 0x%x:0x%x -> eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n",
				v->index, s->eax_in, s->ecx_in, regs[0], regs[1],
				regs[2], regs[3]);
		}
	}
	fprintf(f, "elapsed %.3f ms: %s\n", r->elapsed_ns / 1e6,
		r->ok ? "ok" : "FAILED");
}
