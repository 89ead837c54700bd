/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `exitgen --layout`: where each vCPU's program puts the instruction of
 * each step that exits, without running anything (no KVM needed): the
 * ground truth of guest-code hotspot tests.
 */
#ifndef EXITGEN_LAYOUT_H
#define EXITGEN_LAYOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "guest.h"

/*
 * Build every vCPU's program and print the layout as one JSON object on f;
 * with image, write vCPU 0's program bytes there. 0, or 1 after saying why
 * on stderr.
 */
int layout_print(FILE *f, const struct guest_mode *mode, const struct step *steps, int nsteps,
		 int nvcpus, uint32_t msr, bool irqchip, const char *image);

#endif
