// SPDX-License-Identifier: GPL-2.0
/* --hotspots and --guest-symbols of explain, report and live. See hotspot_opts.h. */
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/hotspot_opts.h"
#include "cmd/commands.h"
#include "cmd/msg.h"

int hotspot_opts_apply(struct hotspot_opts *h, int id, const char *arg)
{
	uint64_t n = CLI_HOTSPOTS_DEFAULT;

	switch (id) {
	case CLI_HOTSPOTS:
		if (arg && (!cli_parse_u64(arg, &n) || n > HOTSPOT_DEFAULT_CAP))
			return -1;
		h->on = true;
		h->top = (size_t)n;
		return 0;
	case CLI_GUEST_SYMBOLS:
		h->syms_path = arg;
		return 0;
	default:
		return 1;
	}
}

int hotspot_opts_ready(struct hotspot_opts *h, const char *cmd)
{
	struct es_error err = { "" };

	if (h->syms_path && !h->on) {
		fprintf(stderr, "exitstat%s%s: --guest-symbols names the RIPs of --hotspots: "
			"give --hotspots too (see --help)\n", cmd ? " " : "", cmd ? cmd : "");
		return EXIT_USAGE;
	}
	if (!h->on)
		return 0;
	if (h->syms_path) {
		h->syms = guest_syms_load(h->syms_path, &err);
		if (!h->syms) {
			msg_error(cmd, &err);
			return EXIT_FAIL;
		}
	}
	h->hs = hotspot_stats_new(0);
	if (!h->hs) {
		fprintf(stderr, "exitstat%s%s: out of memory\n", cmd ? " " : "", cmd ? cmd : "");
		return EXIT_FAIL;
	}
	return 0;
}

void hotspot_opts_meta(const struct hotspot_opts *h, struct hotspot_meta *m)
{
	m->d.top = h->top;
	m->syms = h->syms;
	m->syms_name = h->syms_path;
}

void hotspot_opts_free(struct hotspot_opts *h)
{
	hotspot_stats_free(h->hs);
	guest_syms_free(h->syms);
	h->hs = NULL;
	h->syms = NULL;
}
