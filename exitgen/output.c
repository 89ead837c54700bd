// SPDX-License-Identifier: GPL-2.0
/*
 * Output. The JSON keys are an interface (other tools parse them); add,
 * never rename.
 */
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

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_counts(FILE *f, const struct exit_counts *c)
{
	fprintf(f, "{\"io\":%llu,\"cpuid\":%llu,\"msr\":%llu,\"mmio\":%llu,\"hlt\":%llu}",
		(unsigned long long)c->io, (unsigned long long)c->cpuid,
		(unsigned long long)c->msr, (unsigned long long)c->mmio,
		(unsigned long long)c->hlt);
}

static void json_exits(FILE *f, const uint64_t *exits)
{
	char name[32];
	bool first = true;

	fputc('{', f);
	for (size_t i = 0; i < sizeof(main_reasons) / sizeof(main_reasons[0]); i++) {
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",",
			exit_reason_name(main_reasons[i], name, sizeof(name)),
			(unsigned long long)exits[main_reasons[i]]);
		first = false;
	}
	for (unsigned int i = 0; i < EXIT_REASON_SLOTS; i++)
		if (exits[i] && !is_main_reason(i))
			fprintf(f, ",\"%s\":%llu",
				exit_reason_name(i, name, sizeof(name)),
				(unsigned long long)exits[i]);
	fputc('}', f);
}

static bool vcpu_ok(const struct vcpu *v)
{
	return v->done && !v->error[0];
}

void print_json(FILE *f, const struct report *r)
{
	const struct run_shared *sh = r->shared;
	bool first = true;

	fprintf(f, "{\"tool\":\"exitgen\",\"version\":1,\"pid\":%d,\"mode\":%d,\"vcpus\":%d,",
		(int)getpid(), r->vm->mode->bits, sh->nvcpus);
	fprintf(f, "\"msr\":{\"index\":\"0x%x\",\"to_userspace\":%s},",
		r->vm->msr, r->vm->msr_to_user ? "true" : "false");
	fprintf(f, "\"max_exits\":%llu,", (unsigned long long)sh->max_exits);

	fputs("\"steps\":[", f);
	for (int i = 0; i < sh->nsteps; i++) {
		const struct step *s = &sh->steps[i];

		fprintf(f, "%s{\"op\":\"%s\",\"n\":%u", i ? "," : "",
			step_op_name(s->op), s->n);
		if (s->op == OP_SLEEP)
			fprintf(f, ",\"ms\":%u", s->ms);
		if (s->op == OP_LEAF)
			fprintf(f, ",\"eax_in\":\"0x%x\",\"ecx_in\":\"0x%x\"",
				s->eax_in, s->ecx_in);
		fputc('}', f);
	}
	fputs("],\"expected\":", f);
	json_counts(f, &r->expected);

	fputs(",\"per_vcpu\":[", f);
	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];

		fprintf(f, "%s{\"vcpu\":%d,\"tid\":%d,\"expected\":", i ? "," : "",
			v->index, (int)v->tid);
		json_counts(f, &v->expected);
		fputs(",\"userspace_exits\":", f);
		json_exits(f, v->exits);
		fprintf(f, ",\"ok\":%s}", vcpu_ok(v) ? "true" : "false");
	}
	fputs("],\"userspace_exits\":", f);
	json_exits(f, r->exits);

	fputs(",\"leaves\":[", f);
	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];

		if (!vcpu_ok(v))	/* the slots may not be written */
			continue;
		for (int k = 0; k < sh->nsteps; k++) {
			const struct step *s = &sh->steps[k];
			uint32_t regs[4];

			if (s->op != OP_LEAF)
				continue;
			leaf_result(r->vm, v, k, regs);
			fprintf(f, "%s{\"vcpu\":%d,\"eax_in\":\"0x%x\",\"ecx_in\":\"0x%x\",\"eax\":\"0x%x\",\"ebx\":\"0x%x\",\"ecx\":\"0x%x\",\"edx\":\"0x%x\"}",
				first ? "" : ",", v->index, s->eax_in, s->ecx_in,
				regs[0], regs[1], regs[2], regs[3]);
			first = false;
		}
	}
	fprintf(f, "],\"elapsed_ns\":%llu,\"ok\":%s",
		(unsigned long long)r->elapsed_ns, r->ok ? "true" : "false");
	if (r->error) {
		fputs(",\"error\":", f);
		json_string(f, r->error);
	}
	fputs("}\n", f);
}

static void human_counts(FILE *f, const struct exit_counts *c)
{
	fprintf(f, "io %llu, cpuid %llu, msr %llu, mmio %llu, hlt %llu\n",
		(unsigned long long)c->io, (unsigned long long)c->cpuid,
		(unsigned long long)c->msr, (unsigned long long)c->mmio,
		(unsigned long long)c->hlt);
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
	fputs(", then the final hlt\n", f);
	fputs("expected per vCPU: ", f);
	human_counts(f, &sh->vcpus[0].expected);

	for (int i = 0; i < sh->nvcpus; i++) {
		const struct vcpu *v = &sh->vcpus[i];

		fprintf(f, "vcpu %d (tid %d, %s): ", v->index, (int)v->tid,
			vcpu_ok(v) ? "done" : v->stopped ? "stopped" : "FAILED");
		human_exits(f, v->exits);
	}
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
