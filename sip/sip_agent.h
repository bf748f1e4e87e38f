/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SIP user agent: one sofia-sip nua stack in the control-plane thread, driven from libosmocore's
 * select loop through a glib main context (su_glib_root), and the SIP legs (dialogs) it carries. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/timer.h>

#include "sip_digest.h"
#include "sipt_body.h"

struct sip_agent;
struct sip_leg;

/* An INVITE as the gateway sees it: header values in text, the body split by type. */
struct sip_invite {
	char ruri[256];
	char from[256]; /* whole header value (name-addr with tag) */
	char to[256];
	char pai[256];		/* P-Asserted-Identity, "" when absent */
	char privacy[64];	/* Privacy, "" when absent */
	char diversion[256];	/* first Diversion, "" when absent */
	char history_info[512]; /* History-Info, "" when absent */
	int max_forwards;	/* -1 when absent */
	char call_id[128];
	char from_tag[64]; /* with the Call-ID, ties the INVITEs of an RFC 3578 overlap call together */
	char src_addr[64]; /* where it came from (peer check) */
	uint16_t src_port;
	char src_transport[8];	     /* what it came over: "udp", "tcp" or "tls" */
	bool supports_100rel;	     /* RFC 3262: 100rel in Supported */
	bool requires_100rel;	     /* 100rel in Require */
	struct sip_digest_resp auth; /* its Authorization: Digest, fields "" when absent */
	struct sipt_body body;
};

/* RFC 3262 reliable provisional responses, per peer */
enum sip_100rel {
	SIP_100REL_OFF,	      /* not offered; a peer that requires it still gets PRACKed responses */
	SIP_100REL_SUPPORTED, /* offered (Supported: 100rel); our 18x are reliable when the caller supports it */
	SIP_100REL_REQUIRED,  /* asked for (Require: 100rel); a caller without it gets 421 */
};

/* What the gateway asks an outgoing INVITE to carry. Empty strings are left out. */
struct sip_invite_req {
	char ruri[240];
	char from[300]; /* name-addr without tag */
	char to[300];
	char pai[300];
	char privacy[64];
	char diversion[300];
	char history_info[512];
	int max_forwards;   /* -1: sofia's default (70) */
	char route[256];    /* outbound proxy as a Route URI, or "" */
	char call_id[128];  /* "": a new one; RFC 3578: the same for every INVITE of one call */
	char from_tag[64];  /* "": a new one; RFC 3578: the same for every INVITE of one call */
	char auth_user[64]; /* digest credentials for a 401/407 from the peer ("": none) */
	char auth_pass[64];
	char auth_realm[64]; /* the realm the credentials are for; "*": any realm; "": none (nothing answered) */
	enum sip_100rel rel100;
};

/* A Reason header with protocol Q.850 (RFC 3326), or none */
struct sip_reason {
	bool present;
	uint8_t cause;
};

enum sip_leg_dir {
	SIP_LEG_UAC,
	SIP_LEG_UAS
};

/* The user (the gateway core) of legs. Each callback gets the leg and the user's reference. */
struct sip_leg_ops {
	/* A new INVITE: the user answers through sip_leg_progress/answer/reject. */
	void (*invite_ind)(struct sip_agent *a, struct sip_leg *leg, const struct sip_invite *inv);
	/* UAC: a provisional response 101-199 (body may be empty). */
	void (*progress_ind)(struct sip_leg *leg, int status, const struct sipt_body *body);
	/* UAC: 2xx; UAS: ACK received (answered is then already known). */
	void (*answer_ind)(struct sip_leg *leg, const struct sipt_body *body);
	/* The dialog ended or failed: status is the final response (UAC) or 0 for BYE/CANCEL from the peer,
	 * or 408/503 for a timeout or transport error. reason: the Q.850 Reason if any. body: ISUP in it. */
	void (*release_ind)(struct sip_leg *leg, int status, const struct sip_reason *reason,
			    const struct sipt_body *body);
	/* A mid-dialog INFO with a body (RFC 6086); answered 200 by the leg. */
	void (*info_ind)(struct sip_leg *leg, const struct sipt_body *body);
	/* A re-INVITE or UPDATE put the call on hold (sendonly/inactive offer) or took it off; the leg has
	 * answered it. */
	void (*hold_ind)(struct sip_leg *leg, bool hold);
	/* The SDP of a re-INVITE or UPDATE offer (after the leg answered it): the media follows. */
	void (*sdp_ind)(struct sip_leg *leg, const char *sdp, size_t len);
};

enum sip_agent_ctr {
	SIP_CTR_INVITE_RX,
	SIP_CTR_INVITE_TX,
	SIP_CTR_REJECT_BODY,
	SIP_CTR_ANSWERED,
	SIP_CTR_BYE_RX,
	SIP_CTR_CANCEL_RX,
	SIP_CTR_INFO_RX,
	SIP_CTR_INFO_TX,
	SIP_CTR_UPDATE_RX,
	SIP_CTR_REINVITE_TX,
	SIP_CTR_REDIRECT_RX,
	SIP_CTR_SESSION_EXPIRED,
	SIP_CTR_REJECT_HEADERS,
	SIP_CTR_AUTH_REALM_REFUSED,
	SIP_CTR_DIALOG_KA_TX,
	SIP_CTR_DIALOG_PEER_LOST,
};

/* Who refreshes a session (RFC 4028) when the choice is ours */
enum sip_refresher {
	SIP_REFRESHER_ANY,
	SIP_REFRESHER_LOCAL,
	SIP_REFRESHER_REMOTE
};

struct sip_agent_cfg {
	char bind_url[128]; /* "sip:127.0.0.1:5060" (UDP and TCP) */
	char user_agent[64];
	unsigned t1x64_ms;	  /* transaction timeout (RFC 3261 64*T1, Timer B/F), 0: sofia's 32 s */
	unsigned session_expires; /* RFC 4028 Session-Expires we ask for (s), 0: we ask for none */
	unsigned min_se;	  /* the smallest Session-Expires we accept (s, >= 90); smaller: 422 */
	enum sip_refresher refresher;
	/* TLS (sofia's tport_tls over OpenSSL): a sips: URI to listen on, "" for none */
	char tls_url[128];
	char tls_cert[256]; /* PEM certificate (chain) file */
	char tls_key[256];  /* PEM private key file */
	char tls_ca[256];   /* PEM CA file the peers' certificates are checked against, or "" */
	bool tls_verify;    /* check the peers' certificates (both directions) and their names */
	/* connections (TCP, TLS) peers open to us; 0: no limit (sip_loop.c) */
	unsigned tcp_max_conns;		/* all together */
	unsigned tcp_max_conns_per_src; /* from one source address */
	unsigned tcp_idle_s;		/* one that has carried nothing this long is closed (sofia TPTAG_IDLE) */
	unsigned tcp_msg_timeout_s;	/* silent since its opening, or a message begun and not finished */
	unsigned max_msg_size;		/* bytes; a larger message is refused before its body is read */
	unsigned udp_rcvbuf_kib;	/* the UDP sockets' receive buffer (0: the system's default) */
};

/* What a connection opened to us may hold; 0 in a field: no limit */
struct sip_conn_limits {
	unsigned max_conns;	    /* all connections opened to us together */
	unsigned max_conns_per_src; /* from one source address */
	unsigned silent_timeout_s;  /* a connection that has sent nothing this long is closed */
	unsigned udp_rcvbuf;	    /* bytes of receive buffer for each UDP socket (0: leave as it is) */
	/* a source the limits never refuse (a configured peer's address), or NULL */
	bool (*known_src)(const char *addr, void *priv);
	void *known_src_priv;
};

struct sip_conn_stats {
	unsigned conns; /* connections opened to us, open now */
	unsigned conns_peak;
	uint64_t accepted;	   /* connections taken */
	uint64_t refused_total;	   /* closed at once: max_conns */
	uint64_t refused_per_src;  /* closed at once: max_conns_per_src */
	uint64_t closed_silent;	   /* closed after silent_timeout_s without a byte */
	uint64_t known_over_limit; /* from a known source, taken although a limit was reached */
	/* UDP requests sofia would drop or answer to the wrong place, answered by us (sip_prefilter.c) */
	uint64_t answered_400;	  /* a NUL octet in the header section */
	uint64_t answered_501;	  /* a method token sofia refuses */
	uint64_t answered_505;	  /* a SIP-Version other than 2.0 */
	uint64_t accept_backoffs; /* a listener left unread for a while: no descriptor to accept (EMFILE) */
};

/* the defaults of the connection limits (a gateway trunks with a few proxies, not thousands of phones) */
#define SIP_TCP_MAX_CONNS_DEFAULT	  1024
#define SIP_TCP_MAX_CONNS_PER_SRC_DEFAULT 32
#define SIP_TCP_IDLE_DEFAULT		  120
#define SIP_TCP_MSG_TIMEOUT_DEFAULT	  32
#define SIP_UDP_RCVBUF_KIB_DEFAULT	  4096
#define SIP_MAX_MSG_SIZE_DEFAULT	  65536

struct sip_agent {
	void *ctx;
	struct sip_agent_cfg cfg;
	struct sip_loop *loop;
	void *root_priv; /* sofia's root, private to sip_agent.c */
	void *nua;	 /* nua_t */
	const struct sip_leg_ops *ops;
	void *priv;
	struct llist_head legs;
	struct llist_head probes; /* OPTIONS sent with sip_agent_options, waiting for an answer */
	struct rate_ctr_group *ctrs;
	bool shutting_down, shut_down;
	bool (*known_src)(const char *addr, void *priv); /* sip_agent_set_known_sources() */
	void *known_src_priv;
	unsigned next_id;
	uint16_t tls_port;   /* the TLS listener's port (sip_agent_start), 0: none */
	char **tls_subjects; /* names a certificate presented to us must carry (talloc'd), see below */
	unsigned n_tls_subjects;
};

/* ---- the event loop glue (usable without nua: tests step it) ---- */

/* One loop round of the application: prepare, osmo_select_main(block), dispatch. */
int sip_agent_select(struct sip_agent *a, int block);

/* ---- the agent ---- */

void sip_agent_init(int log_cat);
struct sip_agent *sip_agent_alloc(void *ctx, const struct sip_agent_cfg *cfg, const struct sip_leg_ops *ops,
				  void *priv);
int sip_agent_start(struct sip_agent *a);
/* Orderly end: nua_shutdown (sofia releases its dialogs), then free. Drives the loop until done or
 * timeout_ms passed. */
/* the connections peers have opened to us, and what the limits did */
const struct sip_conn_stats *sip_agent_conn_stats(const struct sip_agent *a);
/* Bytes waiting to be read in the SIP UDP sockets' receive queues (admission control's load signal). */
size_t sip_agent_rx_backlog(const struct sip_agent *a);
/* Connections from the sources fn knows (the application's configured peers) are never refused by the
 * connection limits, so that a flood from elsewhere cannot lock a peer out. Before sip_agent_start(). */
void sip_agent_set_known_sources(struct sip_agent *a, bool (*fn)(const char *addr, void *priv), void *priv);
void sip_agent_free(struct sip_agent *a, unsigned timeout_ms);
/* With tls_verify, a certificate is checked against a CA of tls_ca and a name: toward a peer, its subject
 * CN or a subjectAltName must be the host of the URI we connect to; from a peer connecting to us, one of the
 * names added here (the TLS peers' hosts and addresses). Before sip_agent_start(). */
void sip_agent_add_tls_subject(struct sip_agent *a, const char *name);

/* Out-of-dialog OPTIONS to uri (peer keepalive): cb gets the final status (408/503 when nothing or a
 * transport error came back). */
typedef void (*sip_options_cb)(int status, void *priv);
int sip_agent_options(struct sip_agent *a, const char *uri, sip_options_cb cb, void *priv);

/* ---- legs ---- */

/* One SIP dialog (sip_leg_fsm.c); its fields are libsip's own (sip_priv.h). */
struct sip_leg;

enum sip_leg_dir sip_leg_get_dir(const struct sip_leg *leg);
/* the owner given to sip_leg_invite() or set for an incoming INVITE */
void *sip_leg_user_ref(const struct sip_leg *leg);
void sip_leg_set_user_ref(struct sip_leg *leg, void *user_ref);
/* a 2xx went or came */
bool sip_leg_answered(const struct sip_leg *leg);
/* the peer sent us ISUP bodies: encapsulate toward it (RFC 3398 s7.2.4) */
bool sip_leg_peer_has_isup(const struct sip_leg *leg);
/* UAC: a provisional response arrived (the peer is alive; CANCEL is allowed) */
bool sip_leg_provisional_seen(const struct sip_leg *leg);
/* UAC: the first Contact of the 3xx that ended the leg, or NULL */
const char *sip_leg_redirect_uri(const struct sip_leg *leg);
/* the dialog's To tag (the peer's when we called, ours when it called), NULL while there is none */
const char *sip_leg_to_tag(const struct sip_leg *leg);
/* Once answered, an OPTIONS within the dialog every interval_s seconds (0: none): a 408 (no answer within the
 * transaction timeout), 481 (the peer knows no such dialog) or two 503s in a row (a transport error) end the
 * dialog with BYE and release_ind(408, 481 or 503), RFC 5057 s5.1; any other answer shows the peer alive. */
void sip_leg_set_keepalive(struct sip_leg *leg, unsigned interval_s);
/* UAS: our 18x go out reliably, with Require: 100rel (RFC 3262) */
void sip_leg_set_reliable_1xx(struct sip_leg *leg, bool reliable);

/* UAC: send an INVITE. body: SDP and/or ISUP (NULL: none). */
struct sip_leg *sip_leg_invite(struct sip_agent *a, const struct sip_invite_req *req, const struct sipt_body *body,
			       void *user_ref);
/* UAS: 18x with an optional body. */
int sip_leg_progress(struct sip_leg *leg, int status, const struct sipt_body *body);
/* UAS: 200 with the answer. */
int sip_leg_answer(struct sip_leg *leg, const struct sipt_body *body);
/* UAS: a final error response (3xx-6xx) with a Reason: Q.850 (RFC 6432) when reason is given. */
int sip_leg_reject(struct sip_leg *leg, int status, const struct sip_reason *reason, const struct sipt_body *body);
/* The same with a Retry-After (RFC 3261 s20.33): a 503 of an overloaded gateway (RFC 3261 s21.5.4). */
int sip_leg_reject_retry(struct sip_leg *leg, int status, const struct sip_reason *reason, unsigned retry_after_s);
/* UAS: 401 with a Digest challenge (RFC 3261 s22.4): realm, our nonce, qop=auth, MD5; stale=true when the
 * caller's answer was right but its nonce too old. */
int sip_leg_challenge(struct sip_leg *leg, const char *realm, const char *nonce, bool stale);
/* What a rejection of an INVITE for its body says besides the status: a Warning (RFC 3261 s20.43) such as
 * a 488 carries (s21.4.26), and the Accept a 415 must carry (s8.2.3, s21.4.13). */
struct sip_reject_info {
	int warn_code;	       /* 3xx warn-code; 0: no Warning */
	const char *warn_text; /* plain text, no quotes */
	const char *accept;    /* the Accept header value; NULL: none */
};
/* UAS: a final error response (400-699) to an INVITE whose body we cannot take (counted as
 * invite:rx:bad_body). */
int sip_leg_reject_body(struct sip_leg *leg, int status, const struct sip_reject_info *info);
/* UAS: a 3xx with a Contact (RFC 3398 s7.2.4.1: cause 22 with the new number -> 301). */
int sip_leg_redirect(struct sip_leg *leg, int status, const struct sip_reason *reason, const char *contact);
/* Either side: end the dialog: BYE when confirmed, CANCEL (UAC early) or a final response (UAS early:
 * 480 unless given). The user is not called back for a leg it released. */
int sip_leg_release(struct sip_leg *leg, const struct sip_reason *reason, const struct sipt_body *body);
/* INFO with a body within the dialog (RFC 6086). */
int sip_leg_info(struct sip_leg *leg, const struct sipt_body *body);
/* Confirmed dialog: a re-INVITE asking the peer to stop sending (hold: our SDP sendonly) or to resume
 * (sendrecv), RFC 3264 s8.4; isup (SIP-T, may be NULL) goes with it. A 491 is retried. */
int sip_leg_hold(struct sip_leg *leg, bool hold, const struct sipt_body *isup);
/* Forget the user: no more callbacks (the leg lives on until sofia is done with it). */
