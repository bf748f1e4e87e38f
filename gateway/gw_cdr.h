/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Call detail records. The call FSM (gw_call.c) fills one record per call through the gw_cdr_*() hooks
 * below, at the IAM or INVITE, alerting, answer and release; the record goes to every sink at start, every
 * interim interval while answered, and at the end. The file sink (gw_cdr_file.c) writes CSV or JSON lines;
 * a RADIUS sink can take the same record (Start, Interim-Update, Stop). Formatting: gw_cdr_fmt.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>

struct gw;
struct gw_call;
struct isup_msg;
struct isup_call;
struct isup_cause;
struct sip_invite;
struct sip_invite_req;
struct sip_leg;
struct rate_ctr_group;

/* who ended the call first */
enum gw_cdr_side {
	GW_CDR_SIDE_NONE,
	GW_CDR_SIDE_PSTN,    /* the ISUP side: a REL, or its own procedures (timers, reset, OLM) */
	GW_CDR_SIDE_SIP,     /* the SIP side: BYE, CANCEL, an error response, a transaction timeout */
	GW_CDR_SIDE_GATEWAY, /* the gateway: a refusal (route, number, media), a timer of its own, shutdown */
};

/* why */
enum gw_cdr_reason {
	GW_CDR_R_NONE,
	GW_CDR_R_REL,	    /* REL received */
	GW_CDR_R_BYE,	    /* BYE received */
	GW_CDR_R_CANCEL,    /* CANCEL received */
	GW_CDR_R_RESPONSE,  /* a final error (or 3xx) response to our INVITE */
	GW_CDR_R_TIMER,	    /* a timer: ISUP T7/T9 (cause 102), our X1 or X2 */
	GW_CDR_R_OVERLOAD,  /* refused by admission control, or an OLM */
	GW_CDR_R_SHUTDOWN,  /* SIGTERM */
	GW_CDR_R_REFUSED,   /* the gateway refused the call: route, number, body, media, peer policy */
	GW_CDR_R_LOCAL,	    /* the ISUP side's own procedures: circuit reset, unequipped, no circuit */
	GW_CDR_R_PEER_GONE, /* the in-dialog keepalive found the peer gone (408/481) */
};

#define GW_CDR_NUM_LEN 80
struct gw_cdr_number {
	char digits[GW_CDR_NUM_LEN];
	int8_t nai;  /* Q.763 nature of address (1 subscriber, 2 unknown, 3 national, 4 international), -1: none */
	int8_t pres; /* Q.763 presentation (0 allowed, 1 restricted, 2 not available), -1: none */
};

/* the four numbers of one side */
struct gw_cdr_numbers {
	struct gw_cdr_number calling, called, redirecting, orig_called;
};

/* What one record holds. Times are UTC in ms since the epoch (0: did not happen). */
struct gw_cdr_rec {
	char id[16];	/* the gateway's call id, "call-17" */
	bool from_isup; /* direction: ISUP -> SIP */
	int64_t start_ms, alert_ms, answer_ms, end_ms;
	char trunk[32];
	uint16_t cic;
	uint32_t opc, dpc;
	char sip_peer[32];
	char sip_remote[80]; /* addr:port the INVITE came from or went to */
	char call_id[128], from_tag[64], to_tag[64];
	/* as received and as sent: ISUP -> SIP received = the IAM, sent = the INVITE; the other way round */
	struct gw_cdr_numbers in, out;
	uint8_t cause, location; /* Q.850, of the first release */
	enum gw_cdr_side released_by;
	enum gw_cdr_reason reason;
	int sip_status; /* the final response to the INVITE (sent or received), 0: none */
	char codec[8];	/* PCMA, PCMU, "" */
	/* media: our channel's counters (RFC 3550); -1 where unknown */
	int64_t rx_packets, tx_packets, lost, remote_lost;
	int32_t jitter_ms, remote_jitter_ms, rtt_ms;
	bool has_media;
	unsigned n_interim; /* interim records written so far */
	bool ended;
	struct gw_call *call;		/* NULL once the call is gone */
	struct osmo_timer_list interim; /* every interim-interval while answered */
};

/* ---- formatting (gw_cdr_fmt.c) ---- */

enum gw_cdr_format {
	GW_CDR_CSV,
	GW_CDR_JSON,
};
enum gw_cdr_kind {
	GW_CDR_KIND_START,
	GW_CDR_KIND_INTERIM,
	GW_CDR_KIND_END,
};

#define GW_CDR_MAX_FIELDS 64
unsigned gw_cdr_n_fields(void);
const char *gw_cdr_field_name(unsigned idx);
const char *gw_cdr_field_desc(unsigned idx);
/* the index of a field by name, -1 when none */
int gw_cdr_field_find(const char *name);
/* The CSV header of a field selection (n indexes), with "\n". Returns the length, or -ENOSPC. */
int gw_cdr_fmt_header(char *buf, size_t size, const uint8_t *fields, unsigned n);
/* One record as a line with "\n": CSV (RFC 4180 quoting) or a JSON object. now_ms: the time an interim
 * record is taken at. Returns the length, or -ENOSPC when it does not fit. */
int gw_cdr_fmt_line(char *buf, size_t size, enum gw_cdr_format f, const uint8_t *fields, unsigned n,
		    const struct gw_cdr_rec *r, enum gw_cdr_kind kind, int64_t now_ms);
/* The ITU-T G.107 E-model, simplified for G.711: R from loss (%), one-way delay (ms) and jitter (ms);
 * the MOS (x100) from R. */
double gw_cdr_r_factor(double loss_pct, double delay_ms);
double gw_cdr_mos(double r);
const char *gw_cdr_reason_name(enum gw_cdr_reason r);
const char *gw_cdr_side_name(enum gw_cdr_side s);

/* ---- sinks ---- */

struct gw_cdr_sink {
	struct llist_head list;
	const char *name;
	void *priv;
	bool (*active)(struct gw_cdr_sink *s); /* a call records only while a sink is active */
	void (*record)(struct gw_cdr_sink *s, const struct gw_cdr_rec *r, enum gw_cdr_kind kind, int64_t now_ms);
};

struct gw_cdr {
	struct gw *gw;
	struct llist_head sinks;
	unsigned interim_min; /* interim records every this many minutes of an answered call (0: none) */
	struct gw_cdr_file *file;
	bool started; /* the configuration is read: changes apply at once */
};

/* the log category (before gw_cdr_alloc) */
void gw_cdr_init(int log_cat);
struct gw_cdr *gw_cdr_alloc(struct gw *gw);
/* the configuration is read: the file opens */
void gw_cdr_start(struct gw_cdr *cdr);
void gw_cdr_sink_add(struct gw_cdr *cdr, struct gw_cdr_sink *s);
/* UTC now, in ms (osmo_clock_gettime: the tests' fake clock applies) */
int64_t gw_cdr_now_ms(void);

/* ---- the call's hooks (gw_call.c); each does nothing when the call has no record ---- */

/* a new call (IAM or INVITE received): its record, or none when no sink is active */
void gw_cdr_begin(struct gw_call *c);
/* the ISUP side: trunk, circuit, point codes; the IAM's numbers (received ISUP -> SIP, sent SIP -> ISUP) */
void gw_cdr_isup(struct gw_call *c, const struct isup_msg *iam);
/* ISUP -> SIP: the INVITE sent (the last one counts) */
void gw_cdr_sip_out(struct gw_call *c, const struct sip_invite_req *req);
/* SIP -> ISUP: the INVITE received */
void gw_cdr_sip_in(struct gw_call *c, const struct sip_invite *inv);
/* the call's state changed: alerting and answer times, the To tag, interim records */
void gw_cdr_state(struct gw_call *c, unsigned state);
/* the final response to the INVITE */
void gw_cdr_sip_status(struct gw_call *c, int status);
/* the leg's To tag, before the call lets go of the leg */
void gw_cdr_leg(struct gw_call *c, const struct sip_leg *leg);
/* the first release; later ones are the consequence and are ignored */
void gw_cdr_release(struct gw_call *c, enum gw_cdr_side side, enum gw_cdr_reason reason, uint8_t cause,
		    uint8_t location);
/* the ISUP half released the call (REL, or its own procedures) */
void gw_cdr_release_isup(struct gw_call *c, const struct isup_msg *m, const struct isup_cause *cause);
/* the SIP half ended (BYE, CANCEL, an error response, a timeout), leg still valid */
void gw_cdr_release_sip(struct gw_call *c, const struct sip_leg *leg, int status, uint8_t cause, uint8_t location);
/* the call is over (the FSM's cleanup, before the media channel goes): the record goes out */
void gw_cdr_end(struct gw_call *c);
/* SIGTERM, once the drain is over: the records of calls still up go out as they are */
void gw_cdr_flush(struct gw *gw);
/* a call refused by admission control before anything was allocated */
void gw_cdr_refused(struct gw *gw, bool from_isup, const struct isup_call *ic, const struct isup_msg *iam,
		    const struct sip_invite *inv, uint8_t cause, int sip_status);

/* ---- the file sink (gw_cdr_file.c) ---- */

struct gw_cdr_file_cfg {
	char path[256]; /* "": off */
	enum gw_cdr_format format;
	uint8_t fields[GW_CDR_MAX_FIELDS];
	unsigned n_fields;
	uint64_t rotate_bytes; /* 0: no rotation by size */
	unsigned rotate_s;     /* 0: no rotation by time; else at multiples of it since the epoch */
	unsigned queue_max;    /* records held in memory while the file cannot be written */
};

enum gw_cdr_file_ctr {
	GW_CDR_CTR_WRITTEN,
	GW_CDR_CTR_INTERIM,
	GW_CDR_CTR_FAILED,
	GW_CDR_CTR_PARTIAL,
	GW_CDR_CTR_QUEUED,
	GW_CDR_CTR_DROPPED,
	GW_CDR_CTR_ROTATED,
	GW_CDR_CTR_OPEN_FAILED,
	GW_CDR_CTR_REOPENED,
};

struct gw_cdr_file *gw_cdr_file_alloc(void *ctx, int log_cat);
struct gw_cdr_sink *gw_cdr_file_sink(struct gw_cdr_file *f);
struct gw_cdr_file_cfg *gw_cdr_file_cfg(struct gw_cdr_file *f);
/* the configuration changed (path, format, fields, rotation): reopen, rotating a file whose header no
 * longer fits */
void gw_cdr_file_apply(struct gw_cdr_file *f);
/* SIGHUP: the current file is renamed to PATH.YYYYMMDD-HHMMSS and a new one opened */
void gw_cdr_file_rotate(struct gw_cdr_file *f, const char *why);
/* write one line (the sink's record function formats, then this) */
int gw_cdr_file_write(struct gw_cdr_file *f, const char *line, size_t len);
struct rate_ctr_group *gw_cdr_file_ctrs(struct gw_cdr_file *f);
char *gw_cdr_file_show(void *ctx, struct gw_cdr_file *f);
/* the records waiting in memory, and whether the file is open and writable */
unsigned gw_cdr_file_queued(const struct gw_cdr_file *f);
bool gw_cdr_file_ok(const struct gw_cdr_file *f);
void gw_cdr_file_close(struct gw_cdr_file *f);

/* VTY: the "cdr" node (gw_cdr_vty.c) */
void gw_cdr_vty_init(struct gw_cdr *cdr, int node_id);
