/* SPDX-License-Identifier: GPL-2.0 */
/* What the output formats share: the computed rows of one report. */
#ifndef EXITSTAT_REPORT_FORMAT_H
#define EXITSTAT_REPORT_FORMAT_H

#include "output/report.h"

struct report_row {
	enum exit_isa isa;
	uint32_t code;
	const char *name;
	char name_buf[32];
	bool known;		/* in the catalogue */
	struct exit_counts c;
	double percent;		/* of the report's total */
	double rate;		/* exits per second over the window; < 0 if no window */
	uint64_t mean_ns, p50_ns, p99_ns;	/* p50/p99: upper bounds of log2 buckets */
};

struct report_view {
	struct report_row *rows;	/* sorted as asked */
	size_t nrows, shown;		/* shown = rows printed before "other" */
	struct exit_counts other;	/* rows past --top, summed */
	size_t other_reasons;
	uint64_t total;			/* exits matching the filter */
	double window_s;		/* 0 when unknown */
	uint64_t lost;
	const struct report_row *most, *least;
};

void report_row_fill(struct report_row *r, const struct reason_row *src, uint64_t total,
		     double window_s);
int report_build(const struct report_opts *o, const struct report_meta *m, const struct stats *s,
		 struct report_view *v);
void report_view_free(struct report_view *v);

int report_table(FILE *out, const struct report_opts *o, const struct report_meta *m,
		 const struct stats *s, const struct report_view *v);
int report_json(FILE *out, const struct report_opts *o, const struct report_meta *m,
		const struct stats *s, const struct report_view *v);
int report_csv(FILE *out, const struct report_opts *o, const struct report_meta *m,
	       const struct stats *s, const struct report_view *v);

/* "0x7b" for SVM, "30" for VMX (the way each vendor's manual numbers them). */
const char *report_code_str(enum exit_isa isa, uint32_t code, char *buf, size_t len);

/* Per-VM/vCPU breakdown row. */
struct vm_row {
	uint32_t pid, vcpu;
	uint64_t count;
};
size_t report_vm_rows(const struct stats *s, const struct stats_filter *f, struct vm_row **out);

#endif
