/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CDR formatter and file sink (gateway/gw_cdr_fmt.c, gw_cdr_file.c): CSV and JSON text and escaping,
 * field selection, durations, the E-model, the file's header, rotation by size, SIGHUP and changed
 * fields, and a record whole or not at all when the disk is full (a file size limit cuts a write short,
 * /dev/full refuses it), the directory deleted, the memory queue full. Time is faked. */

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "cunit_run.h"
#include "gateway/gw_cdr.h"

static void *ctx;
static char dir[128];

static uint64_t ctr(struct gw_cdr_file *f, enum gw_cdr_file_ctr c)
{
	return rate_ctr_group_get_ctr(gw_cdr_file_ctrs(f), c)->current;
}

static void clock_at(time_t s)
{
	osmo_clock_override_enable(CLOCK_REALTIME, true);
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	osmo_gettimeofday_override = true;
	struct timespec *ts = osmo_clock_override_gettimespec(CLOCK_REALTIME);
	ts->tv_sec = s;
	ts->tv_nsec = 0;
}

/* one second of faked time, with the timers due */
static void tick(void)
{
	osmo_clock_override_add(CLOCK_REALTIME, 1, 0);
	osmo_clock_override_add(CLOCK_MONOTONIC, 1, 0);
	osmo_gettimeofday_override_add(1, 0);
	osmo_timers_prepare();
	osmo_timers_update();
}

static void rec_init(struct gw_cdr_rec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "call-7");
	r->from_isup = true;
	r->start_ms = 1765000000000LL; /* 2025-12-06T05:46:40.000Z */
	r->alert_ms = r->start_ms + 1500;
	r->answer_ms = r->start_ms + 4250;
	r->end_ms = r->start_ms + 64250;
	snprintf(r->trunk, sizeof(r->trunk), "pstn");
	r->cic = 17;
	r->opc = 2057;
	r->dpc = 4114;
	snprintf(r->call_id, sizeof(r->call_id), "abc@host");
	snprintf(r->in.calling.digits, sizeof(r->in.calling.digits), "301234567");
	r->in.calling.nai = 3;
	r->in.calling.pres = 1;
	snprintf(r->in.called.digits, sizeof(r->in.called.digits), "4930999");
	r->in.called.nai = 4;
	r->in.called.pres = -1;
	r->cause = 16;
	r->location = 2;
	r->released_by = GW_CDR_SIDE_PSTN;
	r->reason = GW_CDR_R_REL;
	r->sip_status = 200;
	r->rx_packets = r->tx_packets = r->lost = r->remote_lost = -1;
	r->jitter_ms = r->remote_jitter_ms = r->rtt_ms = -1;
}

static unsigned sel(uint8_t *f, const char *names)
{
	char buf[512];
	unsigned n = 0;
	snprintf(buf, sizeof(buf), "%s", names);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) {
		int i = gw_cdr_field_find(t);
		CU_ASSERT_FATAL(i >= 0);
		f[n++] = (uint8_t)i;
	}
	return n;
}

static void test_csv_fields(void)
{
	struct gw_cdr_rec r;
	uint8_t f[GW_CDR_MAX_FIELDS];
	char line[2048];
	rec_init(&r);
	unsigned n = sel(f, "call start_time answer_time end_time setup_ms ringing_ms billable_ms duration_ms cic "
			    "calling_in calling_in_nai calling_in_pres called_in called_in_nai calling_out cause "
			    "released_by release_reason sip_status mos");
	CU_ASSERT(gw_cdr_fmt_header(line, sizeof(line), f, 3) > 0);
	CU_ASSERT_STRING_EQUAL(line, "call,start_time,answer_time\n");
	int len = gw_cdr_fmt_line(line, sizeof(line), GW_CDR_CSV, f, n, &r, GW_CDR_KIND_END, 0);
	CU_ASSERT_EQUAL(len, (int)strlen(line));
	CU_ASSERT_STRING_EQUAL(line,
			       "call-7,2025-12-06T05:46:40.000Z,2025-12-06T05:46:44.250Z,2025-12-06T05:47:44.250Z,"
			       "1500,2750,60000,64250,17,301234567,national,restricted,4930999,international,,16,"
			       "pstn,REL,200,\n");
	/* an interim record: no end, durations to now */
	len = gw_cdr_fmt_line(line, sizeof(line), GW_CDR_CSV, f + 6, 2, &r, GW_CDR_KIND_INTERIM, r.answer_ms + 1000);
	CU_ASSERT_STRING_EQUAL(line, "1000,5250\n");
	/* too small a buffer: nothing half */
	CU_ASSERT_EQUAL(gw_cdr_fmt_line(line, 20, GW_CDR_CSV, f, n, &r, GW_CDR_KIND_END, 0), -ENOSPC);
}

static void test_csv_escape(void)
{
	struct gw_cdr_rec r;
	uint8_t f[4];
	char line[512];
	rec_init(&r);
	snprintf(r.call_id, sizeof(r.call_id), "a,b\"c\"\r\nd");
	snprintf(r.from_tag, sizeof(r.from_tag), "plain");
	unsigned n = sel(f, "sip_call_id sip_from_tag sip_to_tag");
	gw_cdr_fmt_line(line, sizeof(line), GW_CDR_CSV, f, n, &r, GW_CDR_KIND_END, 0);
	CU_ASSERT_STRING_EQUAL(line, "\"a,b\"\"c\"\"\r\nd\",plain,\n");
}

static void test_json(void)
{
	struct gw_cdr_rec r;
	uint8_t f[8];
	char line[512];
	rec_init(&r);
	snprintf(r.call_id, sizeof(r.call_id), "q\"b\\s\x01\n\xe9");
	unsigned n = sel(f, "type sip_call_id cic sip_to_tag billable_ms rtp_rx_packets");
	gw_cdr_fmt_line(line, sizeof(line), GW_CDR_JSON, f, n, &r, GW_CDR_KIND_END, 0);
	CU_ASSERT_STRING_EQUAL(line,
			       "{\"type\":\"end\",\"sip_call_id\":\"q\\\"b\\\\s\\u0001\\u000a\\u00e9\",\"cic\":17,"
			       "\"sip_to_tag\":null,\"billable_ms\":60000,\"rtp_rx_packets\":null}\n");
}

static void test_media_quality(void)
{
	struct gw_cdr_rec r;
	uint8_t f[8];
	char line[512];
	rec_init(&r);
	r.has_media = true;
	r.rx_packets = 950;
	r.tx_packets = 1000;
	r.lost = 50;
	r.jitter_ms = 10;
	r.rtt_ms = 60;
	snprintf(r.codec, sizeof(r.codec), "PCMA");
	unsigned n = sel(f, "codec rtp_lost rtp_loss_pct rtcp_rtt_ms r_factor mos");
	gw_cdr_fmt_line(line, sizeof(line), GW_CDR_CSV, f, n, &r, GW_CDR_KIND_END, 0);
	/* 5% loss, 70 ms one way: Ie,eff = 95 * 5 / 30.1 = 15.8, Id = 1.68 -> R 75.7 */
	CU_ASSERT_STRING_EQUAL(line, "PCMA,50,5.00,60,75.7,3.85\n");
	/* G.107's reference points: no loss, little delay is "best" (R > 90, MOS > 4.3) */
	CU_ASSERT(gw_cdr_r_factor(0, 20) > 90);
	CU_ASSERT(gw_cdr_mos(gw_cdr_r_factor(0, 20)) > 4.3);
	CU_ASSERT(gw_cdr_mos(gw_cdr_r_factor(20, 20)) < 3.0);
	CU_ASSERT(gw_cdr_r_factor(0, 400) < gw_cdr_r_factor(0, 100));
	CU_ASSERT_EQUAL(gw_cdr_mos(-5), 1.0);
}

/* ---- the file ---- */

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	char *s = talloc_zero_size(ctx, 65536);
	size_t n = fread(s, 1, 65535, fp);
	s[n] = 0;
	fclose(fp);
	return s;
}

/* files in dir whose name starts with base. (rotated ones) */
static unsigned rotated(const char *base)
{
	unsigned n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t l = strlen(base);
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, base, l) && e->d_name[l] == '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static struct gw_cdr_file *file_fmt(const char *name, const char *fields, enum gw_cdr_format fmt)
{
	struct gw_cdr_file *f = gw_cdr_file_alloc(ctx, 0);
	struct gw_cdr_file_cfg *c = gw_cdr_file_cfg(f);
	CU_ASSERT_FATAL(strlen(dir) + strlen(name) + 2 <= sizeof(c->path));
	strcat(strcat(strcpy(c->path, dir), "/"), name);
	if (fields)
		c->n_fields = sel(c->fields, fields);
	c->format = fmt;
	gw_cdr_file_apply(f);
	return f;
}

static struct gw_cdr_file *file_for(const char *name, const char *fields)
{
	return file_fmt(name, fields, GW_CDR_CSV);
}

static void write_rec(struct gw_cdr_file *f, const char *id)
{
	struct gw_cdr_rec r;
	rec_init(&r);
	snprintf(r.id, sizeof(r.id), "%s", id);
	struct gw_cdr_sink *s = gw_cdr_file_sink(f);
	CU_ASSERT(s->active(s));
	s->record(s, &r, GW_CDR_KIND_END, r.end_ms);
}

static void test_file_header_reopen(void)
{
	char path[300];
	struct gw_cdr_file *f = file_for("a.csv", "call cause");
	write_rec(f, "call-1");
	write_rec(f, "call-2");
	gw_cdr_file_close(f);
	talloc_free(f);
	/* the same fields again: appended under the header that is there */
	f = file_for("a.csv", "call cause");
	write_rec(f, "call-3");
	snprintf(path, sizeof(path), "%s/a.csv", dir);
	char *s = slurp(path);
	CU_ASSERT_STRING_EQUAL(s, "call,cause\ncall-1,16\ncall-2,16\ncall-3,16\n");
	CU_ASSERT_EQUAL(ctr(f, GW_CDR_CTR_WRITTEN), 1);
	/* other fields: the old file moves aside, the new one has its own header */
	gw_cdr_file_cfg(f)->n_fields = sel(gw_cdr_file_cfg(f)->fields, "cause call");
	gw_cdr_file_apply(f);
	write_rec(f, "call-4");
	CU_ASSERT_STRING_EQUAL(slurp(path), "cause,call\n16,call-4\n");
	CU_ASSERT_EQUAL(rotated("a.csv"), 1);
	gw_cdr_file_close(f);
	talloc_free(f);
	/* a file of another program's header is not appended to either */
	f = file_for("a.csv", "call");
	write_rec(f, "call-5");
	CU_ASSERT_STRING_EQUAL(slurp(path), "call\ncall-5\n");
	CU_ASSERT_EQUAL(rotated("a.csv"), 2);
	gw_cdr_file_close(f);
	talloc_free(f);
}

static void test_file_rotate(void)
{
	char path[300];
	struct gw_cdr_file *f = file_fmt("r.json", "call", GW_CDR_JSON);
	snprintf(path, sizeof(path), "%s/r.json", dir);
	/* SIGHUP with no record: nothing to rotate */
	gw_cdr_file_rotate(f, "SIGHUP");
	CU_ASSERT_EQUAL(rotated("r.json"), 0);
	write_rec(f, "call-1");
	gw_cdr_file_rotate(f, "SIGHUP");
	CU_ASSERT_EQUAL(rotated("r.json"), 1);
	CU_ASSERT_EQUAL(ctr(f, GW_CDR_CTR_ROTATED), 1);
	/* the same second: a name of its own */
	write_rec(f, "call-2");
	gw_cdr_file_rotate(f, "SIGHUP");
	CU_ASSERT_EQUAL(rotated("r.json"), 2);
	/* by size: every 40 bytes */
	gw_cdr_file_cfg(f)->rotate_bytes = 40;
	for (int i = 0; i < 6; i++)
		write_rec(f, "call-3");
	CU_ASSERT_EQUAL(rotated("r.json"), 4); /* 19 bytes a line: after the 3rd and the 6th */
	CU_ASSERT_STRING_EQUAL(slurp(path), "");
	gw_cdr_file_cfg(f)->rotate_bytes = 0;
	/* by time: at the next multiple of the interval */
	gw_cdr_file_cfg(f)->rotate_s = 10;
	gw_cdr_file_apply(f);
	write_rec(f, "call-4");
	for (int i = 0; i < 10; i++)
		tick();
	CU_ASSERT_EQUAL(rotated("r.json"), 5);
	gw_cdr_file_close(f);
	talloc_free(f);
}

/* a line the disk takes only part of is cut back: the file holds whole lines only, the record waits in
 * memory and goes in once there is room */
static void test_file_partial(void)
{
	char path[300];
	struct rlimit old, rl;
	struct gw_cdr_file *f = file_for("p.csv", "call sip_call_id");
	snprintf(path, sizeof(path), "%s/p.csv", dir);
	write_rec(f, "call-1");
	struct stat st;
	stat(path, &st);
	getrlimit(RLIMIT_FSIZE, &old);
	rl = old;
	rl.rlim_cur = (rlim_t)st.st_size + 8; /* 8 of the next line's 23 bytes fit */
	CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &rl) == 0);
	write_rec(f, "call-2");
	write_rec(f, "call-3");
	setrlimit(RLIMIT_FSIZE, &old);
	/* call-2 cut short, then again when call-3 tried the queue first */
	CU_ASSERT_EQUAL(ctr(f, GW_CDR_CTR_PARTIAL), 2);
	CU_ASSERT_EQUAL(ctr(f, GW_CDR_CTR_FAILED), 2);
	CU_ASSERT_EQUAL(gw_cdr_file_queued(f), 2);
	CU_ASSERT(!gw_cdr_file_ok(f));
	CU_ASSERT_STRING_EQUAL(slurp(path), "call,sip_call_id\ncall-1,abc@host\n");
	/* room again: the retry writes both, in order */
	tick();
	CU_ASSERT_EQUAL(gw_cdr_file_queued(f), 0);
	CU_ASSERT(gw_cdr_file_ok(f));
	CU_ASSERT_STRING_EQUAL(slurp(path), "call,sip_call_id\ncall-1,abc@host\ncall-2,abc@host\ncall-3,abc@host\n");
	gw_cdr_file_close(f);
	talloc_free(f);
}

/* ENOSPC from the start (/dev/full), then the path changed to a good file: the queue goes there; a full
 * queue loses records, counted */
static void test_file_full(void)
{
	struct gw_cdr_file *f = gw_cdr_file_alloc(ctx, 0);
	struct gw_cdr_file_cfg *c = gw_cdr_file_cfg(f);
	snprintf(c->path, sizeof(c->path), "/dev/full");
	c->n_fields = sel(c->fields, "call");
	c->queue_max = 2;
	gw_cdr_file_apply(f);
	write_rec(f, "call-1");
	write_rec(f, "call-2");
	write_rec(f, "call-3");
	tick();
	CU_ASSERT_EQUAL(gw_cdr_file_queued(f), 2);
	CU_ASSERT_EQUAL(ctr(f, GW_CDR_CTR_DROPPED), 1);
	CU_ASSERT(!gw_cdr_file_ok(f));
	char *s = gw_cdr_file_show(ctx, f);
	CU_ASSERT(strstr(s, "failing (No space left on device)") != NULL);
	strcat(strcpy(c->path, dir), "/full.csv");
	gw_cdr_file_apply(f);
	tick();
	CU_ASSERT_EQUAL(gw_cdr_file_queued(f), 0);
	char path[300];
	snprintf(path, sizeof(path), "%s/full.csv", dir);
	CU_ASSERT_STRING_EQUAL(slurp(path), "call\ncall-1\ncall-2\n");
	gw_cdr_file_close(f);
	talloc_free(f);
}

/* the directory deleted under an open file: noticed at the next record, which waits until the directory
 * is back */
static void test_file_dir_gone(void)
{
	char sub[300], path[400];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	mkdir(sub, 0700);
	struct gw_cdr_file *f = file_for("sub/d.csv", "call");
	snprintf(path, sizeof(path), "%s/d.csv", sub);
	write_rec(f, "call-1");
	unlink(path);
	rmdir(sub);
	write_rec(f, "call-2");
	CU_ASSERT_EQUAL(ctr(f, GW_CDR_CTR_REOPENED), 1);
	CU_ASSERT(ctr(f, GW_CDR_CTR_OPEN_FAILED) >= 1);
	CU_ASSERT_EQUAL(gw_cdr_file_queued(f), 1);
	tick();
	CU_ASSERT_EQUAL(gw_cdr_file_queued(f), 1);
	mkdir(sub, 0700);
	tick();
	CU_ASSERT_EQUAL(gw_cdr_file_queued(f), 0);
	CU_ASSERT_STRING_EQUAL(slurp(path), "call\ncall-2\n");
	gw_cdr_file_close(f);
	talloc_free(f);
	unlink(path);
	rmdir(sub);
}

static void cleanup_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_cdr");
	rate_ctr_init(ctx);
	signal(SIGXFSZ, SIG_IGN); /* as isupgw: a file size limit fails the write */
	clock_at(1765000000);
	snprintf(dir, sizeof(dir), "%s/cdr-unit-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("cdr", NULL, NULL);
	CU_add_test(s, "CSV fields and durations", test_csv_fields);
	CU_add_test(s, "CSV escaping (RFC 4180)", test_csv_escape);
	CU_add_test(s, "JSON escaping and nulls", test_json);
	CU_add_test(s, "media quality, E-model", test_media_quality);
	CU_add_test(s, "file: header, reopen, fields changed", test_file_header_reopen);
	CU_add_test(s, "file: rotation on SIGHUP, size, time", test_file_rotate);
	CU_add_test(s, "file: a short write is cut back", test_file_partial);
	CU_add_test(s, "file: full disk, queue full", test_file_full);
	CU_add_test(s, "file: directory deleted", test_file_dir_gone);
	int rc = cunit_run();
	cleanup_dir();
	talloc_free(ctx);
	return rc;
}
