/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's symbols, to name the guest code that caused exits (`exitstat
 * explain --hotspots --guest-symbols FILE`): a System.map (`nm` output:
 * `ADDRESS TYPE NAME`) or a copy of the guest's /proc/kallsyms (the same,
 * with `\t[module]` after a module's symbols). Only code symbols (types
 * t, T, w, W) are kept, sorted by address; an address resolves to the
 * nearest code symbol at or below it.
 */
#ifndef EXITSTAT_GUEST_SYMS_H
#define EXITSTAT_GUEST_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct guest_syms;

/*
 * Read path. NULL with err naming the file and line of the first malformed
 * line (`FILE:LINE: not ADDRESS TYPE NAME: ...`), a file with no code
 * symbol, or one whose addresses are all 0 (kallsyms read without the right
 * to see them), or the failed open/read/allocation.
 */
struct guest_syms *guest_syms_load(const char *path, struct es_error *err);
void guest_syms_free(struct guest_syms *s);

/* Code symbols kept. */
size_t guest_syms_count(const struct guest_syms *s);

/*
 * The code symbol at or below addr: its name (`name` or `name [module]`)
 * and addr's offset from it. False when addr is below every symbol.
 */
bool guest_syms_lookup(const struct guest_syms *s, uint64_t addr, const char **name,
		       uint64_t *off);

#endif
