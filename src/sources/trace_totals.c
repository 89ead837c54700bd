// SPDX-License-Identifier: GPL-2.0
/*
 * Tables of totals other tools print, read as counts per exit reason; see
 * trace_totals.h. The shapes, as the tools print them:
 *
 * perf kvm stat report (on stderr), and each display of perf kvm stat live
 * (after a time of day):
 *
 *   Analyze events for all VMs, all VCPUs:
 *                VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time
 *                     io        500    68.68%    56.25%     21.31us   1182.66us     35.10us ( +-   6.98% )
 *   Total Samples:728, Total events handled time:31200.62us.
 *
 *   The name may hold a blank (`GP excp`), so a row is read from the right.
 *   A reason perf has no name for is `UNKNOWN`, after perf's message
 *   `unknown kvm exit code:131072 on VMX` where the stream shows it: the row
 *   then takes that number. Live displays count since the one before: they
 *   are summed. `--event=ioport` / `mmio` tables count accesses, not exits.
 *
 * kvm_stat: `-1` rows `kvm_exit(HLT)  TOTAL  DELTA`; its screen rows
 *   `kvm_exit(HLT)  TOTAL  %TOTAL  CURAVG`; `-l` a banner of names then lines
 *   of deltas per interval (newer ones after a date and time), `-l -c` the
 *   same as CSV with a timestamp column. Only the kvm_exit(REASON) rows
 *   count; the names are kvm_stat's own (VMX `IO_INSTRUCTION`, SVM `IOIO`).
 *
 * perf report --sort trace -n: sections `# Samples: N of event 'kvm:kvm_exit'`,
 *   a header `# Overhead  Samples  Trace output`, rows `41.32%  300  <the
 *   kvm_exit payload>`; the rows of a reason are summed. Without the Samples
 *   column there are only percentages: refused, the counts are unknown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/array.h"
#include "core/stats.h"
#include "sources/trace_totals.h"

#define TOK_MAX 24

struct trow {
	uint64_t line;
	struct exit_body b;	/* the reason as read (how, isa, codes) */
	bool unknown;		/* perf kvm stat UNKNOWN without its number */
	bool lower;		/* the name was printed in lower case */
	uint32_t vcpu;
	uint32_t pid;
	uint64_t count;
	bool timed;
	uint64_t total_ns, max_ns;
};

struct totals {
	enum totals_kind kind;
	struct reason_cache *cache;
	struct trow *rows;
	size_t nrows, cap;
	uint64_t lost;

	/* perf kvm stat */
	bool live;		/* displays of perf kvm stat live */
	bool clock_line;	/* the line before was a time of day */
	unsigned int tables;	/* "Analyze events" blocks */
	bool in_table, have_header;
	uint64_t table_line, table_sum;
	uint32_t table_vcpu, table_pid;
	bool have_code;		/* an `unknown kvm exit code:N on ISA` waits for its UNKNOWN row */
	uint32_t code;
	enum exit_isa code_isa;

	/* kvm_stat */
	char **cols;		/* -l banner: the column names */
	size_t ncols, cols_cap;
	bool parent_seen;	/* a kvm_exit total row (-1, screen) */
	uint64_t parent;
	uint64_t statlines;

	/* perf report */
	bool section_exit, have_samples_col;
	bool section_known;	/* the section's `# Samples: N` was a plain number */
	uint64_t section_n, section_sum, section_line;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !memcmp(s, p, k);
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

struct tok {
	const char *s;
	size_t n;
};

/* Split at blanks (or at `sep` when not 0) into at most TOK_MAX tokens; returns how many (TOK_MAX + 1: more). */
static size_t split(const char *s, size_t n, char sep, struct tok *t)
{
	const char *e = s + n;
	size_t k = 0;

	while (s < e) {
		const char *b;

		if (!sep)
			while (s < e && is_blank(*s))
				s++;
		if (s == e)
			break;
		b = s;
		while (s < e && (sep ? *s != sep : !is_blank(*s)))
			s++;
		if (k == TOK_MAX)
			return TOK_MAX + 1;
		t[k].s = b;
		t[k++].n = (size_t)(s - b);
		if (sep && s < e)
			s++;	/* past the separator; an empty last field is dropped */
	}
	return k;
}

static bool tok_is(const struct tok *t, const char *w)
{
	return t->n == strlen(w) && !memcmp(t->s, w, t->n);
}

static bool u64_of(const char *s, size_t n, uint64_t *v)
{
	if (!n || n > 19)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

static bool tok_u64(const struct tok *t, uint64_t *v)
{
	return u64_of(t->s, t->n, v);
}

/* A decimal number, maybe with a fraction, followed by exactly `suffix`. */
static bool decimal(const struct tok *t, const char *suffix, double *v)
{
	size_t k = strlen(suffix), digits = 0;
	char buf[32];
	char *end;

	if (t->n <= k || t->n - k >= sizeof(buf) || memcmp(t->s + t->n - k, suffix, k))
		return false;
	for (size_t i = 0; i < t->n - k; i++) {
		if (t->s[i] >= '0' && t->s[i] <= '9')
			digits++;
		else if (t->s[i] != '.')
			return false;
	}
	if (!digits)
		return false;
	memcpy(buf, t->s, t->n - k);
	buf[t->n - k] = '\0';
	*v = strtod(buf, &end);
	return *end == '\0';
}

/* A perf kvm stat time (`35.10us`, or ms/ns/s) in ns. */
static bool duration_ns(const struct tok *t, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = { { "us", 1e3 }, { "ms", 1e6 }, { "ns", 1 }, { "s", 1e9 } };
	double v;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (decimal(t, units[i].suffix, &v)) {
			*ns = (uint64_t)(v * units[i].ns + 0.5);
			return true;
		}
	return false;
}

enum totals_kind totals_starts(const char *s, size_t n)
{
	struct tok t[TOK_MAX];
	size_t k;

	if (has_prefix(s, n, "Analyze events for ") || has_prefix(s, n, "Total Samples:") ||
	    (contains(s, n, "VM-EXIT") && contains(s, n, "Samples")))
		return TOTALS_PERF_KVM_STAT;
	if (has_prefix(s, n, "# Samples: ") && contains(s, n, " of event 'kvm:"))
		return TOTALS_PERF_REPORT;
	if (has_prefix(s, n, "# Overhead") && contains(s, n, "Trace output"))
		return TOTALS_PERF_REPORT;
	if (has_prefix(s, n, "kvm statistics") || has_prefix(s, n, "kvm_exit(") ||
	    has_prefix(s, n, "timestamp,kvm_") ||
	    (has_prefix(s, n, "Event") && contains(s, n, "Total") && contains(s, n, "%Total")))
		return TOTALS_KVM_STAT;
	/* kvm_stat -1: `kvm_exit   1234   56` (rows are sorted: the total before its reasons) */
	k = split(s, n, 0, t);
	if (k == 3 && has_prefix(t[0].s, t[0].n, "kvm_") && u64_of(t[1].s, t[1].n, &(uint64_t){ 0 }) &&
	    u64_of(t[2].s, t[2].n, &(uint64_t){ 0 }))
		return TOTALS_KVM_STAT;
	/* kvm_stat -l: a banner of names, one of them kvm_exit(REASON), no numbers, no `:` */
	if (k >= 2 && k <= TOK_MAX && contains(s, n, "kvm_exit(") && !memchr(s, ':', n)) {
		for (size_t i = 0; i < k; i++)
			if (u64_of(t[i].s, t[i].n, &(uint64_t){ 0 }))
				return TOTALS_NONE;
		return TOTALS_KVM_STAT;
	}
	return TOTALS_NONE;
}

bool totals_time_of_day(const char *s, size_t n)
{
	/* HH:MM:SS.uuuuuu */
	if (n < 9 || s[2] != ':' || s[5] != ':' || s[8] != '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 2 && i != 5 && i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

struct totals *totals_new(enum totals_kind kind, bool live, struct reason_cache *cache)
{
	struct totals *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->kind = kind;
	t->live = live;
	t->clock_line = live;
	t->cache = cache;
	t->table_vcpu = STATS_VCPU_UNKNOWN;
	return t;
}

static void cols_free(struct totals *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	t->ncols = 0;
}

void totals_free(struct totals *t)
{
	if (!t)
		return;
	cols_free(t);
	free(t->cols);
	free(t->rows);
	free(t);
}

static struct trow *row_add(struct totals *t, uint64_t line)
{
	struct trow *r;

	if (array_reserve(&t->rows, &t->cap, t->nrows + 1, sizeof(*t->rows), 32))
		return NULL;
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->vcpu = STATS_VCPU_UNKNOWN;
	return r;
}

/* The catalogue entry of ISA `isa` named (s, n) in any case, by its name or an alias. */
static const struct exit_reason *name_in_isa(enum exit_isa isa, const char *s, size_t n)
{
	size_t cnt;
	const struct exit_reason *tab = reasons_table(isa, &cnt);

	for (size_t i = 0; i < cnt; i++) {
		const char *a = tab[i].aliases;

		if (strlen(tab[i].name) == n && !strncasecmp(tab[i].name, s, n))
			return &tab[i];
		while (a && *a) {
			size_t k = strcspn(a, " ");

			if (k == n && !strncasecmp(a, s, n))
				return &tab[i];
			a += k;
			a += *a == ' ';
		}
	}
	return NULL;
}

/*
 * A tool's name for a reason, as a body the rest of the reader settles:
 * one ISA has the name (RISA_NAME), both (two readings), or a number. -1:
 * no such reason in the catalogue.
 */
static int classify(const char *s, size_t n, struct exit_body *b)
{
	const struct exit_reason *v = name_in_isa(ISA_VMX, s, n), *sv = name_in_isa(ISA_SVM, s, n);
	uint64_t num;

	memset(b, 0, sizeof(*b));
	b->vcpu = STATS_VCPU_UNKNOWN;
	if (v && sv) {
		b->how = RISA_LOWER_AMBIGUOUS;
		b->vmx_code = v->code;
		b->svm_code = sv->code;
		return 0;
	}
	if (v || sv) {
		b->how = RISA_NAME;
		b->isa = v ? ISA_VMX : ISA_SVM;
		b->code = v ? v->code : sv->code;
		return 0;
	}
	if (u64_of(s, n, &num) && num <= UINT32_MAX) {
		b->how = RISA_NUMBER;
		b->code = (uint32_t)num;
		return 0;
	}
	return -1;
}

/* --- perf kvm stat ------------------------------------------------------ */

/* `Analyze events for all VMs, VCPU 0:` / `for pid(s) 1234, all VCPUs:` */
static int perf_kvm_table_starts(struct totals *t, const char *s, size_t n, uint64_t line,
				 const char **why)
{
	const char *p;
	uint64_t v;

	if (t->in_table) {
		*why = "a perf kvm stat table starts before the one above ended (no `Total Samples:` "
		       "line): the output is cut";
		return -1;
	}
	if (t->tables && !t->clock_line) {
		*why = "a second perf kvm stat table, not a display of perf kvm stat live (no time "
		       "of day before it): give exitstat one report per file";
		return -1;
	}
	t->live = t->live || t->clock_line;
	t->tables++;
	t->in_table = true;
	t->have_header = false;
	t->table_line = line;
	t->table_sum = 0;
	t->table_vcpu = STATS_VCPU_UNKNOWN;
	t->table_pid = 0;
	p = memmem(s, n, "VCPU ", 5);
	if (p) {
		const char *e = p + 5, *end = s + n;

		while (e < end && *e >= '0' && *e <= '9')
			e++;
		if (u64_of(p + 5, (size_t)(e - p - 5), &v) && v < STATS_VCPU_UNKNOWN)
			t->table_vcpu = (uint32_t)v;
	}
	p = memmem(s, n, "pid(s) ", 7);
	if (p) {
		const char *e = p + 7, *end = s + n;

		while (e < end && *e >= '0' && *e <= '9')
			e++;
		/* One pid: the VM; a list (`1,2`) stays unknown. */
		if (e < end && *e != ',' && u64_of(p + 7, (size_t)(e - p - 7), &v) && v <= UINT32_MAX)
			t->table_pid = (uint32_t)v;
	}
	return 0;
}

/* `io  500  68.68%  56.25%  21.31us  1182.66us  35.10us ( +-  6.98% )`, read from the right. */
static int perf_kvm_row(struct totals *t, const char *s, size_t n, uint64_t line, const char **why)
{
	struct tok tk[TOK_MAX];
	size_t k = split(s, n, 0, tk), i;
	uint64_t count, max_ns, avg_ns;
	double pct;
	struct trow *r;

	*why = "not a row of a perf kvm stat table (NAME SAMPLES SAMPLES% TIME% MIN MAX AVG "
	       "( +- N% ))";
	if (k < 11 || k > TOK_MAX || !tok_is(&tk[k - 1], ")") || !tok_is(&tk[k - 3], "+-") ||
	    !tok_is(&tk[k - 4], "("))
		return -1;
	i = k - 10;	/* samples */
	if (!tok_u64(&tk[i], &count) || !decimal(&tk[i + 1], "%", &pct) ||
	    !decimal(&tk[i + 2], "%", &pct) || !duration_ns(&tk[i + 4], &max_ns) ||
	    !duration_ns(&tk[i + 5], &avg_ns) || !duration_ns(&tk[i + 3], &(uint64_t){ 0 }))
		return -1;
	r = row_add(t, line);
	if (!r)
		return -2;
	r->vcpu = t->table_vcpu;
	r->pid = t->table_pid;
	r->count = count;
	r->timed = true;
	r->total_ns = avg_ns * count;
	r->max_ns = max_ns;
	{
		const char *name = tk[0].s;
		size_t len = (size_t)(tk[i - 1].s + tk[i - 1].n - name);

		if (len == 7 && !memcmp(name, "UNKNOWN", 7)) {
			memset(&r->b, 0, sizeof(r->b));
			if (t->have_code) {
				r->b.how = RISA_NAME;
				r->b.isa = t->code_isa;
				r->b.code = t->code;
			} else {
				r->unknown = true;
			}
		} else if (classify(name, len, &r->b)) {
			*why = "a reason the catalogue does not know (exitstat reasons lists them)";
			t->nrows--;
			return -1;
		}
		r->lower = name[0] >= 'a' && name[0] <= 'z';
	}
	t->have_code = false;
	t->table_sum += count;
	return 0;
}

static int perf_kvm_stat_line(struct totals *t, const char *s, size_t n, uint64_t line,
			      const char **why)
{
	uint64_t v;

	if (!n)
		return 0;
	if (totals_time_of_day(s, n)) {
		t->clock_line = true;
		return 0;
	}
	if (has_prefix(s, n, "Analyze events for ")) {
		int ret = perf_kvm_table_starts(t, s, n, line, why);

		t->clock_line = false;
		return ret;
	}
	t->clock_line = false;
	if (has_prefix(s, n, "unknown kvm exit code:")) {
		struct tok tk[TOK_MAX];
		size_t k = split(s + 22, n - 22, 0, tk);

		if (k != 3 || !tok_u64(&tk[0], &v) || v > UINT32_MAX || !tok_is(&tk[1], "on") ||
		    (!tok_is(&tk[2], "VMX") && !tok_is(&tk[2], "SVM"))) {
			*why = "perf's `unknown kvm exit code:N on VMX|SVM` message is damaged";
			return -1;
		}
		t->have_code = true;
		t->code = (uint32_t)v;
		t->code_isa = tok_is(&tk[2], "VMX") ? ISA_VMX : ISA_SVM;
		return 0;
	}
	if (has_prefix(s, n, "Lost events:")) {
		struct tok tk[TOK_MAX];

		if (split(s, n, 0, tk) == 3 && tok_u64(&tk[2], &v))
			t->lost += v;
		return 0;
	}
	if (has_prefix(s, n, "Total Samples:")) {
		const char *e = s + 14;

		while (e < s + n && *e >= '0' && *e <= '9')
			e++;
		if (!u64_of(s + 14, (size_t)(e - s - 14), &v)) {
			*why = "perf kvm stat's `Total Samples:N` line is damaged";
			return -1;
		}
		if (!t->in_table) {
			*why = "`Total Samples:` without a table above it (no `Analyze events for` line)";
			return -1;
		}
		if (v != t->table_sum) {
			*why = "the rows of the table above do not add up to its Total Samples "
			       "(rows lost or damaged)";
			return -1;
		}
		t->in_table = false;
		return 0;
	}
	if (contains(s, n, "Samples%") && contains(s, n, "Samples")) {
		if (!t->in_table) {
			*why = "a perf kvm stat table header without its `Analyze events for` line";
			return -1;
		}
		if (!has_prefix(s, n, "VM-EXIT")) {
			*why = "this perf kvm stat table counts accesses (--event=ioport or mmio), not "
			       "VM exits; give exitstat the default report (--event=vmexit)";
			return -1;
		}
		t->have_header = true;
		return 0;
	}
	if (!t->in_table)
		return 0;	/* perf's other messages between tables */
	if (!t->have_header) {
		*why = "a perf kvm stat table without its header (VM-EXIT Samples Samples% ...)";
		return -1;
	}
	return perf_kvm_row(t, s, n, line, why);
}

/* --- kvm_stat ----------------------------------------------------------- */

/* `kvm_exit(HLT)`: the reason's name in n2/l2; false for other names. */
static bool exit_child(const char *s, size_t n, const char **name, size_t *len)
{
	if (n < 11 || !has_prefix(s, n, "kvm_exit(") || s[n - 1] != ')')
		return false;
	*name = s + 9;
	*len = n - 10;
	return true;
}

static bool same_reason(const struct exit_body *a, const struct exit_body *b)
{
	return a->how == b->how && a->isa == b->isa && a->code == b->code &&
	       a->svm_code == b->svm_code && a->vmx_code == b->vmx_code;
}

/*
 * One value of a kvm_stat row or column. snapshot: the Total of -1 or the
 * screen (cumulative: a reason seen twice is a second snapshot, refused);
 * else a -l delta, summed.
 */
static int kvm_stat_count(struct totals *t, const char *s, size_t n, uint64_t count,
			  bool snapshot, uint64_t line, const char **why)
{
	const char *name;
	size_t len;
	struct trow *r;

	if (n == 8 && !memcmp(s, "kvm_exit", 8)) {
		if (snapshot && t->parent_seen) {
			*why = "a second kvm_stat snapshot (kvm_exit again): its totals are cumulative, "
			       "give exitstat one snapshot per file";
			return -1;
		}
		t->parent_seen = true;
		t->parent += count;
		return 0;
	}
	if (!exit_child(s, n, &name, &len))
		return 0;	/* other events and debugfs fields */
	r = row_add(t, line);
	if (!r)
		return -2;
	r->count = count;
	if (classify(name, len, &r->b)) {
		t->nrows--;
		if (!count)
			return 0;	/* kvm_stat lists every name it has, most at 0 */
		*why = "a reason the catalogue does not know (exitstat reasons lists them)";
		return -1;
	}
	for (size_t i = 0; snapshot && i + 1 < t->nrows; i++)
		if (same_reason(&t->rows[i].b, &r->b)) {
			t->nrows--;
			*why = "a second kvm_stat snapshot (this reason again): its totals are "
			       "cumulative, give exitstat one snapshot per file";
			return -1;
		}
	return 0;
}

/* -l banner: the column names (kvm_stat prints it again every 20 lines). */
static int kvm_stat_banner(struct totals *t, const struct tok *tk, size_t k)
{
	cols_free(t);
	if (array_reserve(&t->cols, &t->cols_cap, k, sizeof(*t->cols), 16))
		return -2;
	for (size_t i = 0; i < k; i++) {
		t->cols[i] = strndup(tk[i].s, tk[i].n);
		if (!t->cols[i])
			return -2;
		t->ncols++;
	}
	return 0;
}

/* `2020-03-31` and `12:00:00` (one CSV field `2020-03-31 12:00:00`): newer kvm_stat logs start with them. */
static bool date_or_time(const struct tok *t)
{
	bool digit = false;

	for (size_t i = 0; i < t->n; i++) {
		if (t->s[i] >= '0' && t->s[i] <= '9')
			digit = true;
		else if (t->s[i] != '-' && t->s[i] != ':' && t->s[i] != ' ')
			return false;
	}
	return digit && t->n >= 8;
}

/*
 * -l line of deltas: numbers, after a date and time in newer kvm_stat (one
 * field in the CSV form). 1 if it is not one (prose); 0; -1 (*why).
 */
static int kvm_stat_statline(struct totals *t, const struct tok *tk, size_t k, uint64_t line,
			     const char **why)
{
	size_t first = 0;
	uint64_t v = 0;
	int ret;

	while (first < k && first < 2 && date_or_time(&tk[first]))
		first++;
	for (size_t i = first; i < k; i++)
		if (!tok_u64(&tk[i], &v))
			return 1;
	if (k - first != t->ncols) {
		*why = "a kvm_stat log line with another number of values than its banner has names";
		return -1;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		tok_u64(&tk[first + i], &v);
		ret = kvm_stat_count(t, t->cols[i], strlen(t->cols[i]), v, false, line, why);
		if (ret)
			return ret;
	}
	t->statlines++;
	return 0;
}

/* Lines that are none of kvm_stat's: prose around a pasted table is fine, a damaged row is not. */
static int kvm_stat_other(const char *s, size_t n, const char **why)
{
	if (!contains(s, n, "kvm_exit("))
		return 0;
	*why = "a kvm_stat line that names a kvm_exit(REASON) but is no row of its output (-1, "
	       "-l, its screen)";
	return -1;
}

static int kvm_stat_line(struct totals *t, const char *s, size_t n, uint64_t line, const char **why)
{
	struct tok tk[TOK_MAX];
	size_t k;
	uint64_t v;
	double pct;
	int ret;

	if (!n || has_prefix(s, n, "kvm statistics") ||
	    (has_prefix(s, n, "Event") && contains(s, n, "Total")))
		return 0;
	if (memchr(s, ',', n) && (has_prefix(s, n, "timestamp,") || t->ncols)) {
		/* -l -c: `timestamp,kvm_exit(HLT),...` then `2020-03-31 12:00:00,5,...` */
		k = split(s, n, ',', tk);
		if (k > TOK_MAX) {
			*why = "a kvm_stat CSV line with more columns than exitstat reads (24): "
			       "select fewer with kvm_stat -f";
			return -1;
		}
		if (k && tok_is(&tk[0], "timestamp"))
			return kvm_stat_banner(t, tk + 1, k - 1);
		ret = kvm_stat_statline(t, tk, k, line, why);
		return ret > 0 ? kvm_stat_other(s, n, why) : ret;
	}
	k = split(s, n, 0, tk);
	if (k > TOK_MAX) {
		if (!contains(s, n, "kvm_exit("))
			return 0;
		*why = "a kvm_stat line with more columns than exitstat reads (24): select fewer "
		       "with kvm_stat -f";
		return -1;
	}
	/*
	 * -1: NAME TOTAL DELTA; the screen: NAME TOTAL %TOTAL [CURAVG] (its
	 * children indented; before 2017: NAME TOTAL CURRENT).
	 */
	if ((k == 3 && !tok_u64(&tk[0], &v) && tok_u64(&tk[1], &v) && decimal(&tk[2], "", &pct)) ||
	    (k == 4 && !tok_u64(&tk[0], &v) && tok_u64(&tk[1], &v) && decimal(&tk[2], "", &pct) &&
	     tok_u64(&tk[3], &(uint64_t){ 0 }))) {
		tok_u64(&tk[1], &v);
		return kvm_stat_count(t, tk[0].s, tk[0].n, v, true, line, why);
	}
	if (k && has_prefix(tk[0].s, tk[0].n, "kvm_")) {
		bool names = true;

		for (size_t i = 0; i < k && names; i++)
			names = !tok_u64(&tk[i], &v) && !date_or_time(&tk[i]);
		if (names)
			return kvm_stat_banner(t, tk, k);
	}
	if (t->ncols) {
		ret = kvm_stat_statline(t, tk, k, line, why);
		if (ret <= 0)
			return ret;
	}
	return kvm_stat_other(s, n, why);
}

/* --- perf report --sort trace -------------------------------------------- */

static int perf_report_line(struct totals *t, const char *s, size_t n, uint64_t line,
			    const char **why)
{
	struct tok tk[TOK_MAX];
	size_t k;
	uint64_t v;
	double pct;
	const char *payload;
	struct trow *r;

	if (!n)
		return 0;
	if (has_prefix(s, n, "# Samples: ")) {
		const char *e = s + 11;

		if (t->section_exit && t->section_known && t->section_sum != t->section_n) {
			*why = "the kvm_exit rows above do not add up to their section's `# Samples:` "
			       "(rows lost or damaged)";
			return -1;
		}
		while (e < s + n && *e >= '0' && *e <= '9')
			e++;
		t->section_known = e < s + n && *e == ' ' &&
				   u64_of(s + 11, (size_t)(e - s - 11), &t->section_n);
		t->section_exit = contains(s, n, "of event 'kvm:kvm_exit'");
		t->section_sum = 0;
		t->section_line = line;
		t->have_samples_col = false;
		return 0;
	}
	if (has_prefix(s, n, "# Overhead")) {
		const char *p = s + 10, *e = s + n;

		t->have_samples_col = false;
		while (p < e && is_blank(*p))
			p++;
		if (has_prefix(p, (size_t)(e - p), "Samples")) {
			t->have_samples_col = true;
			p += 7;
			while (p < e && is_blank(*p))
				p++;
		}
		if (!has_prefix(p, (size_t)(e - p), "Trace output")) {
			*why = "perf report sorted by more than the trace (give it `-n --sort trace` "
			       "alone)";
			return -1;
		}
		if (t->section_exit && !t->have_samples_col) {
			*why = "perf report without its Samples column: percentages only, the counts "
			       "are unknown (run `perf report -n --sort trace`)";
			return -1;
		}
		return 0;
	}
	if (s[0] == '#')
		return 0;
	if (!t->section_exit)
		return 0;	/* rows of another event (kvm_entry) */
	k = split(s, n, 0, tk);
	*why = "not a row of perf report --sort trace (OVERHEAD% SAMPLES PAYLOAD)";
	if (k < 3 || !decimal(&tk[0], "%", &pct) || !tok_u64(&tk[1], &v))
		return -1;
	payload = tk[2].s;
	r = row_add(t, line);
	if (!r)
		return -2;
	r->count = v;
	{
		int ret = trace_exit_body_parse(t->cache, payload, (size_t)(s + n - payload), &r->b,
						why);

		if (ret == TRACE_BODY_CUT) {
			*why = "the kvm_exit payload of this row is cut short";
			ret = -1;
		}
		if (ret) {
			t->nrows--;
			return -1;
		}
	}
	r->vcpu = r->b.vcpu;
	t->section_sum += v;
	return 0;
}

int totals_line(struct totals *t, const char *s, size_t n, uint64_t line, const char **why)
{
	/* Leading blanks, and the `> >> ` of a table quoted in a mail reply. */
	while (n && (is_blank(*s) || *s == '>')) {
		s++;
		n--;
	}
	switch (t->kind) {
	case TOTALS_PERF_KVM_STAT:
		return perf_kvm_stat_line(t, s, n, line, why);
	case TOTALS_KVM_STAT:
		return kvm_stat_line(t, s, n, line, why);
	case TOTALS_PERF_REPORT:
		return perf_report_line(t, s, n, line, why);
	default:
		return 0;
	}
}

/* The ISA the rows name (one ISA only; ISA_UNKNOWN if none or both). */
static enum exit_isa rows_isa(const struct totals *t)
{
	enum exit_isa isa = ISA_UNKNOWN;

	for (size_t i = 0; i < t->nrows; i++) {
		const struct trow *r = &t->rows[i];

		if (r->unknown || (r->b.how != RISA_NAME && r->b.how != RISA_VMX_FLAGS))
			continue;
		if (isa != ISA_UNKNOWN && r->b.isa != isa)
			return ISA_UNKNOWN;
		isa = r->b.isa;
	}
	return isa;
}

int totals_end(struct totals *t, const char *name, enum exit_isa isa_hint, trace_event_fn fn,
	       void *ctx, uint64_t *exits, uint64_t *lost, struct es_error *err)
{
	enum exit_isa isa = rows_isa(t), fallback = isa != ISA_UNKNOWN ? isa : isa_hint;
	uint64_t sum = 0;
	int ret;

	*exits = 0;
	*lost += t->lost;
	if (t->kind == TOTALS_PERF_KVM_STAT && t->in_table)
		return es_error_set(err, "%s:%llu: this perf kvm stat table has no `Total Samples:` "
				    "line after it: the output is cut", name,
				    (unsigned long long)t->table_line);
	if (t->kind == TOTALS_PERF_REPORT && t->section_exit && t->section_known &&
	    t->section_sum != t->section_n)
		return es_error_set(err, "%s:%llu: the kvm_exit rows of this section add up to %llu, "
				    "not its %llu samples (rows lost or damaged)", name,
				    (unsigned long long)t->section_line,
				    (unsigned long long)t->section_sum,
				    (unsigned long long)t->section_n);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct trow *r = &t->rows[i];
		struct exit_event ev = {
			.kind = EV_EXIT, .aggregate = true, .count = r->count, .pid = r->pid,
			.vcpu = r->vcpu, .has_dur = r->timed, .dur_ns = r->total_ns,
			.max_ns = r->max_ns, .isa = r->b.isa, .reason = r->b.code,
		};

		if (r->unknown) {
			ev.isa = ISA_NONE;
			ev.reason = EXIT_REASON_CUT_OFF;
		} else if (r->b.how == RISA_LOWER_AMBIGUOUS || r->b.how == RISA_NUMBER) {
			enum exit_isa use = fallback;

			/*
			 * perf kvm stat prints the kernel's SVM names (lower case), VMX
			 * ones upper case; a kvm_exit payload's lower-case name alone is
			 * SVM, as in a trace (trace_text.c).
			 */
			if (use == ISA_UNKNOWN && r->b.how == RISA_LOWER_AMBIGUOUS &&
			    t->kind == TOTALS_PERF_KVM_STAT)
				use = r->lower ? ISA_SVM : ISA_VMX;
			else if (use == ISA_UNKNOWN && r->b.how == RISA_LOWER_AMBIGUOUS &&
				 t->kind == TOTALS_PERF_REPORT)
				use = ISA_SVM;
			if (use == ISA_UNKNOWN)
				return es_error_set(err, "%s:%llu: no row of the table says whether its "
						    "reasons are VMX or SVM (%s); say it with --isa "
						    "vmx|svm", name, (unsigned long long)r->line,
						    r->b.how == RISA_NUMBER ? "a bare number"
									    : "a name both have");
			ev.isa = use;
			if (r->b.how == RISA_LOWER_AMBIGUOUS)
				ev.reason = use == ISA_VMX ? r->b.vmx_code : r->b.svm_code;
		}
		if (!r->count)
			continue;
		sum += r->count;
		ret = fn(ctx, &ev);
		if (ret)
			return ret;
	}
	if (t->kind == TOTALS_KVM_STAT && t->parent_seen && t->parent > sum) {
		/* Exits of reasons kvm_stat has no name for: in its kvm_exit total only. */
		struct exit_event ev = {
			.kind = EV_EXIT, .aggregate = true, .count = t->parent - sum,
			.vcpu = STATS_VCPU_UNKNOWN, .isa = ISA_NONE, .reason = EXIT_REASON_CUT_OFF,
		};

		ret = fn(ctx, &ev);
		if (ret)
			return ret;
		sum = t->parent;
	}
	if (!sum && !t->nrows && t->kind == TOTALS_KVM_STAT)
		return es_error_set(err, "%s: kvm_stat output without kvm_exit(REASON) rows (its "
				    "debugfs fields do not give exits per reason; run kvm_stat with "
				    "tracepoints, -t, and on its screen press x for the reasons)", name);
	*exits = sum;
	return 0;
}

const char *totals_tool(const struct totals *t)
{
	switch (t->kind) {
	case TOTALS_PERF_KVM_STAT:
		return t->live ? "perf kvm stat live" : "perf kvm stat report";
	case TOTALS_KVM_STAT:
		return "kvm_stat";
	case TOTALS_PERF_REPORT:
		return "perf report --sort trace";
	default:
		return "table of totals";
	}
}

void totals_note(const struct totals *t, char *buf, size_t len)
{
	uint64_t unknown = 0, rows = 0;

	for (size_t i = 0; i < t->nrows; i++) {
		unknown += t->rows[i].unknown;
		rows += t->rows[i].count;
	}
	switch (t->kind) {
	case TOTALS_PERF_KVM_STAT:
		if (t->live)
			snprintf(buf, len, "`perf kvm stat live` totals, %u display%s summed", t->tables,
				 t->tables == 1 ? "" : "s");
		else
			snprintf(buf, len, "`perf kvm stat report` totals");
		snprintf(buf + strlen(buf), len - strlen(buf), ", no timeline; times are perf's "
			 "(total = Samples x Avg time; mean, max; its Min not shown); it counts an "
			 "exit once its vCPU entered again%s",
			 unknown ? "; UNKNOWN rows without perf's code: reason_cut_off" : "");
		break;
	case TOTALS_KVM_STAT:
		snprintf(buf, len, "kvm_stat totals (its kvm_exit(REASON) rows, %s), no timeline, no "
			 "times", t->statlines ? "log lines summed" : "Total column");
		if (t->parent_seen && t->parent > rows)
			snprintf(buf + strlen(buf), len - strlen(buf), "; %llu exits of its kvm_exit "
				 "total are in no reason row: reason_cut_off",
				 (unsigned long long)(t->parent - rows));
		break;
	default:
		snprintf(buf, len, "`perf report --sort trace` totals (its Samples column, rows summed "
			 "per reason), no timeline, no times");
		break;
	}
}
