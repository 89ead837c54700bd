/* SPDX-License-Identifier: GPL-2.0 */
/* What every output format writes the same way: CSV fields quoted, a JSON document printed. */
#ifndef EXITSTAT_EMIT_H
#define EXITSTAT_EMIT_H

#include <stdio.h>

#include <json-c/json.h>

/* A field quoted as RFC 4180 says: in double quotes, a quote doubled. */
void csv_quoted(FILE *out, const char *s);

/*
 * The row that says what an incomplete input misses: `note`, then commas
 * to the last column, then "INCOMPLETE: NOTE" quoted; nothing when note is
 * NULL or "". 0, or -1 (out of memory, ferror).
 */
int csv_note_row(FILE *out, unsigned int commas, const char *note);

/* root as one line of plain JSON (no slash escapes) and a newline; root is freed. 0, or -1 (ferror). */
int json_emit(FILE *out, json_object *root);

#endif
