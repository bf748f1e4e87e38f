/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interworking core: SIP peers, routes both ways, calls binding an ISUP call and a SIP leg. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>

#include "isup/isup.h"
#include "isup/mtp/mtp.h"
#include "sip/sip.h"
#include "gw_map.h"
#include "gw_number.h"
#include "gw_overload.h"
#include "gw_cdr.h"

struct gw_routing;

enum gw_sipt_mode {
	GW_SIPT_OFF,	  /* plain SIP: no ISUP bodies out, ISUP bodies in are ignored */
	GW_SIPT_OPTIONAL, /* RFC 3372 SIP-T, ISUP parts with handling=optional */
	GW_SIPT_REQUIRED, /* SIP-T, handling=required: a peer that cannot read ISUP rejects the call */
};

/* RFC 3398 s8.2.5 / s8.1.6: a 3xx to our INVITE */
enum gw_redirect {
	GW_REDIRECT_FOLLOW,	   /* a new INVITE to the first Contact */
	GW_REDIRECT_FOLLOW_NOTIFY, /* the same, after a CPG "call forwarded" (event 6) to the PSTN */
	GW_REDIRECT_RELEASE,	   /* REL cause 23, redirection to new destination */
};
#define GW_MAX_REDIRECTS 3 /* 3xx followed per call, against loops */

#define GW_PEER_MAX_SOURCES 8
/* the default dead-peer check of answered calls (dialog-keepalive): a peer gone mid-call is noticed within
 * this plus the transaction timeout (32 s by default), not at the session timer's end (1800 s) */
#define GW_DIALOG_KEEPALIVE_DEFAULT 120

/* the transport an INVITE from a peer's source must come over */
enum gw_src_tport {
	GW_SRC_TPORT_PEER, /* the peer's own (its 'remote' transport) */
	GW_SRC_TPORT_UDP,
	GW_SRC_TPORT_TCP,
	GW_SRC_TPORT_TLS,
	GW_SRC_TPORT_ANY,
};

/* where a peer's INVITEs may come from: an address, a port (0: any) and a transport */
struct gw_peer_source {
	char addr[64];
	uint16_t port;
	enum gw_src_tport tport;
};

struct gw_peer {
	struct llist_head list;
	char name[32];
	char host[64];
	uint16_t port;
	char transport[8];				   /* udp, tcp, tls */
	char proxy[128];				   /* outbound proxy URI, or "" */
	char auth_realm[64], auth_user[64], auth_pass[64]; /* digest credentials toward the peer */
	char in_user[64], in_pass[64]; /* callers through this peer answer our digest challenge with these ("": none) */
	enum gw_sipt_mode sipt;
	enum sip_100rel rel100;	   /* RFC 3262 toward and from this peer */
	enum gw_redirect redirect; /* what a 3xx from this peer does (RFC 3398 s8.2.5) */
	struct gw_map_cfg map;
	/* who may call us as this peer; none: its remote host, any port, its transport */
	struct gw_peer_source sources[GW_PEER_MAX_SOURCES];
	unsigned n_sources;
	struct rate_ctr_group *ctrs;
	/* OPTIONS keepalive: a peer that does not answer is down and gets no calls */
	struct gw *gw;
	unsigned keepalive_s; /* 0: no keepalive, the peer is taken as up */
	/* answered calls: an OPTIONS within each dialog this often; 408/481 releases the call (0: none) */
	unsigned dialog_keepalive_s;
	bool up;
	bool admin_down; /* taken out of service by the operator (CTRL): down whatever OPTIONS say */
	bool probing;
	struct osmo_timer_list ka_timer;
};

enum gw_peer_ctr {
	GW_PEER_CTR_CALL_OUT,
	GW_PEER_CTR_CALL_IN,
	GW_PEER_CTR_ANSWERED,
	GW_PEER_CTR_FAILED,
	GW_PEER_CTR_OPTIONS_TX,
	GW_PEER_CTR_OPTIONS_FAILED,
	GW_PEER_CTR_WENT_DOWN,
	GW_PEER_CTR_FAILOVER,
	GW_PEER_CTR_REFUSED,
};

enum gw_route_dir {
	GW_ROUTE_ISUP_TO_SIP,
	GW_ROUTE_SIP_TO_ISUP
};

/* Overlap dialling toward SIP (RFC 3578), per route */
enum gw_overlap_mode {
	GW_OVERLAP_NONE,    /* the INVITE goes out on the IAM with the digits it has */
	GW_OVERLAP_COLLECT, /* collect IAM + SAMs until ST, the length plan or the inter-digit timer: one INVITE */
	GW_OVERLAP_RFC3578, /* INVITE with the digits so far; on 484 or more digits a new INVITE (s3) */
};

struct gw_route {
	struct llist_head list;
	enum gw_route_dir dir;
	char prefix[32];			/* called number prefix ("" matches all); longest match wins */
	unsigned strip;				/* digits removed from the front */
	char add[32];				/* digits put in front after stripping */
	char target[32];			/* a SIP peer (isup-to-sip) or an ISUP trunk (sip-to-isup) */
#define GW_ROUTE_MAX_ALT     3			/* further peers of a prefix route */
#define GW_ROUTE_MAX_TARGETS 8			/* a policy route's list members (gw_route.h) */
	char alt[GW_ROUTE_MAX_TARGETS - 1][32]; /* further peers or trunks, tried in order when one is down or fails */
	unsigned n_alt;
	enum gw_overlap_mode overlap; /* isup-to-sip */
	unsigned min_digits;	      /* overlap: no INVITE with fewer digits */
	unsigned max_digits;	      /* number length plan: this many digits complete the number (0: no plan) */
	/* a routing policy decision (gw_route.h); entry "": a prefix route */
	char entry[32], rlist[32], numbers[32];
	int fail_status[8];
	unsigned n_fail_status;
	uint8_t fail_cause[8];
	unsigned n_fail_cause;
};

enum gw_ctr {
	GW_CTR_CALL_ISUP_TO_SIP,
	GW_CTR_CALL_SIP_TO_ISUP,
	GW_CTR_CALL_ANSWERED,
	GW_CTR_NO_ROUTE,
	GW_CTR_FORBIDDEN,
	GW_CTR_T11_EXPIRY,
	GW_CTR_OVERLAP_INVITE,
	GW_CTR_REDIRECT_FOLLOWED,
	GW_CTR_HOLD_OUT,
	GW_CTR_NO_MEDIA,
	GW_CTR_VTY_ACCEPT_BACKOFF,
	GW_CTR_FORBIDDEN_TPORT,
	GW_CTR_AUTH_CHALLENGED,
	GW_CTR_AUTH_FAILED,
	GW_CTR_MAINT_WRITE_FAILED,
};

struct gw {
	void *ctx;
	struct isup_net *net;
	struct ss7_router *router;
	struct sip_agent *sip;
	struct sip_agent_cfg sip_cfg;
	char media_addr[64];	/* the address our SDP offers/answers name */
	struct gw_media *media; /* the media plane (gw_media.h); no spans: SDP only, no RTP */
	uint16_t rtp_base, rtp_next;
	struct llist_head peers, routes, calls;
	struct osmo_tdef *tdefs; /* group "gw": T11 and our own X timers */
	struct rate_ctr_group *ctrs;
	unsigned n_calls;
	bool stopping;
	struct gw_ovl *ovl;		/* admission control of new calls */
	struct gw_numbers *numbers;	/* number normalisation tables (gw_number.h) */
	struct gw_routing *routing;	/* routing policy (gw_route.h) */
	struct sip_digest_key auth_key; /* the nonces of our digest challenges (sip_digest.h) */
	char auth_realm[64];		/* the realm they name (sip node auth-realm, default "isupgw") */
	struct timespec ovl_cpu;	/* the control thread's CPU time at the last overload sample */
	struct gw_metrics *metrics;	/* gauges, histograms, the Prometheus endpoint (gw_metrics.h) */
	char maint_path[256];		/* the maintenance state file, or "" (gw_maint.h) */
	struct gw_cdr *cdr;		/* call detail records: the sinks (gw_cdr.h) */
};

struct gw *gw_alloc(void *ctx);
void gw_init(int log_cat);
/* The ISUP user ops to install on the trunks (isup_net) */
extern const struct isup_user_ops gw_isup_ops;
extern const struct sip_leg_ops gw_sip_ops;

struct gw_peer *gw_peer_find(struct gw *gw, const char *name);
/* The URI parameter that makes sofia use the peer's transport: "", ";transport=tcp" or ";transport=tls" */
const char *gw_peer_transport_param(const struct gw_peer *p);
struct gw_peer *gw_peer_get(struct gw *gw, const char *name);
/* Longest prefix match over routes of one direction. */
const struct gw_route *gw_route_lookup(const struct gw *gw, enum gw_route_dir dir, const char *digits);
/* Apply a route's strip/add to a digit string. */
void gw_route_apply(const struct gw_route *r, const char *in, char *out, size_t size);

/* Release every call (SIGTERM): REL cause 16 toward ISUP, BYE/CANCEL toward SIP. */
void gw_release_all(struct gw *gw);
char *gw_show_calls(void *ctx, const struct gw *gw);
char *gw_show_peers(void *ctx, const struct gw *gw);

void gw_vty_init(struct gw *gw, int sip_node, int peer_node, int gw_node);
/* Start the OPTIONS keepalive of every peer that has one (after the SIP agent is up). */
void gw_peers_start(struct gw *gw);
/* Admission control's sampling (after the SIP agent and MTP are up). */
void gw_overload_start(struct gw *gw);
/* The names a TLS peer's certificate must carry when it connects to us: every TLS peer's host and the
 * addresses of the sources that take TLS (before the SIP agent starts). */
void gw_peers_tls_subjects(struct gw *gw);
bool gw_peer_known_source(const char *addr, void *priv);
/* The peer an INVITE from addr:port over transport ("udp", "tcp", "tls") belongs to: of the peers' sources
 * that match, the most specific (a port named over any port, a transport named over any), the first
 * configured of equals; NULL when none matches. Then *addr_peer is a peer whose address matched (port or
 * transport did not), or NULL. */
struct gw_peer *gw_peer_by_source(struct gw *gw, const char *addr, uint16_t port, const char *transport,
				  struct gw_peer **addr_peer);
/* what a source accepts, as text: "192.0.2.1 port 5060 udp", "192.0.2.1 any port tls" */
void gw_peer_source_text(const struct gw_peer *p, const struct gw_peer_source *src, char *buf, size_t size);
extern const char *const gw_src_tport_names[];
/* a peer's sources: its allow-source list, or *own filled in (its remote host, any port, its transport) */
const struct gw_peer_source *gw_peer_sources(const struct gw_peer *p, struct gw_peer_source *own, unsigned *n);
/* The n-th peer of an isup-to-sip route (0: the first), or NULL. */
struct gw_peer *gw_route_peer(struct gw *gw, const struct gw_route *r, unsigned n);
