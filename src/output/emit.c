// SPDX-License-Identifier: GPL-2.0
/* CSV quoting and JSON printing shared by the output formats. See emit.h. */
#include <stdlib.h>

#include "output/emit.h"

void csv_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int csv_note_row(FILE *out, unsigned int commas, const char *note)
{
	char *s;

	if (!note || !note[0])
		return 0;
	if (asprintf(&s, "INCOMPLETE: %s", note) < 0)
		return -1;
	fputs("note", out);
	while (commas--)
		fputc(',', out);
	csv_quoted(out, s);
	fputc('\n', out);
	free(s);
	return ferror(out) ? -1 : 0;
}

int json_emit(FILE *out, json_object *root)
{
	fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return ferror(out) ? -1 : 0;
}
