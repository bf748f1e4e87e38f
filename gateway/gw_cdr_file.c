/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CDR file sink: one line per record, CSV with a header line or JSON lines, appended by one write() to
 * an O_APPEND descriptor. A record is in the file whole or not at all: a short write (a full disk, a file
 * size limit) is cut back with ftruncate() to where the line began. While the file cannot be written (full
 * or read-only file system, its directory deleted) the lines wait in memory, up to `queue` of them, and a
 * timer tries again every second; nothing blocks the control thread beyond the write() itself.
 * Why no writer thread or fd watcher: a regular file is always "ready" to poll(), so a watcher gains
 * nothing, and the write of one line to the page cache costs about as much as the formatting (docs/
 * PERFORMANCE.md, CDR cost per call). */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "gw_cdr.h"

#define CDR_LINE_MAX 16384
#define RETRY_S	     1

struct qline {
	struct llist_head list;
	size_t len;
	char text[];
};

struct gw_cdr_file {
	struct gw_cdr_file_cfg cfg;
	int log_cat;
	int fd;
	char open_path[256]; /* the path fd was opened as */
	enum gw_cdr_format open_format;
	uint8_t open_fields[GW_CDR_MAX_FIELDS];
	unsigned open_n_fields;
	uint64_t size;	  /* bytes in the file (we are its only writer) */
	uint64_t records; /* records in the current file */
	size_t header_len;
	int64_t next_rotate_ms;
	struct llist_head queue;
	unsigned n_queued;
	int err;       /* the last error while failing, 0 when fine */
	bool dropping; /* the queue is full (logged once per episode) */
	uint64_t lost_total;
	struct osmo_timer_list timer;
	struct rate_ctr_group *ctrs;
	struct gw_cdr_sink sink;
};

static const struct rate_ctr_desc ctr_desc[] = {
	[GW_CDR_CTR_WRITTEN] = { "file:written", "records written to the file (end and interim)" },
	[GW_CDR_CTR_INTERIM] = { "file:interim", "interim records written" },
	[GW_CDR_CTR_FAILED] = { "file:write_failed", "writes that failed (full or read-only disk, file gone)" },
	[GW_CDR_CTR_PARTIAL] = { "file:partial_undone", "short writes cut back so that no partial line stays" },
	[GW_CDR_CTR_QUEUED] = { "file:queued", "records held in memory while the file could not be written" },
	[GW_CDR_CTR_DROPPED] = { "file:dropped", "records lost: the memory queue was full, or too long" },
	[GW_CDR_CTR_ROTATED] = { "file:rotated", "files rotated (SIGHUP, size, interval, a changed format)" },
	[GW_CDR_CTR_OPEN_FAILED] = { "file:open_failed", "attempts to open the file that failed" },
	[GW_CDR_CTR_REOPENED] = { "file:reopened", "the file was deleted or moved away and opened anew" },
};
static const struct rate_ctr_group_desc ctrg_desc = {
	.group_name_prefix = "cdr",
	.group_description = "CDR file",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(ctr_desc),
	.ctr_desc = ctr_desc,
};

static void ctr_inc(struct gw_cdr_file *f, enum gw_cdr_file_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(f->ctrs, c));
}

static void timer_cb(void *data);

static void set_ok(struct gw_cdr_file *f)
{
	if (!f->err)
		return;
	LOGP(f->log_cat, LOGL_NOTICE, "CDR file %s writable again\n", f->cfg.path);
	f->err = 0;
	f->dropping = false;
}

static void set_failed(struct gw_cdr_file *f, int err, const char *what)
{
	if (f->err != err)
		LOGP(f->log_cat, LOGL_ERROR,
		     "CDR file %s: %s failed: %s; records wait in memory (at most %u), retried every %d s\n",
		     f->cfg.path, what, strerror(err), f->cfg.queue_max, RETRY_S);
	f->err = err;
	if (!osmo_timer_pending(&f->timer))
		osmo_timer_schedule(&f->timer, RETRY_S, 0);
}

/* One line, whole or not at all. 0, or -errno (the file is as it was). */
static int write_whole(struct gw_cdr_file *f, const char *line, size_t len)
{
	ssize_t n;
	do
		n = write(f->fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len) {
		f->size += len;
		return 0;
	}
	int err = n < 0 ? errno : ENOSPC;
	if (n > 0) {
		/* part of the line went in: cut it back to where the line began */
		ctr_inc(f, GW_CDR_CTR_PARTIAL);
		if (ftruncate(f->fd, (off_t)f->size) < 0)
			LOGP(f->log_cat, LOGL_ERROR, "CDR file %s: a partial line could not be cut back: %s\n",
			     f->open_path, strerror(errno));
	}
	return -err;
}

static void header(struct gw_cdr_file *f, char *buf, size_t size)
{
	int n = gw_cdr_fmt_header(buf, size, f->cfg.fields, f->cfg.n_fields);
	f->header_len = f->cfg.format == GW_CDR_CSV && n > 0 ? (size_t)n : 0;
}

static void close_fd(struct gw_cdr_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* the name a rotated file takes: PATH.YYYYMMDD-HHMMSS (UTC), -N added when taken */
static void rotated_name(const struct gw_cdr_file *f, char *out, size_t size)
{
	time_t s = (time_t)(gw_cdr_now_ms() / 1000);
	struct tm tm;
	char stamp[32];
	gmtime_r(&s, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(out, size, "%s.%s", f->open_path, stamp);
	for (unsigned i = 1; i < 1000 && !access(out, F_OK); i++)
		snprintf(out, size, "%s.%s-%u", f->open_path, stamp, i);
}

/* the open file is still the one at its path (not deleted, not moved away) */
static bool still_there(const struct gw_cdr_file *f)
{
	struct stat a, b;
	if (f->fd < 0 || fstat(f->fd, &a) || a.st_nlink == 0 || stat(f->open_path, &b))
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int open_file(struct gw_cdr_file *f);

/* Move the file aside and start a new one; a file with no record (nothing past its header) is kept as it
 * is, unless its header must go (force). */
static void rotate(struct gw_cdr_file *f, const char *why, bool force)
{
	if (f->fd >= 0 && (f->size > f->header_len || (force && f->size)) && still_there(f)) {
		char to[300];
		rotated_name(f, to, sizeof(to));
		if (rename(f->open_path, to) < 0) {
			LOGP(f->log_cat, LOGL_ERROR, "CDR file %s: rotation (%s) to %s failed: %s\n", f->open_path, why,
			     to, strerror(errno));
			return;
		}
		ctr_inc(f, GW_CDR_CTR_ROTATED);
		LOGP(f->log_cat, LOGL_NOTICE, "CDR file %s rotated (%s): %" PRIu64 " bytes in %s\n", f->open_path, why,
		     f->size, to);
	}
	close_fd(f);
	open_file(f);
}

static bool header_matches(struct gw_cdr_file *f, const char *hdr)
{
	char buf[CDR_LINE_MAX];
	if (f->header_len > sizeof(buf))
		return false;
	ssize_t n = pread(f->fd, buf, f->header_len, 0);
	return n == (ssize_t)f->header_len && !memcmp(buf, hdr, f->header_len);
}

static int open_file(struct gw_cdr_file *f)
{
	char hdr[CDR_LINE_MAX];
	struct stat st;
	close_fd(f);
	if (!f->cfg.path[0])
		return 0;
	snprintf(f->open_path, sizeof(f->open_path), "%s", f->cfg.path);
	f->open_format = f->cfg.format;
	memcpy(f->open_fields, f->cfg.fields, sizeof(f->open_fields));
	f->open_n_fields = f->cfg.n_fields;
	f->fd = open(f->open_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640); /* read: its header */
	if (f->fd < 0 || fstat(f->fd, &st) < 0) {
		int err = errno;
		close_fd(f);
		ctr_inc(f, GW_CDR_CTR_OPEN_FAILED);
		set_failed(f, err, "open");
		return -err;
	}
	f->size = (uint64_t)st.st_size;
	f->records = 0;
	header(f, hdr, sizeof(hdr));
	if (f->size && f->header_len && !header_matches(f, hdr)) {
		/* a CSV file of other fields (or JSON lines): its header would not describe our lines */
		LOGP(f->log_cat, LOGL_NOTICE, "CDR file %s has another header: rotating it\n", f->open_path);
		rotate(f, "other fields", true);
		return f->fd >= 0 ? 0 : -EIO;
	}
	if (!f->size && f->header_len) {
		int rc = write_whole(f, hdr, f->header_len);
		if (rc < 0) {
			/* the header must come first: try the whole file again later */
			close_fd(f);
			set_failed(f, -rc, "writing the header");
			return rc;
		}
	}
	if (f->cfg.rotate_s) {
		int64_t p = (int64_t)f->cfg.rotate_s * 1000;
		f->next_rotate_ms = (gw_cdr_now_ms() / p + 1) * p;
	}
	LOGP(f->log_cat, LOGL_INFO, "CDR file %s open (%s, %u fields)\n", f->open_path,
	     f->cfg.format == GW_CDR_CSV ? "csv" : "json", f->cfg.n_fields);
	if (f->cfg.rotate_s && !osmo_timer_pending(&f->timer))
		osmo_timer_schedule(&f->timer, 1, 0);
	return 0;
}

static void enqueue(struct gw_cdr_file *f, const char *line, size_t len)
{
	if (f->n_queued >= f->cfg.queue_max) {
		if (!f->dropping)
			LOGP(f->log_cat, LOGL_ERROR,
			     "CDR file %s: %u records wait in memory, the queue is full: "
			     "records are lost until the file can be written\n",
			     f->cfg.path, f->n_queued);
		f->dropping = true;
		f->lost_total++;
		ctr_inc(f, GW_CDR_CTR_DROPPED);
		return;
	}
	struct qline *q = talloc_size(f, sizeof(*q) + len);
	if (!q) {
		f->lost_total++;
		ctr_inc(f, GW_CDR_CTR_DROPPED);
		return;
	}
	talloc_set_name_const(q, "cdr line");
	q->len = len;
	memcpy(q->text, line, len);
	llist_add_tail(&q->list, &f->queue);
	f->n_queued++;
	ctr_inc(f, GW_CDR_CTR_QUEUED);
}

/* The file must be open, be the one at the path and not be due for rotation; then the queue goes first. */
static int ready(struct gw_cdr_file *f)
{
	if (f->fd >= 0 && !still_there(f)) {
		LOGP(f->log_cat, LOGL_NOTICE, "CDR file %s was deleted or moved away: opening it anew\n", f->open_path);
		ctr_inc(f, GW_CDR_CTR_REOPENED);
		close_fd(f);
	}
	if (f->fd < 0 && open_file(f) < 0)
		return -EIO;
	if (f->fd < 0)
		return -EIO;
	struct qline *q, *tmp;
	llist_for_each_entry_safe(q, tmp, &f->queue, list) {
		int rc = write_whole(f, q->text, q->len);
		if (rc < 0) {
			ctr_inc(f, GW_CDR_CTR_FAILED);
			set_failed(f, -rc, "write");
			return rc;
		}
		f->records++;
		ctr_inc(f, GW_CDR_CTR_WRITTEN);
		llist_del(&q->list);
		talloc_free(q);
		f->n_queued--;
	}
	return 0;
}

static void after_write(struct gw_cdr_file *f)
{
	if (f->cfg.rotate_bytes && f->size >= f->cfg.rotate_bytes)
		rotate(f, "size", false);
}

int gw_cdr_file_write(struct gw_cdr_file *f, const char *line, size_t len)
{
	if (!f->cfg.path[0])
		return 0;
	int rc = ready(f);
	if (!rc) {
		rc = write_whole(f, line, len);
		if (rc < 0) {
			ctr_inc(f, GW_CDR_CTR_FAILED);
			set_failed(f, -rc, "write");
		}
	}
	if (rc < 0) {
		enqueue(f, line, len);
		return rc;
	}
	f->records++;
	ctr_inc(f, GW_CDR_CTR_WRITTEN);
	set_ok(f);
	after_write(f);
	return 0;
}

/* every second while failing (the queue is tried) or while rotation by time is on */
static void timer_cb(void *data)
{
	struct gw_cdr_file *f = data;
	if (!f->cfg.path[0])
		return;
	if (f->err || f->n_queued) {
		if (!ready(f))
			set_ok(f);
	}
	if (!f->err && f->cfg.rotate_s && f->fd >= 0 && gw_cdr_now_ms() >= f->next_rotate_ms) {
		int64_t p = (int64_t)f->cfg.rotate_s * 1000;
		f->next_rotate_ms = (gw_cdr_now_ms() / p + 1) * p;
		rotate(f, "interval", false);
	}
	if (f->err || f->n_queued || f->cfg.rotate_s)
		osmo_timer_schedule(&f->timer, RETRY_S, 0);
}

static void sink_record(struct gw_cdr_sink *s, const struct gw_cdr_rec *r, enum gw_cdr_kind kind, int64_t now_ms)
{
	struct gw_cdr_file *f = s->priv;
	char line[CDR_LINE_MAX];
	if (kind == GW_CDR_KIND_START)
		return; /* the file has interim and end records; a start record is for accounting */
	int n = gw_cdr_fmt_line(line, sizeof(line), f->cfg.format, f->cfg.fields, f->cfg.n_fields, r, kind, now_ms);
	if (n < 0) {
		LOGP(f->log_cat, LOGL_ERROR, "CDR of %s longer than %d octets: lost\n", r->id, CDR_LINE_MAX);
		f->lost_total++;
		ctr_inc(f, GW_CDR_CTR_DROPPED);
		return;
	}
	if (!gw_cdr_file_write(f, line, (size_t)n) && kind == GW_CDR_KIND_INTERIM)
		ctr_inc(f, GW_CDR_CTR_INTERIM);
}

static bool sink_active(struct gw_cdr_sink *s)
{
	struct gw_cdr_file *f = s->priv;
	return f->cfg.path[0] != 0;
}

static int file_free(struct gw_cdr_file *f)
{
	osmo_timer_del(&f->timer);
	close_fd(f);
	rate_ctr_group_free(f->ctrs);
	return 0;
}

struct gw_cdr_file *gw_cdr_file_alloc(void *ctx, int log_cat)
{
	static unsigned idx;
	struct gw_cdr_file *f = talloc_zero(ctx, struct gw_cdr_file);
	if (!f)
		return NULL;
	talloc_set_destructor(f, file_free);
	f->log_cat = log_cat;
	f->fd = -1;
	INIT_LLIST_HEAD(&f->queue);
	f->cfg.format = GW_CDR_CSV;
	f->cfg.queue_max = 10000;
	for (unsigned i = 0; i < gw_cdr_n_fields() && i < GW_CDR_MAX_FIELDS; i++)
		f->cfg.fields[f->cfg.n_fields++] = (uint8_t)i;
	f->ctrs = rate_ctr_group_alloc(f, &ctrg_desc, idx++);
	osmo_timer_setup(&f->timer, timer_cb, f);
	f->sink.name = "file";
	f->sink.priv = f;
	f->sink.active = sink_active;
	f->sink.record = sink_record;
	return f;
}

struct gw_cdr_sink *gw_cdr_file_sink(struct gw_cdr_file *f)
{
	return &f->sink;
}

struct gw_cdr_file_cfg *gw_cdr_file_cfg(struct gw_cdr_file *f)
{
	return &f->cfg;
}

struct rate_ctr_group *gw_cdr_file_ctrs(struct gw_cdr_file *f)
{
	return f->ctrs;
}

unsigned gw_cdr_file_queued(const struct gw_cdr_file *f)
{
	return f->n_queued;
}

bool gw_cdr_file_ok(const struct gw_cdr_file *f)
{
	return f->fd >= 0 && !f->err;
}

void gw_cdr_file_apply(struct gw_cdr_file *f)
{
	if (!f->cfg.path[0]) {
		close_fd(f);
		f->open_path[0] = 0;
		return;
	}
	if (f->fd < 0) {
		open_file(f);
		return;
	}
	bool same_lines = f->open_format == f->cfg.format && f->open_n_fields == f->cfg.n_fields &&
			  !memcmp(f->open_fields, f->cfg.fields, f->cfg.n_fields);
	if (strcmp(f->open_path, f->cfg.path))
		open_file(f); /* the old file stays as it is */
	else if (!same_lines)
		rotate(f, "format or fields changed", true);
	else if (f->cfg.rotate_s && !osmo_timer_pending(&f->timer))
		open_file(f); /* the interval's timer */
}

void gw_cdr_file_rotate(struct gw_cdr_file *f, const char *why)
{
	if (!f->cfg.path[0])
		return;
	rotate(f, why, false);
	if (!f->err && f->n_queued && !ready(f))
		set_ok(f);
}

void gw_cdr_file_close(struct gw_cdr_file *f)
{
	if (f->n_queued)
		LOGP(f->log_cat, LOGL_ERROR, "CDR file %s: %u records could not be written before exit\n", f->cfg.path,
		     f->n_queued);
	osmo_timer_del(&f->timer);
	close_fd(f);
}

char *gw_cdr_file_show(void *ctx, struct gw_cdr_file *f)
{
	if (!f->cfg.path[0])
		return talloc_strdup(ctx, "CDR file: off\r\n");
	char *s = talloc_asprintf(ctx, "CDR file %s (%s, %u fields)\r\n", f->cfg.path,
				  f->cfg.format == GW_CDR_CSV ? "csv" : "json", f->cfg.n_fields);
	if (f->err)
		s = talloc_asprintf_append(s, "state: failing (%s), retried every %d s\r\n", strerror(f->err), RETRY_S);
	else
		s = talloc_asprintf_append(s, "state: %s\r\n", f->fd >= 0 ? "open" : "closed");
	s = talloc_asprintf_append(s, "current file: %" PRIu64 " records, %" PRIu64 " bytes\r\n", f->records, f->size);
	s = talloc_asprintf_append(s, "waiting in memory: %u of at most %u; lost: %" PRIu64 "\r\n", f->n_queued,
				   f->cfg.queue_max, f->lost_total);
	s = talloc_asprintf_append(s, "rotation: size %" PRIu64 " bytes, interval %u s (0: off)\r\n",
				   f->cfg.rotate_bytes, f->cfg.rotate_s);
	for (unsigned i = 0; i < ARRAY_SIZE(ctr_desc); i++)
		s = talloc_asprintf_append(s, "  %-20s %" PRIu64 "\r\n", ctr_desc[i].name,
					   rate_ctr_group_get_ctr(f->ctrs, i)->current);
	return s;
}
