/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The operator's maintenance blocking kept across restarts (gw_maint.h). */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw.h"
#include "gw_maint.h"

static int log_cat = DLGLOBAL;

void gw_maint_set_log_cat(int cat)
{
	log_cat = cat;
}

/* the trunk's line: "trunk NAME 5 10-12", or nothing when none of its circuits is blocked by us */
static void trunk_line(FILE *f, const struct isup_trunk *tg)
{
	bool any = false;
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		const struct isup_circuit *c = tg->circuits[i];
		if (!c || !(c->blk & ISUP_BLK_LOCAL_MAINT))
			continue;
		unsigned j = i;
		while (j + 1 < tg->n_circuits && tg->circuits[j + 1] &&
		       (tg->circuits[j + 1]->blk & ISUP_BLK_LOCAL_MAINT) &&
		       tg->circuits[j + 1]->cic == tg->circuits[j]->cic + 1)
			j++;
		if (!any)
			fprintf(f, "trunk %s", tg->name);
		any = true;
		if (j > i)
			fprintf(f, " %u-%u", c->cic, tg->circuits[j]->cic);
		else
			fprintf(f, " %u", c->cic);
		i = j;
	}
	if (any)
		fputc('\n', f);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* write to FILE.tmp, fsync, rename over FILE, fsync the directory: the file is the old one or the new one,
 * whole, whatever happens in between */
static int write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[sizeof(((struct gw *)0)->maint_path) + 8];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, text, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	char dir[sizeof(tmp)];
	snprintf(dir, sizeof(dir), "%s", path);
	int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int gw_maint_save(struct gw *gw)
{
	if (!gw->maint_path[0] || !gw->net)
		return 0;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	fprintf(f, "# isupgw maintenance state: the circuits blocked by the operator, blocked again after a "
		   "restart.\n# Written by isupgw at every change.\n");
	const struct isup_trunk *tg;
	llist_for_each_entry(tg, &gw->net->trunks, list)
		trunk_line(f, tg);
	fclose(f);
	int rc = write_atomic(gw->maint_path, buf, size);
	free(buf);
	if (rc) {
		rate_ctr_inc(rate_ctr_group_get_ctr(gw->ctrs, GW_CTR_MAINT_WRITE_FAILED));
		LOGP(log_cat, LOGL_ERROR,
		     "maintenance state: cannot write %s (%s): a restart now would forget "
		     "the latest blocking\n",
		     gw->maint_path, strerror(-rc));
	}
	return rc;
}

void gw_maint_changed(struct isup_trunk *tg, void *priv)
{
	(void)tg;
	gw_maint_save(priv);
}

/* one "trunk NAME ..." line; false when it does not parse */
static bool load_line(struct gw *gw, char *line, unsigned lineno, unsigned *n)
{
	char *save = NULL;
	char *w = strtok_r(line, " \t\r\n", &save);
	if (!w || w[0] == '#')
		return true;
	char *name = strtok_r(NULL, " \t\r\n", &save);
	if (strcmp(w, "trunk") || !name)
		return false;
	struct isup_trunk *tg = isup_net_trunk_find(gw->net, name);
	if (!tg) {
		LOGP(log_cat, LOGL_ERROR, "maintenance state %s:%u: no trunk group %s: its blocking is dropped\n",
		     gw->maint_path, lineno, name);
		return true;
	}
	while ((w = strtok_r(NULL, " \t\r\n", &save))) {
		char *end;
		unsigned long a = strtoul(w, &end, 10), b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (*end || end == w || b < a || b > 16383)
			return false;
		for (unsigned long cic = a; cic <= b; cic++) {
			if (isup_circuit_restore_blocked(tg, (uint16_t)cic) == 0)
				(*n)++;
			else
				LOGP(log_cat, LOGL_ERROR, "maintenance state %s:%u: trunk %s has no CIC %lu\n",
				     gw->maint_path, lineno, name, cic);
		}
	}
	return true;
}

int gw_maint_load(struct gw *gw)
{
	if (!gw->maint_path[0])
		return 0;
	FILE *f = fopen(gw->maint_path, "r");
	if (!f) {
		if (errno == ENOENT) {
			LOGP(log_cat, LOGL_NOTICE, "maintenance state %s: none yet, no circuit blocked\n",
			     gw->maint_path);
			return 0;
		}
		int err = errno;
		LOGP(log_cat, LOGL_ERROR, "maintenance state %s: cannot read it (%s)\n", gw->maint_path, strerror(err));
		return -err;
	}
	char line[4096];
	unsigned lineno = 0, n = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!load_line(gw, line, lineno, &n))
			LOGP(log_cat, LOGL_ERROR, "maintenance state %s:%u: not understood, skipped\n", gw->maint_path,
			     lineno);
	}
	fclose(f);
	LOGP(log_cat, LOGL_NOTICE, "maintenance state %s: %u circuits blocked by the operator before the restart\n",
	     gw->maint_path, n);
	return 0;
}

/* ---- VTY ---- */

static struct gw *g_gw;

DEFUN(cfg_gw_maint_state, cfg_gw_maint_state_cmd, "maintenance-state FILE",
      "Keep the circuits blocked by the operator across restarts\n"
      "The state file (e.g. /var/lib/isupgw/maintenance.state), rewritten atomically at every change\n")
{
	snprintf(g_gw->maint_path, sizeof(g_gw->maint_path), "%s", argv[0]);
	if (vty->type != VTY_FILE && gw_maint_save(g_gw) < 0) {
		vty_out(vty, "%% cannot write %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_maint_state, cfg_gw_no_maint_state_cmd, "no maintenance-state",
      NO_STR "Forget the operator's blocking at a restart (the file is left as it is)\n")
{
	g_gw->maint_path[0] = 0;
	return CMD_SUCCESS;
}

void gw_maint_config_write(struct vty *vty, const struct gw *gw)
{
	if (gw->maint_path[0])
		vty_out(vty, " maintenance-state %s%s", gw->maint_path, VTY_NEWLINE);
}

void gw_maint_vty_init(struct gw *gw, int gw_node_id)
{
	g_gw = gw;
	install_element(gw_node_id, &cfg_gw_maint_state_cmd);
	install_element(gw_node_id, &cfg_gw_no_maint_state_cmd);
}
