/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Number normalisation: named rule tables that rewrite the numbers of an ISUP message (called, calling,
 * redirecting, original called, generic, connected) where they enter or leave the gateway, per ISUP trunk
 * and per SIP peer, each direction and number kind. A table applies its steps in a fixed order:
 *   1. prefix-to-nai: a number of unknown NAI with the international or national prefix becomes
 *      international or national, the prefix removed;
 *   2. rewrite rules, in the order of their ids: the first whose NAI condition holds and whose POSIX
 *      extended regex matches the digits replaces the part it matched, as sed's s/// (\0..\9 refer to the
 *      match and its groups), and may set the NAI;
 *   3. strip-prefix, then add-prefix;
 *   4. form: e164 (international), national, subscriber or prefixed (unknown NAI, the dialling prefix
 *      written in the digits), from the table's country code, area code and prefixes;
 *   5. calling numbers only: screening against the allowed ranges (E.164 prefixes); a number that passes
 *      is "user provided, verified and passed" (or "network provided", as configured), one that fails, or
 *      none at all, is replaced by the default number ("network provided"), or removed when there is none.
 * Presentation restriction is never changed by a table: a default number replacing a restricted one stays
 * restricted. */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>

#include "isup/isup.h"

enum gw_num_kind {
	GW_NUM_CALLED,
	GW_NUM_CALLING,
	GW_NUM_REDIRECTING,
	GW_NUM_ORIG_CALLED,
	GW_NUM_GENERIC,
	GW_NUM_CONNECTED,
	GW_NUM_KIND_N,
};
extern const char *const gw_num_kind_names[GW_NUM_KIND_N]; /* "called", "calling", ... as the VTY writes them */

enum gw_num_form {
	GW_NUM_FORM_KEEP,
	GW_NUM_FORM_E164,
	GW_NUM_FORM_NATIONAL,
	GW_NUM_FORM_SUBSCRIBER,
	GW_NUM_FORM_PREFIXED,
};
extern const char *const gw_num_form_names[];

#define GW_NUM_NAI_ANY	-1 /* a rewrite rule's condition: every NAI */
#define GW_NUM_NAI_KEEP -1 /* a rewrite rule's result: the NAI stays */
/* "unknown", "subscriber", "national", "international" <-> Q.763 NAI; -1 for an unknown name */
int gw_num_nai_value(const char *name);
const char *gw_num_nai_name(int nai);

struct gw_num_rewrite {
	struct llist_head list;
	unsigned id;
	int if_nai;  /* GW_NUM_NAI_ANY or a NAI */
	int set_nai; /* GW_NUM_NAI_KEEP or a NAI */
	char match[128];
	char replace[64];
	regex_t re;
	unsigned long hits;
};

/* where a table applies: a trunk's or a peer's numbers of one kind (or all), in or out */
struct gw_num_attach {
	struct llist_head list;
	bool trunk; /* an ISUP trunk, else a SIP peer */
	char name[32];
	bool out; /* toward the trunk or peer; else from it */
	int kind; /* enum gw_num_kind, or -1: every kind */
};

#define GW_NUM_MAX_ALLOW 32
struct gw_num_table {
	struct llist_head list;
	char name[32];
	char country_code[16], area_code[16], national_prefix[16], international_prefix[16];
	bool prefix_to_nai;
	struct llist_head rewrites; /* struct gw_num_rewrite, by id */
	char strip[16], add[16];
	enum gw_num_form form;
	char allow[GW_NUM_MAX_ALLOW][24]; /* screening: E.164 prefixes of the allowed ranges */
	unsigned n_allow;
	bool verified_network;	 /* a number that passes is "network provided" (else "user provided, verified") */
	char default_digits[24]; /* "": no default number */
	uint8_t default_nai;
	struct llist_head attach; /* struct gw_num_attach */
	unsigned long screen_pass, screen_fail, screen_default;
};

struct gw_numbers {
	struct llist_head tables; /* applied in this order where several attach to the same place */
};

struct gw_numbers *gw_numbers_alloc(void *ctx);
struct gw_num_table *gw_num_table_find(struct gw_numbers *nums, const char *name);
struct gw_num_table *gw_num_table_get(struct gw_numbers *nums, const char *name);
void gw_num_table_free(struct gw_num_table *t);
/* Add or replace rewrite rule id; -EINVAL (with the regcomp message in err) when the regex does not compile. */
int gw_num_rewrite_set(struct gw_num_table *t, unsigned id, int if_nai, const char *match, const char *replace,
		       int set_nai, char *err, size_t err_size);
void gw_num_rewrite_del(struct gw_num_table *t, unsigned id);

/* One table on one number. *present says whether there is a number (in and out: screening may add the
 * default or remove a failed one). why gets what was done ("" when nothing), for the log and the VTY.
 * Returns true when the number or its presence changed. */
bool gw_num_apply(struct gw_num_table *t, enum gw_num_kind kind, struct isup_number *n, bool *present, char *why,
		  size_t why_size);

enum gw_num_dir {
	GW_NUM_ISUP_TO_SIP, /* from the trunk (its "in" tables), then toward the peer ("out") */
	GW_NUM_SIP_TO_ISUP, /* from the peer ("in"), then toward the trunk ("out") */
};
/* Every table attached to the trunk and the peer (NULL: not that side), in the order of dir, on every number
 * m carries (and, for an IAM, the calling number it lacks when a table has a default). Each change is
 * logged at INFO on fi with the table and the rule that matched. */
void gw_numbers_apply(struct gw_numbers *nums, enum gw_num_dir dir, const char *trunk, const char *peer,
		      struct isup_msg *m, struct osmo_fsm_inst *fi);

/* One table on every number m carries (a route's table, gw_route.h), logged as above with where */
void gw_num_table_apply_msg(struct gw_num_table *t, struct isup_msg *m, const char *where, struct osmo_fsm_inst *fi);

void gw_number_vty_init(struct gw_numbers *nums, int node);
