// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis as one SVG picture: a stacked exit-rate timeline by reason
 * (top K + other) with the phases marked, and bars of exits and of time in
 * exit per reason. Hand-written SVG (no Debian C library writes SVG with the
 * text and data attributes we need); every string from the input goes through
 * xml_text(). Each drawn number is also in data-* attributes and a <title>,
 * so tests (and readers) can check them against `exitstat report`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/analyze_out.h"
#include "output/units.h"

/* A qualitative palette (Tableau 10) whose first colours stay distinct; grey is "other". */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f",
};
#define PALETTE_N (sizeof(palette) / sizeof(palette[0]))
#define OTHER_COLOUR "#bab0ac"

/* Geometry (px). */
#define W 1180
#define H 860
#define TL_X0 90.0
#define TL_X1 880.0
#define TL_Y0 90.0
#define TL_Y1 440.0
#define BAR_Y0 540.0
#define BAR_Y1 820.0

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Write s as XML character data or an attribute value: escaped, control bytes and bad UTF-8 as '?'. */
static void xml_text(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s);

	while (n) {
		size_t l = utf8_len(s, n);

		if (!l) {
			fputc('?', f);
			l = 1;
		} else if (l > 1) {
			fwrite(s, 1, l, f);
		} else {
			switch (*s) {
			case '&':
				fputs("&amp;", f);
				break;
			case '<':
				fputs("&lt;", f);
				break;
			case '>':
				fputs("&gt;", f);
				break;
			case '"':
				fputs("&quot;", f);
				break;
			case '\'':
				fputs("&apos;", f);
				break;
			default:
				fputc(*s < 0x20 || *s == 0x7f ? '?' : *s, f);
			}
		}
		s += l;
		n -= l;
	}
}

/* A short human number: 950, 12.5k, 3.2M. */
static void human(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.3gG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.4g", v);
}

/* A 1-2-5 step that puts about `ticks` ticks on [0, max]. */
static double nice_step(double max, int ticks)
{
	double raw = max / ticks, mag, f;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* One drawn series: a reason of the top K, or "other". */
struct series {
	const char *name;
	char name_buf[40];
	const char *colour;
	enum exit_isa isa;
	uint32_t code;
	bool other;
	uint64_t count, time_ns;	/* whole trace (the report's numbers) */
	uint64_t timed;			/* exits whose time in exit is known */
	uint64_t tl_count;		/* in the timeline */
};

/* Which series a timeline column belongs to. */
static size_t series_of(const struct series *s, size_t ns, const struct an_reason *r)
{
	for (size_t i = 0; i < ns; i++)
		if (!s[i].other && s[i].isa == r->isa && s[i].code == r->code)
			return i;
	return ns - 1;	/* "other" (only asked for when it exists) */
}

static void axis_label(FILE *f, double x, double y, const char *anchor, int rotate,
		       const char *text)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"axis-label\"", x, y,
		anchor);
	if (rotate)
		fprintf(f, " transform=\"rotate(-90 %.1f %.1f)\"", x, y);
	fputc('>', f);
	xml_text(f, text);
	fputs("</text>\n", f);
}

/* The timeline's scales: seconds across, exit rate up. */
struct tl_scale {
	double span;		/* seconds the windows cover */
	double max_rate;	/* top of the rate axis, a multiple of ystep */
	double ystep;		/* rate between grid lines */
};

static double tl_x(const struct tl_scale *sc, double t)
{
	return TL_X0 + t / sc->span * (TL_X1 - TL_X0);
}

static double tl_y(const struct tl_scale *sc, double r)
{
	return TL_Y1 - r / sc->max_rate * (TL_Y1 - TL_Y0);
}

static struct tl_scale tl_scale_of(const struct analysis *a)
{
	struct tl_scale sc = { 0 };

	for (size_t w = 0; w < a->nwin; w++) {
		uint64_t tot = 0;

		for (size_t r = 0; r < a->nreasons; r++)
			tot += a->win_count[w * a->rcap + r];
		sc.span += a->win_dur_s[w];
		if (tot / a->win_dur_s[w] > sc.max_rate)
			sc.max_rate = tot / a->win_dur_s[w];
	}
	if (!(sc.max_rate > 0))
		sc.max_rate = 1;
	sc.ystep = nice_step(sc.max_rate, 5);
	sc.max_rate = ceil(sc.max_rate / sc.ystep) * sc.ystep;
	return sc;
}

/*
 * Label "kind rate/s", centred over the band x0..x1, on the first of two
 * rows where it does not overlap the label before it (row_end); else only
 * the <title> tells (readers hovering, tests).
 */
static void tl_phase_label(FILE *f, const struct phase *ph, const char *rate, double x0,
			   double x1, double row_end[2])
{
	char lab[64];
	double half, cx = (x0 + x1) / 2;

	snprintf(lab, sizeof(lab), "%s %s/s", phase_kind_name(ph->kind), rate);
	half = strlen(lab) * 7.5 / 2;
	for (int row = 0; row < 2; row++) {
		if (cx - half < row_end[row] + 6)
			continue;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			   "class=\"phase-label\">%s</text>\n",
			cx, TL_Y0 - 6 - 15 * row, lab);
		row_end[row] = cx + half;
		break;
	}
}

/* Phases behind the data: a shaded band, an edge and a label each. */
static void tl_phases(FILE *f, const struct analysis *a, const struct tl_scale *sc)
{
	double row_end[2] = { -1e9, -1e9 };
	char buf[32];

	fprintf(f, "<g id=\"phases\">\n");
	for (size_t i = 0; i < a->nphases; i++) {
		const struct phase *ph = &a->phases[i];
		double x0 = tl_x(sc, ph->start_ns / 1e9), x1 = tl_x(sc, ph->end_ns / 1e9);
		const char *fill = ph->kind == PHASE_BURST ? "#fbd5d0" :
				   ph->kind == PHASE_IDLE ? "#e4e8ee" : "#f7f7f2";

		human(buf, sizeof(buf), ph->rate);
		fprintf(f, "<rect class=\"phase\" data-index=\"%zu\" data-kind=\"%s\" "
			   "data-start-s=\"%.9g\" data-end-s=\"%.9g\" data-exits=\"%llu\" "
			   "data-rate=\"%.6g\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
			   "fill=\"%s\"><title>phase %zu: %s %.3f-%.3f s, %llu exits, %s exits/s"
			   "</title></rect>\n",
			i, phase_kind_name(ph->kind), ph->start_ns / 1e9, ph->end_ns / 1e9,
			(unsigned long long)ph->exits, ph->rate, x0, TL_Y0, fmax(x1 - x0, 0.5),
			TL_Y1 - TL_Y0, fill, i + 1, phase_kind_name(ph->kind), ph->start_ns / 1e9,
			ph->end_ns / 1e9, (unsigned long long)ph->exits, buf);
		if (i)
			fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
				   "class=\"phase-edge\"/>\n", x0, TL_Y0 - 18, x0, TL_Y1);
		tl_phase_label(f, ph, buf, x0, x1, row_end);
	}
	fprintf(f, "</g>\n");
}

/* Grid, ticks, frame and the two axis labels. */
static void tl_axes(FILE *f, const struct analysis *a, const struct tl_scale *sc, bool in_ticks)
{
	double span = sc->span, xstep, tunit;
	const char *tname;
	char buf[32], lab[128];

	fprintf(f, "<g class=\"axis\">\n");
	for (double v = 0; v <= sc->max_rate * 1.0001; v += sc->ystep) {
		human(buf, sizeof(buf), v);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.2f\" x2=\"%.1f\" y2=\"%.2f\" class=\"grid\"/>"
			   "<text x=\"%.1f\" y=\"%.2f\" text-anchor=\"end\">%s</text>\n",
			TL_X0, tl_y(sc, v), TL_X1, tl_y(sc, v), TL_X0 - 6, tl_y(sc, v) + 4, buf);
	}
	/* Tick labels in s, ms or us, whichever keeps them short. */
	if (span >= 2)
		tunit = 1, tname = "s";
	else if (span >= 0.002)
		tunit = 1e3, tname = "ms";
	else
		tunit = 1e6, tname = "us";
	xstep = nice_step(span * tunit, 8) / tunit;
	for (double t = 0; t <= span * 1.0001; t += xstep) {
		snprintf(buf, sizeof(buf), "%.6g", t * tunit);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" class=\"tick\"/>"
			   "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			tl_x(sc, t), TL_Y1, tl_x(sc, t), TL_Y1 + 5, tl_x(sc, t), TL_Y1 + 19, buf);
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>\n",
		TL_X0, TL_Y0, TL_X1 - TL_X0, TL_Y1 - TL_Y0);
	fprintf(f, "</g>\n");

	if (in_ticks)
		snprintf(lab, sizeof(lab), "time since the first exit (%s; raw clock ticks: "
			 "1 s here = 1e9 ticks)", tname);
	else
		snprintf(lab, sizeof(lab), "time since the first exit (%s)", tname);
	axis_label(f, (TL_X0 + TL_X1) / 2, TL_Y1 + 40, "middle", 0, lab);
	snprintf(buf, sizeof(buf), "%.6g %s", a->width_ns / 1e9 * tunit, tname);
	snprintf(lab, sizeof(lab), in_ticks ? "exit rate (exits per 1e9 ticks, %s windows)"
					    : "exit rate (exits/s, %s windows)", buf);
	axis_label(f, TL_X0 - 62, (TL_Y0 + TL_Y1) / 2, "middle", 1, lab);
}

/* Exits of series s in window w. */
static uint64_t series_window_count(const struct analysis *a, const size_t *col_series,
				    size_t s, size_t w)
{
	uint64_t c = 0;

	for (size_t r = 0; r < a->nreasons; r++)
		if (col_series[r] == s)
			c += a->win_count[w * a->rcap + r];
	return c;
}

/* Stacked step areas: series 0 at the bottom. 0, or -1 (out of memory; nothing drawn). */
static int tl_rates(FILE *f, const struct analysis *a, const struct tl_scale *sc,
		     const struct series *ser, size_t ns, const size_t *col_series)
{
	size_t n = a->nwin;
	double *cum = calloc(n + 1, sizeof(double));

	if (!cum)
		return -1;
	fprintf(f, "<g id=\"rates\">\n");
	for (size_t s = 0; s < ns; s++) {
		double t = 0;

		fprintf(f, "<path class=\"rate\" data-reason=\"");
		xml_text(f, ser[s].name);
		fprintf(f, "\" data-timeline-count=\"%llu\" fill=\"%s\" d=\"",
			(unsigned long long)ser[s].tl_count, ser[s].colour);
		/* Upper edge left to right (adds this series to cum), lower edge back. */
		for (size_t w = 0; w < n; w++) {
			double top = cum[w] + series_window_count(a, col_series, s, w) /
					      a->win_dur_s[w];

			fprintf(f, "%s%.2f %.2fH%.2f", w ? "L" : "M", tl_x(sc, t), tl_y(sc, top),
				tl_x(sc, t + a->win_dur_s[w]));
			t += a->win_dur_s[w];
			cum[w] = top;	/* cum[w] now the top; the lower edge is recomputed below */
		}
		/* Lower edge: the top minus this series, right to left. */
		for (size_t w = n; w-- > 0;) {
			double low = cum[w] - series_window_count(a, col_series, s, w) /
					      a->win_dur_s[w];

			t -= a->win_dur_s[w];
			fprintf(f, "L%.2f %.2fH%.2f", tl_x(sc, t + a->win_dur_s[w]), tl_y(sc, low),
				tl_x(sc, t));
		}
		fprintf(f, "Z\"><title>");
		xml_text(f, ser[s].name);
		fprintf(f, ": %llu exits on the timeline</title></path>\n",
			(unsigned long long)ser[s].tl_count);
	}
	fprintf(f, "</g>\n");
	free(cum);
	return 0;
}

static void timeline(FILE *f, const struct analysis *a, const struct series *ser, size_t ns,
		     const size_t *col_series, bool in_ticks)
{
	struct tl_scale sc = tl_scale_of(a);

	fprintf(f, "<g id=\"timeline\" data-windows=\"%zu\" data-window-s=\"%.9g\" "
		   "data-span-s=\"%.9g\">\n", a->nwin, a->width_ns / 1e9, sc.span);
	tl_phases(f, a, &sc);
	tl_axes(f, a, &sc, in_ticks);
	if (tl_rates(f, a, &sc, ser, ns, col_series))
		return;	/* as before the split: the timeline group is left open */
	fprintf(f, "</g>\n");
}

static void bars(FILE *f, const struct series *ser, size_t ns, bool time)
{
	double x0 = time ? 690 : 200, x1 = time ? 1000 : 520, max = 0, unit = 1, step;
	double rowh = (BAR_Y1 - BAR_Y0) / (double)ns;
	const char *uname = "ns";
	char buf[48];

	for (size_t i = 0; i < ns; i++)
		max = fmax(max, time ? (double)ser[i].time_ns : (double)ser[i].count);
	if (time) {
		if (max >= 1e9)
			unit = 1e9, uname = "s";
		else if (max >= 1e6)
			unit = 1e6, uname = "ms";
		else if (max >= 1e3)
			unit = 1e3, uname = "us";
	}
	if (!(max > 0))
		max = 1;
	step = nice_step(max / unit, 4) * unit;
	if (!time && step < 1)
		step = 1;	/* counts are whole */
	max = ceil(max / step) * step;
	fprintf(f, "<g id=\"%s\">\n", time ? "time-bars" : "count-bars");
	{
		char title[96];

		if (time)
			snprintf(title, sizeof(title), "time in exit per reason (%s)", uname);
		else
			snprintf(title, sizeof(title), "exits per reason (count)");
		axis_label(f, (x0 + x1) / 2, BAR_Y0 - 14, "middle", 0, title);
	}
	for (double v = 0; v <= max * 1.0001; v += step) {
		double x = x0 + v / max * (x1 - x0);

		if (time)
			snprintf(buf, sizeof(buf), "%.4g", v / unit);
		else
			human(buf, sizeof(buf), v);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" class=\"grid\"/>"
			   "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\" class=\"tick-label\">%s"
			   "</text>\n", x, BAR_Y0, x, BAR_Y1, x, BAR_Y1 + 16, buf);
	}
	for (size_t i = 0; i < ns; i++) {
		double v = time ? (double)ser[i].time_ns : (double)ser[i].count;
		double y = BAR_Y0 + i * rowh + rowh * 0.15, h = rowh * 0.7;
		double w = v / max * (x1 - x0);

		fprintf(f, "<text x=\"%.1f\" y=\"%.2f\" text-anchor=\"end\" class=\"bar-name\">",
			x0 - 6, y + h / 2 + 4);
		xml_text(f, ser[i].name);
		fprintf(f, "</text>\n<rect class=\"%s\" data-reason=\"", time ? "time-bar" : "count-bar");
		xml_text(f, ser[i].name);
		if (!ser[i].other)
			fprintf(f, "\" data-isa=\"%s\" data-code=\"%u", isa_name(ser[i].isa),
				ser[i].code);
		if (time)
			fprintf(f, "\" data-time-ns=\"%llu", (unsigned long long)ser[i].time_ns);
		else
			fprintf(f, "\" data-count=\"%llu", (unsigned long long)ser[i].count);
		fprintf(f, "\" x=\"%.1f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>",
			x0, y, w, h, ser[i].colour);
		xml_text(f, ser[i].name);
		if (time) {
			fmt_amount(buf, sizeof(buf), v, false, 4);
			fprintf(f, ": %s in exit (%llu ns)</title></rect>\n", buf,
				(unsigned long long)ser[i].time_ns);
		} else {
			fprintf(f, ": %llu exits</title></rect>\n", (unsigned long long)ser[i].count);
		}
		if (time && !ser[i].timed)
			snprintf(buf, sizeof(buf), "unknown (no entry paired)");
		else if (time)
			fmt_amount(buf, sizeof(buf), v, false, 4);
		else
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ser[i].count);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" class=\"bar-value\">%s</text>\n", x0 + w + 4,
			y + h / 2 + 4, buf);
	}
	fprintf(f, "</g>\n");
}

/*
 * Rows by count: the first `top` are series of their own, the rest sum into
 * "other" (ser has ns entries); col_series maps each analysis column to its
 * series. Returns the exits of all rows.
 */
static uint64_t fill_series(const struct analysis *a, const struct reason_row *rows,
			    size_t nrows, size_t top, struct series *ser, size_t ns,
			    size_t *col_series)
{
	uint64_t total = 0;
	char nb[40];

	for (size_t i = 0; i < nrows; i++) {
		size_t s = i < top ? i : top;

		total += rows[i].c.count;
		if (i < top) {
			ser[s].isa = rows[i].isa;
			ser[s].code = rows[i].reason;
			ser[s].colour = palette[i];
			snprintf(ser[s].name_buf, sizeof(ser[s].name_buf), "%s",
				 reason_name(rows[i].isa, rows[i].reason, nb, sizeof(nb)));
			ser[s].name = ser[s].name_buf;
		} else {
			ser[s].other = true;
			ser[s].name = "other";
			ser[s].colour = OTHER_COLOUR;
		}
		ser[s].count += rows[i].c.count;
		ser[s].time_ns += rows[i].c.time_ns;
		ser[s].timed += rows[i].c.timed;
	}
	for (size_t r = 0; r < a->nreasons; r++) {
		col_series[r] = series_of(ser, ns, &a->reasons[r]);
		ser[col_series[r]].tl_count += a->reasons[r].count;
	}
	return total;
}

/* The <svg> element, its style, background, title and subtitle. */
static void svg_head(FILE *f, const struct analysis *a, const struct analysis_meta *m,
		     const struct plot_opts *po, uint64_t total)
{
	size_t bursts = 0;
	char sbuf[32];

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "viewBox=\"0 0 %d %d\" data-total=\"%llu\" data-timeline-exits=\"%llu\" "
		   "data-typical-rate=\"%.6g\" data-phases=\"%zu\">\n",
		W, H, W, H, (unsigned long long)total,
		(unsigned long long)(a->acc.stats->total - a->filtered_out - a->untimed),
		a->typical_rate, a->nphases);
	fputs("<style>\n"
	      "text { font-family: DejaVu Sans, Verdana, sans-serif; font-size: 12px; fill: #222; }\n"
	      ".title { font-size: 18px; font-weight: bold; }\n"
	      ".subtitle { font-size: 13px; fill: #444; }\n"
	      ".axis-label { font-size: 13px; }\n"
	      ".phase-label { font-size: 12px; font-weight: bold; fill: #333; }\n"
	      ".grid { stroke: #ccc; stroke-width: 0.6; }\n"
	      ".tick { stroke: #333; }\n"
	      ".frame { fill: none; stroke: #333; }\n"
	      ".phase-edge { stroke: #555; stroke-dasharray: 4 3; }\n"
	      ".rate { stroke: none; }\n"
	      "</style>\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
	fputs("<title>", f);
	xml_text(f, po->title ? po->title : m->source);
	fputs("</title>\n<text x=\"20\" y=\"30\" class=\"title\">", f);
	if (po->title) {
		xml_text(f, po->title);
	} else {
		fputs("VM exits of ", f);
		xml_text(f, m->source);
	}
	fputs("</text>\n", f);
	for (size_t i = 0; i < a->nphases; i++)
		bursts += a->phases[i].kind == PHASE_BURST;
	fmt_amount(sbuf, sizeof(sbuf), (double)(a->t_last - a->t0), false, 4);
	fprintf(f, "<text x=\"20\" y=\"52\" class=\"subtitle\">%llu exit%s in %s; typical "
		   "rate %.0f exits/s; %zu phase%s, %zu burst%s (shaded: grey idle, red burst)"
		   "</text>\n",
		(unsigned long long)total, total == 1 ? "" : "s", sbuf,
		a->typical_rate, a->nphases,
		a->nphases == 1 ? "" : "s", bursts, bursts == 1 ? "" : "s");
	if (m->incomplete) {
		/* What the picture lacks, where everyone looks: under the title. */
		fputs("<text x=\"20\" y=\"72\" class=\"subtitle\" id=\"incomplete\" "
		      "style=\"fill: #b00\">INCOMPLETE input: ", f);
		xml_text(f, m->note ? m->note : "see stderr");
		fputs("</text>\n", f);
	}
}

/* Legend, top reasons first. */
static void legend(FILE *f, const struct series *ser, size_t ns, uint64_t total)
{
	fprintf(f, "<g id=\"legend\">\n<text x=\"900\" y=\"%.1f\" class=\"axis-label\">reason "
		   "(exits)</text>\n", TL_Y0 + 4);
	for (size_t s = 0; s < ns; s++) {
		double y = TL_Y0 + 18 + s * 22;

		fprintf(f, "<rect x=\"900\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>"
			   "<text x=\"920\" y=\"%.1f\">", y, ser[s].colour, y + 12);
		xml_text(f, ser[s].name);
		fprintf(f, " (%.1f%%)</text>\n", total ? 100.0 * ser[s].count / total : 0);
	}
	fprintf(f, "</g>\n");
}

int plot_svg(FILE *f, const struct analysis *a, const struct analysis_meta *m,
	     const struct plot_opts *po)
{
	struct reason_row *rows = NULL;
	size_t nrows = stats_by_reason(a->acc.stats, &a->o.filter, SORT_COUNT, &rows);
	size_t top = po->top ? po->top : 8, ns, *col_series = NULL;
	struct series *ser = NULL;
	uint64_t total;
	int rc = -1;

	if (nrows == (size_t)-1)
		return -1;
	if (top > PALETTE_N)
		top = PALETTE_N;
	ns = nrows > top ? top + 1 : nrows;
	ser = calloc(ns ? ns : 1, sizeof(*ser));
	col_series = calloc(a->nreasons ? a->nreasons : 1, sizeof(*col_series));
	if (!ser || !col_series)
		goto out;
	total = fill_series(a, rows, nrows, top, ser, ns, col_series);
	svg_head(f, a, m, po, total);
	if (a->nwin && a->win_dur_s)
		timeline(f, a, ser, ns, col_series, m->clock && strcmp(m->clock, "ns"));
	else
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">no timeline: the exits do not span "
			   "two different timestamps</text>\n", TL_X0 + 20, (TL_Y0 + TL_Y1) / 2);
	legend(f, ser, ns, total);
	if (ns) {
		bars(f, ser, ns, false);
		bars(f, ser, ns, true);
	}
	fprintf(f, "</svg>\n");
	rc = ferror(f) ? -1 : 0;
out:
	free(ser);
	free(col_series);
	free(rows);
	return rc;
}
