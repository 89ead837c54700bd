// SPDX-License-Identifier: GPL-2.0
/* `exitgen --layout`: each step's exiting instruction, per vCPU. See layout.h. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "layout.h"

static json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_object_new_string(buf);
}

static int write_image(const char *path, const struct guest_image *img)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(img->code, 1, img->len, f) != img->len || fclose(f)) {
		fprintf(stderr, "exitgen: --image %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	return 0;
}

/*
 * The VM's memslots: slot 0 (all guest RAM below the MMIO page) and, with a
 * touch step, the touch slot; a GPA in neither is MMIO (the mmio step's
 * page, mmio_page).
 */
static json_object *layout_memslots(const struct step *steps, int nsteps, int nvcpus)
{
	json_object *arr = json_object_new_array();
	struct {
		uint32_t slot;
		uint64_t gpa, size;
	} slots[2] = { { 0, 0, guest_mem_size(nvcpus) },
		       { TOUCH_SLOT, TOUCH_BASE, touch_slot_size(nvcpus) } };

	for (int i = 0; i < (steps_touch(steps, nsteps) ? 2 : 1); i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "slot", json_object_new_int((int)slots[i].slot));
		json_object_object_add(o, "gpa", hex(slots[i].gpa));
		json_object_object_add(o, "size", hex(slots[i].size));
		json_object_array_add(arr, o);
	}
	return arr;
}

int layout_print(FILE *f, const struct guest_mode *mode, const struct step *steps, int nsteps,
		 int nvcpus, uint32_t msr, bool irqchip, const char *image)
{
	/* static: an image holds a 32 KiB program */
	static struct guest_image img;
	json_object *root = json_object_new_object(), *vcpus = json_object_new_array();
	char err[256];

	json_object_object_add(root, "tool", json_object_new_string("exitgen"));
	json_object_object_add(root, "layout", json_object_new_int(1));
	json_object_object_add(root, "mode", json_object_new_int(mode->bits));
	json_object_object_add(root, "irqchip", json_object_new_boolean(irqchip));
	json_object_object_add(root, "memslots", layout_memslots(steps, nsteps, nvcpus));
	json_object_object_add(root, "mmio_page", hex(MMIO_BASE));
	json_object_object_add(root, "vcpus", vcpus);
	for (int i = 0; i < nvcpus; i++) {
		json_object *v = json_object_new_object(), *arr = json_object_new_array();

		if (guest_build(mode, steps, nsteps, i, msr, irqchip, &img, err, sizeof(err))) {
			fprintf(stderr, "exitgen: %s\n", err);
			json_object_put(root);
			json_object_put(v);
			json_object_put(arr);
			return 1;
		}
		if (i == 0 && image && write_image(image, &img)) {
			json_object_put(root);
			json_object_put(v);
			json_object_put(arr);
			return 1;
		}
		json_object_object_add(v, "vcpu", json_object_new_int(i));
		json_object_object_add(v, "code_gpa", hex(img.code_gpa));
		json_object_object_add(v, "rip_base", hex(mode->rip_base(i)));
		json_object_object_add(v, "code_len", json_object_new_int64((int64_t)img.len));
		for (int k = 0; k < nsteps; k++) {
			json_object *s = json_object_new_object();

			json_object_object_add(s, "op", json_object_new_string(step_op_name(steps[k].op)));
			json_object_object_add(s, "n", json_object_new_int64(steps[k].n));
			json_object_object_add(s, "exit_rip", img.exit_rip[k] ? hex(img.exit_rip[k]) :
					       NULL);
			/* icr: the WRMSR of IA32_APIC_BASE before the ICR loop */
			if (img.x2apic_rip[k])
				json_object_object_add(s, "x2apic_enable_rip", hex(img.x2apic_rip[k]));
			if (steps[k].op == OP_TOUCH && steps[k].n)
				json_object_object_add(s, "first_page", hex(img.touch_gpa[k]));
			json_object_array_add(arr, s);
		}
		json_object_object_add(v, "steps", arr);
		if (irqchip)	/* the OUT that ends the program instead of its HLT */
			json_object_object_add(v, "final_out_rip", hex(img.final_out_rip));
		else
			json_object_object_add(v, "final_hlt_rip", hex(img.final_hlt_rip));
		json_object_array_add(vcpus, v);
	}
	fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return ferror(f) ? 1 : 0;
}
