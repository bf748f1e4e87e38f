/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP3 over MTP2 links: a linkset towards one adjacent signalling point, up to 16 links (SLC 0-15),
 * each an MTP2 link on a packet transport. Signalling link management: link test (Q.707 SLTM/SLTA)
 * before a link carries traffic and periodically after, restart of failed links (T17), MTP restart
 * towards the adjacent point (Q.704 9: TRA, T21), load sharing by SLS with a fixed primary link per
 * SLS, changeover (Q.704 5: COO/COA/ECO/ECA with buffer updating, time-controlled on T2) and
 * changeback (Q.704 6: CBD/CBA, T4/T5).
 * Transports: an fd given by the caller (socketpair), AF_UNIX SOCK_SEQPACKET connect or listen (one
 * frame per datagram, 2 trailing FCS octets: libss7's framing), and DAHDI HDLC channels when built
 * with DAHDI headers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "mtp2.h"

struct ss7_router;
struct ss7_linkset;

#define SS7_LS_MAX_LINKS 16
#define SS7_LINK_HOLD	 512 /* MSUs held per link during changeover/changeback */

enum ss7_link_transport {
	SS7_LINK_TR_FD,		  /* fd handed over by the caller */
	SS7_LINK_TR_UNIX_CONNECT, /* SOCK_SEQPACKET, reconnect after the restart delay */
	SS7_LINK_TR_UNIX_LISTEN,  /* SOCK_SEQPACKET, accept one peer at a time */
	SS7_LINK_TR_DAHDI,	  /* /dev/dahdi/channel, HDLC */
};

enum ss7_link_state {
	SS7_LINK_INACTIVE,  /* not started, or no transport */
	SS7_LINK_ALIGNING,  /* MTP2 initial alignment */
	SS7_LINK_TESTING,   /* in service, SLTM sent, waiting for SLTA */
	SS7_LINK_AVAILABLE, /* carries traffic */
	SS7_LINK_FAILED,    /* waiting T17 before the next alignment */
};

enum ss7_link_co {
	SS7_CO_NONE,
	SS7_CO_WAIT_COA, /* changeover order sent, traffic of the link held */
	SS7_CB_WAIT_CBA, /* changeback declaration sent on the alternative link, traffic held */
};

/* MTP3 timers in ms: Q.704 T2 T3 T4 T5 T17 T21 and Q.707 T1 T2 */
enum ss7_ls_timer {
	SS7_LS_T2,
	SS7_LS_T3,
	SS7_LS_T4,
	SS7_LS_T5,
	SS7_LS_T17,
	SS7_LS_T21,
	SS7_LS_SLT_T1,
	SS7_LS_SLT_T2,
	_SS7_LS_NUM_TIMERS
};
extern const struct mtp2_timer_def ss7_ls_timer_defs[_SS7_LS_NUM_TIMERS];

struct ss7_link_stats {
	uint64_t tx_msu, rx_msu, slt_ok, slt_failed, failures, changeovers, changebacks, held_dropped;
	uint64_t tx_errors, rx_discarded;
};

struct ss7_link {
	struct ss7_linkset *ls;
	uint8_t slc;
	char name[40];
	enum ss7_link_transport transport;
	char path[108];
	int dahdi_channel;
	struct osmo_fd ofd, lfd;
	struct mtp2_link *m2;
	enum ss7_link_state state;
	bool started;
	const char *last_failure;
	/* link test */
	uint8_t slt_pattern[15];
	uint8_t slt_len;
	unsigned slt_misses;
	struct osmo_timer_list slt_t1, slt_t2, restart;
	/* changeover / changeback */
	enum ss7_link_co co;
	struct ss7_link *co_via; /* link the management message went on */
	struct osmo_timer_list co_timer;
	bool cb_repeated;
	uint8_t cb_code;
	struct {
		uint8_t *msu[SS7_LINK_HOLD];
		uint16_t len[SS7_LINK_HOLD];
		unsigned head, n;
	} hold;
	struct ss7_link_stats st;
};

struct ss7_linkset {
	struct llist_head list;
	struct ss7_router *r;
	char name[32];
	uint32_t local_pc, adj_pc;
	uint8_t ni;
	bool ansi;	   /* T1.111 (24-bit PCs, 7-octet label, SLTM on SI 2, ANSI timers) or Q.704 */
	unsigned sls_bits; /* ANSI: 5 or 8 */
	struct mtp2_cfg m2cfg;
	uint32_t t_ms[_SS7_LS_NUM_TIMERS];
	struct ss7_link *links[SS7_LS_MAX_LINKS]; /* indexed by SLC */
	bool available;				  /* restart done, some link available: MTP-RESUME given */
	bool tra_sent, tra_rcvd;
	uint8_t cb_code_next;
	struct osmo_timer_list t21;
};

void ss7_linkset_set_log_cat(int cat);

struct ss7_linkset *ss7_linkset_add(struct ss7_router *r, const char *name, uint32_t local_pc, uint32_t adj_pc,
				    uint8_t ni);
struct ss7_linkset *ss7_linkset_find(struct ss7_router *r, const char *name);
/* The linkset's MTP3 variant (created with the router's): also sets its MTP2 and MTP3 timers to that
 * variant's defaults. Only before links are added and routes use it (-EBUSY). */
int ss7_linkset_set_variant(struct ss7_linkset *ls, bool ansi);
void ss7_linkset_free(struct ss7_linkset *ls);

/* Links: created stopped; ss7_link_start() opens the transport and begins alignment. */
struct ss7_link *ss7_link_add(struct ss7_linkset *ls, uint8_t slc, enum ss7_link_transport t, const char *path,
			      int dahdi_channel);
struct ss7_link *ss7_link_add_fd(struct ss7_linkset *ls, uint8_t slc, int fd);
int ss7_link_start(struct ss7_link *link);
/* Deactivate (SIOS, traffic changed over, no restart until started again). */
void ss7_link_stop(struct ss7_link *link);
void ss7_link_free(struct ss7_link *link);

/* MTP-TRANSFER request of an MSU (SIO + label + user part) over the linkset. 0 or -errno. */
int ss7_linkset_send(struct ss7_linkset *ls, const uint8_t *msu, size_t len);
unsigned ss7_linkset_available_links(const struct ss7_linkset *ls);

const char *ss7_link_state_name(enum ss7_link_state st);
char *ss7_show_linksets(void *ctx, const struct ss7_router *r);
