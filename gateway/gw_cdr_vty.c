/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "cdr" node of the VTY: the CDR file, its format and fields, rotation, interim records; "show cdr" and
 * "show cdr fields". Written back as parsed. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw_cdr.h"

static struct gw_cdr *g_cdr;
static struct cmd_node cdr_node = { .prompt = "%s(config-cdr)# ", .vtysh = 1 };

static struct gw_cdr_file_cfg *cfg(void)
{
	return gw_cdr_file_cfg(g_cdr->file);
}

/* while the configuration file is read nothing opens: gw_cdr_start() does, once it is all read */
static void apply(void)
{
	if (g_cdr->started)
		gw_cdr_file_apply(g_cdr->file);
}

DEFUN(cfg_cdr, cfg_cdr_cmd, "cdr", "Configure call detail records\n")
{
	vty->node = cdr_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_file, cfg_cdr_file_cmd, "file PATH",
      "Write CDRs to a file (appended; rotated to PATH.YYYYMMDD-HHMMSS)\n"
      "Path of the file\n")
{
	if (strlen(argv[0]) >= sizeof(cfg()->path)) {
		vty_out(vty, "%% path too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	snprintf(cfg()->path, sizeof(cfg()->path), "%s", argv[0]);
	apply();
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_no_file, cfg_cdr_no_file_cmd, "no file", NO_STR "Write no CDR file\n")
{
	cfg()->path[0] = 0;
	apply();
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_format, cfg_cdr_format_cmd, "format (csv|json)",
      "Format of the CDR lines\n"
      "Comma separated values with a header line (RFC 4180)\n"
      "One JSON object per line\n")
{
	cfg()->format = !strcmp(argv[0], "json") ? GW_CDR_JSON : GW_CDR_CSV;
	apply();
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_fields_all, cfg_cdr_fields_all_cmd, "fields all",
      "Which fields a record has, in which order\n"
      "Every field ('show cdr fields')\n")
{
	struct gw_cdr_file_cfg *c = cfg();
	c->n_fields = 0;
	for (unsigned i = 0; i < gw_cdr_n_fields() && i < GW_CDR_MAX_FIELDS; i++)
		c->fields[c->n_fields++] = (uint8_t)i;
	apply();
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_fields, cfg_cdr_fields_cmd, "fields .NAME",
      "Which fields a record has, in which order\n"
      "Field names ('show cdr fields')\n")
{
	uint8_t f[GW_CDR_MAX_FIELDS];
	unsigned n = 0;
	for (int i = 0; i < argc; i++) {
		int idx = gw_cdr_field_find(argv[i]);
		if (idx < 0) {
			vty_out(vty, "%% no CDR field '%s' (see 'show cdr fields')%s", argv[i], VTY_NEWLINE);
			return CMD_WARNING;
		}
		if (n == GW_CDR_MAX_FIELDS) {
			vty_out(vty, "%% at most %u fields%s", GW_CDR_MAX_FIELDS, VTY_NEWLINE);
			return CMD_WARNING;
		}
		f[n++] = (uint8_t)idx;
	}
	memcpy(cfg()->fields, f, n);
	cfg()->n_fields = n;
	apply();
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_rot_size, cfg_cdr_rot_size_cmd, "rotate size <0-4294967295>",
      "Rotate the file\n"
      "When it reaches a size\n"
      "Bytes (0: never by size)\n")
{
	cfg()->rotate_bytes = strtoull(argv[0], NULL, 10);
	apply();
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_rot_int, cfg_cdr_rot_int_cmd, "rotate interval <0-31536000>",
      "Rotate the file\n"
      "At every multiple of an interval since the epoch (3600: on the hour, UTC)\n"
      "Seconds (0: never by time)\n")
{
	cfg()->rotate_s = (unsigned)atoi(argv[0]);
	apply();
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_interim, cfg_cdr_interim_cmd, "interim-interval <0-1440>",
      "Interim records of answered calls\n"
      "Minutes between them (0: none)\n")
{
	g_cdr->interim_min = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_queue, cfg_cdr_queue_cmd, "queue <0-1000000>",
      "Records held in memory while the file cannot be written (the rest are lost, counted)\n"
      "Records\n")
{
	cfg()->queue_max = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

static int config_write_cdr(struct vty *vty)
{
	const struct gw_cdr_file_cfg *c = cfg();
	vty_out(vty, "cdr%s", VTY_NEWLINE);
	if (c->path[0])
		vty_out(vty, " file %s%s", c->path, VTY_NEWLINE);
	vty_out(vty, " format %s%s", c->format == GW_CDR_JSON ? "json" : "csv", VTY_NEWLINE);
	bool all = c->n_fields == gw_cdr_n_fields();
	for (unsigned i = 0; all && i < c->n_fields; i++)
		all = c->fields[i] == i;
	if (all) {
		vty_out(vty, " fields all%s", VTY_NEWLINE);
	} else {
		vty_out(vty, " fields");
		for (unsigned i = 0; i < c->n_fields; i++)
			vty_out(vty, " %s", gw_cdr_field_name(c->fields[i]));
		vty_out(vty, "%s", VTY_NEWLINE);
	}
	vty_out(vty, " rotate size %" PRIu64 "%s", c->rotate_bytes, VTY_NEWLINE);
	vty_out(vty, " rotate interval %u%s", c->rotate_s, VTY_NEWLINE);
	vty_out(vty, " interim-interval %u%s", g_cdr->interim_min, VTY_NEWLINE);
	vty_out(vty, " queue %u%s", c->queue_max, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_cdr, show_cdr_cmd, "show cdr", SHOW_STR "Call detail records: the file, its state and counters\n")
{
	char *s = gw_cdr_file_show(NULL, g_cdr->file);
	vty_out(vty, "%s", s);
	talloc_free(s);
	vty_out(vty, "interim records every %u min (0: none)%s", g_cdr->interim_min, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_cdr_fields, show_cdr_fields_cmd, "show cdr fields",
      SHOW_STR "Call detail records\n"
	       "Every field a record can have, and its meaning\n")
{
	for (unsigned i = 0; i < gw_cdr_n_fields(); i++)
		vty_out(vty, "%-22s %s%s", gw_cdr_field_name(i), gw_cdr_field_desc(i), VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(cdr_rotate, cdr_rotate_cmd, "cdr rotate",
      "Call detail records\n"
      "Rotate the CDR file now (as SIGHUP)\n")
{
	gw_cdr_file_rotate(g_cdr->file, "VTY");
	return CMD_SUCCESS;
}

void gw_cdr_vty_init(struct gw_cdr *cdr, int node_id)
{
	g_cdr = cdr;
	cdr_node.node = node_id;
	install_element(CONFIG_NODE, &cfg_cdr_cmd);
	install_node(&cdr_node, config_write_cdr);
	install_element(node_id, &cfg_cdr_file_cmd);
	install_element(node_id, &cfg_cdr_no_file_cmd);
	install_element(node_id, &cfg_cdr_format_cmd);
	install_element(node_id, &cfg_cdr_fields_all_cmd);
	install_element(node_id, &cfg_cdr_fields_cmd);
	install_element(node_id, &cfg_cdr_rot_size_cmd);
	install_element(node_id, &cfg_cdr_rot_int_cmd);
	install_element(node_id, &cfg_cdr_interim_cmd);
	install_element(node_id, &cfg_cdr_queue_cmd);
	install_element_ve(&show_cdr_cmd);
	install_element_ve(&show_cdr_fields_cmd);
	install_element(ENABLE_NODE, &cdr_rotate_cmd);
}
