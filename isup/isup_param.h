/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP parameters (ITU-T Q.763 section 3, ANSI T1.113): codes, descriptors, typed views. */
#pragma once

#include "isup_msg.h"
#include "q850.h"

/* Q.763 Table 5 parameter name codes; 0xC2.. and 0xE1.. blocks include ANSI T1.113 codes. */
enum isup_par_code {
	ISUP_PAR_EOP = 0x00,
	ISUP_PAR_CALL_REF = 0x01,
	ISUP_PAR_TMR = 0x02,
	ISUP_PAR_ACCESS_TRANSPORT = 0x03,
	ISUP_PAR_CALLED = 0x04,
	ISUP_PAR_SUBSEQ = 0x05,
	ISUP_PAR_NCI = 0x06,
	ISUP_PAR_FCI = 0x07,
	ISUP_PAR_OFCI = 0x08,
	ISUP_PAR_CPC = 0x09,
	ISUP_PAR_CALLING = 0x0a,
	ISUP_PAR_REDIRECTING = 0x0b,
	ISUP_PAR_REDIRECTION_NUM = 0x0c,
	ISUP_PAR_CONN_REQ = 0x0d,
	ISUP_PAR_INR_IND = 0x0e,
	ISUP_PAR_INF_IND = 0x0f,
	ISUP_PAR_COT_IND = 0x10,
	ISUP_PAR_BCI = 0x11,
	ISUP_PAR_CAUSE = 0x12,
	ISUP_PAR_REDIR_INFO = 0x13,
	ISUP_PAR_CGSMT = 0x15,
	ISUP_PAR_RANGE_STATUS = 0x16,
	ISUP_PAR_FACILITY_IND = 0x18,
	ISUP_PAR_CUG_CODE = 0x1a,
	ISUP_PAR_USI = 0x1d,
	ISUP_PAR_SPC = 0x1e,
	ISUP_PAR_UUI = 0x20,
	ISUP_PAR_CONNECTED = 0x21,
	ISUP_PAR_SUS_RES_IND = 0x22,
	ISUP_PAR_TNS = 0x23,
	ISUP_PAR_EVENT_INFO = 0x24,
	ISUP_PAR_CIRC_STATE = 0x26,
	ISUP_PAR_ACL = 0x27,
	ISUP_PAR_ORIG_CALLED = 0x28,
	ISUP_PAR_OBCI = 0x29,
	ISUP_PAR_UU_IND = 0x2a,
	ISUP_PAR_ORIG_ISC_PC = 0x2b,
	ISUP_PAR_GEN_NOTIF = 0x2c,
	ISUP_PAR_CALL_HIST = 0x2d,
	ISUP_PAR_ACCESS_DELIV = 0x2e,
	ISUP_PAR_NSF = 0x2f,
	ISUP_PAR_USI_PRIME = 0x30,
	ISUP_PAR_PROP_DELAY = 0x31,
	ISUP_PAR_REMOTE_OPS = 0x32,
	ISUP_PAR_SERVICE_ACT = 0x33,
	ISUP_PAR_USER_TELESERVICE = 0x34,
	ISUP_PAR_TMU = 0x35,
	ISUP_PAR_CALL_DIV_INFO = 0x36,
	ISUP_PAR_ECHO_CTRL_INFO = 0x37,
	ISUP_PAR_MSG_COMPAT = 0x38,
	ISUP_PAR_PAR_COMPAT = 0x39,
	ISUP_PAR_MLPP = 0x3a,
	ISUP_PAR_MCID_REQ = 0x3b,
	ISUP_PAR_MCID_RSP = 0x3c,
	ISUP_PAR_HOP_COUNTER = 0x3d,
	ISUP_PAR_TMR_PRIME = 0x3e,
	ISUP_PAR_LOCATION_NUM = 0x3f,
	ISUP_PAR_REDIR_NUM_RESTR = 0x40,
	ISUP_PAR_CALL_TRANSFER_REF = 0x43,
	ISUP_PAR_LOOP_PREV = 0x44,
	ISUP_PAR_CALL_TRANSFER_NUM = 0x45,
	ISUP_PAR_CCSS = 0x4b,
	ISUP_PAR_FWD_GVNS = 0x4c,
	ISUP_PAR_BWD_GVNS = 0x4d,
	ISUP_PAR_REDIRECT_CAP = 0x4e,
	ISUP_PAR_NET_MGMT_CTRL = 0x5b,
	ISUP_PAR_CORRELATION_ID = 0x65,
	ISUP_PAR_SCF_ID = 0x66,
	ISUP_PAR_CALL_DIV_TREAT = 0x6e,
	ISUP_PAR_CALLED_IN_NUM = 0x6f,
	ISUP_PAR_CALL_OFFER_TREAT = 0x70,
	ISUP_PAR_CHARGED_PARTY_ID = 0x71,
	ISUP_PAR_CONF_TREAT = 0x72,
	ISUP_PAR_DISPLAY_INFO = 0x73,
	ISUP_PAR_UID_ACTION = 0x74,
	ISUP_PAR_UID_CAP = 0x75,
	ISUP_PAR_REDIRECT_COUNTER = 0x77,
	ISUP_PAR_APP_TRANSPORT = 0x78,
	ISUP_PAR_COLLECT_CALL_REQ = 0x79,
	ISUP_PAR_CCNR_POSSIBLE = 0x7a,
	ISUP_PAR_PIVOT_CAP = 0x7b,
	ISUP_PAR_PIVOT_ROUTING_IND = 0x7c,
	ISUP_PAR_CALLED_DIR_NUM = 0x7d,
	ISUP_PAR_ORIG_CALLED_IN_NUM = 0x7e,
	ISUP_PAR_CALLING_GEODETIC = 0x81,
	ISUP_PAR_HTR_INFO = 0x82,
	ISUP_PAR_NET_ROUTING_NUM = 0x84,
	ISUP_PAR_QOR_CAP = 0x85,
	ISUP_PAR_PIVOT_STATUS = 0x86,
	ISUP_PAR_PIVOT_COUNTER = 0x87,
	ISUP_PAR_PIVOT_ROUTING_FWD = 0x88,
	ISUP_PAR_PIVOT_ROUTING_BWD = 0x89,
	ISUP_PAR_REDIRECT_STATUS = 0x8a,
	ISUP_PAR_REDIRECT_FWD = 0x8b,
	ISUP_PAR_REDIRECT_BWD = 0x8c,
	ISUP_PAR_NP_FWD_INFO = 0x8d,
	ISUP_PAR_GENERIC_NUM = 0xc0, /* ANSI: generic address */
	ISUP_PAR_GENERIC_DIGITS = 0xc1,
	/* ANSI T1.113 */
	ISUP_PAR_ANSI_OPER_SERVICES = 0xc2,
	ISUP_PAR_ANSI_EGRESS = 0xc3,
	ISUP_PAR_ANSI_JURISDICTION = 0xc4,
	ISUP_PAR_ANSI_CARRIER_ID = 0xc5,
	ISUP_PAR_ANSI_BUSINESS_GROUP = 0xc6,
	ISUP_PAR_ANSI_GENERIC_NAME = 0xc7,
	ISUP_PAR_ANSI_NOTIF_IND = 0xe1,
	ISUP_PAR_ANSI_CG_CHAR_IND = 0xe5,
	ISUP_PAR_ANSI_CVR_RESP_IND = 0xe6,
	ISUP_PAR_ANSI_OUTGOING_TG_NUM = 0xe7,
	ISUP_PAR_ANSI_CIRCUIT_ID_NAME = 0xe8,
	ISUP_PAR_ANSI_CLLI = 0xe9,
	ISUP_PAR_ANSI_OLI = 0xea,
	ISUP_PAR_ANSI_CHARGE_NUM = 0xeb,
	ISUP_PAR_ANSI_SERVICE_CODE = 0xec,
	ISUP_PAR_ANSI_SPECIAL_PROC_REQ = 0xed,
	ISUP_PAR_ANSI_CARRIER_SEL_INFO = 0xee,
	ISUP_PAR_ANSI_NET_TRANSPORT = 0xef,
};

enum isup_par_kind {
	ISUP_PK_RAW,	    /* opaque octets (Q.931 IEs, national formats) */
	ISUP_PK_BITS,	    /* fixed layout of bit fields, see isup_bits_field */
	ISUP_PK_NUMBER,	    /* O/E + NAI, indicator octet, BCD digits (Q.763 3.9 and relatives) */
	ISUP_PK_GENNUM,	    /* number qualifier octet + NUMBER (Q.763 3.26) */
	ISUP_PK_SUBSEQ,	    /* O/E + spare, digits (Q.763 3.51) */
	ISUP_PK_CAUSE,	    /* Q.850 cause indicators */
	ISUP_PK_RANGE,	    /* range and status */
	ISUP_PK_USI,	    /* user service information (Q.931 bearer capability) */
	ISUP_PK_GDIGITS,    /* generic digits */
	ISUP_PK_MCI,	    /* message compatibility information */
	ISUP_PK_PCI,	    /* parameter compatibility information */
	ISUP_PK_CIRC_STATE, /* circuit state indicator: one octet per circuit */
};

/* Flags for number parameters: which bits of the indicator octet mean something. */
#define ISUP_NF_INN  0x01
#define ISUP_NF_NI   0x02
#define ISUP_NF_APRI 0x04
#define ISUP_NF_SI   0x08

struct isup_bits_field {
	const char *name;
	uint8_t off;	/* offset of the member in the typed struct */
	uint8_t size;	/* 1 or 2 */
	uint8_t octet;	/* first octet of the field in the parameter */
	uint8_t shift;	/* bit position of the field's LSB in that octet (0 = bit A) */
	uint8_t width;	/* in bits; fields wider than the rest of the octet continue LSB-first, or MSB-first if be */
	bool be;	/* big-endian multi-octet integer */
	const char *ws; /* Wireshark field carrying the same value, for the oracle test (NULL: none) */
};

struct isup_par_desc {
	uint8_t code;
	uint8_t variants; /* ISUP_VM_*: where the code is defined */
	enum isup_par_kind kind;
	const char *abbr; /* short name for the tool's text language, e.g. "cdpn" */
	const char *name;
	uint8_t min_len, max_len;	      /* allowed length of the parameter content */
	uint8_t num_flags;		      /* ISUP_NF_* for numbers */
	const struct isup_bits_field *fields; /* ISUP_PK_BITS */
	uint8_t n_fields;
	const char *ws_digits; /* Wireshark field with the digit string (numbers) */
};

const struct isup_par_desc *isup_par_desc(enum isup_variant v, uint8_t code);
const struct isup_par_desc *isup_par_desc_by_abbr(enum isup_variant v, const char *abbr);
const struct isup_par_desc *isup_par_desc_at(unsigned idx);
bool isup_par_known(enum isup_variant v, uint8_t code);

/* ---- typed views ---- */

#define ISUP_NUM_MAX_DIGITS 64
/* Called/calling/redirecting/... numbers. Digits are characters "0"-"9" and "A"-"F" for the
 * nibble values 10-15 (B = code 11, C = code 12, F = ST end of pulsing). Every bit of the
 * indicator octet is kept, so a number re-encodes to the octets it came from. */
struct isup_number {
	uint8_t nqi;	/* generic number only: number qualifier indicator */
	uint8_t nai;	/* nature of address indicator (7 bits); SUBSEQ: the 7 spare bits */
	uint8_t inn_ni; /* INN (called, redirection, location) or NI (calling, generic); spare elsewhere */
	uint8_t npi;	/* numbering plan indicator (3 bits) */
	uint8_t apri;	/* address presentation restricted indicator (2 bits) */
	uint8_t si;	/* screening indicator (2 bits) */
	uint8_t filler; /* the filler nibble after an odd number of digits (0 when well formed) */
	uint8_t n_digits;
	char digits[ISUP_NUM_MAX_DIGITS + 1];
};

enum isup_nai {
	ISUP_NAI_SUBSCRIBER = 1,
	ISUP_NAI_UNKNOWN = 2,
	ISUP_NAI_NATIONAL = 3,
	ISUP_NAI_INTERNATIONAL = 4,
	ISUP_NAI_NETWORK_SPECIFIC = 5,
};

#define ISUP_CAUSE_MAX_DIAG 32
struct isup_cause {
	uint8_t coding_std; /* 0 ITU-T, 2 national (ANSI uses 2 for ANSI-specific causes) */
	uint8_t location;
	uint8_t spare; /* bit 5 of octet 1 */
	bool has_rec;  /* octet 1a (recommendation) present */
	uint8_t rec;
	uint8_t cause; /* Q.850 cause value, 7 bits */
	uint8_t diag_len;
	uint8_t diag[ISUP_CAUSE_MAX_DIAG];
};

#define ISUP_RS_MAX_STATUS 32
struct isup_range_status {
	uint8_t range;	    /* number of circuits - 1 (ITU 0..31 where status is present) */
	uint8_t status_len; /* 0: no status field (GRS, CQM) */
	uint8_t status[ISUP_RS_MAX_STATUS];
};
static inline bool isup_rs_bit(const struct isup_range_status *rs, unsigned i)
{
	return i / 8 < rs->status_len && (rs->status[i / 8] >> (i % 8)) & 1;
}
static inline void isup_rs_set_bit(struct isup_range_status *rs, unsigned i, bool on)
{
	if (i / 8 >= ISUP_RS_MAX_STATUS)
		return;
	if (on)
		rs->status[i / 8] |= 1 << (i % 8);
	else
		rs->status[i / 8] &= ~(1 << (i % 8));
}
/* Octets of status needed for a range (Q.763 3.43: one bit per circuit, range + 1 circuits). */
static inline uint8_t isup_rs_status_len(uint8_t range)
{
	return (uint8_t)((range + 8) / 8);
}

#define ISUP_USI_MAX_REST 16
/* User service information / USI prime: Q.931 bearer capability octets 3 onward. */
struct isup_usi {
	uint8_t coding_std; /* octet 3 */
	uint8_t itc;	    /* information transfer capability: 0 speech, 8 unrestricted digital, 16 3.1 kHz */
	uint8_t mode;	    /* octet 4: transfer mode */
	uint8_t rate;	    /* information transfer rate: 16 = 64 kbit/s, 24 = multirate */
	bool has_mult;	    /* octet 4.1 */
	uint8_t mult;
	bool has_l1;	  /* octet 5 */
	uint8_t l1;	  /* user information layer 1 protocol: 2 mu-law, 3 A-law */
	uint8_t l1_ext;	  /* octet 5 extension bit */
	uint8_t rest_len; /* octets after those: kept raw */
	uint8_t rest[ISUP_USI_MAX_REST];
};

#define ISUP_GD_MAX 32
struct isup_generic_digits {
	uint8_t encoding; /* 0 BCD even, 1 BCD odd, 2 IA5, 3 binary */
	uint8_t type;	  /* type of digits */
	uint8_t len;
	uint8_t data[ISUP_GD_MAX];
};

struct isup_instr {
	uint8_t n; /* instruction indicator octets (extension bit chains them) */
	uint8_t oct[3];
};
/* Fields of the first instruction octet (Q.763 3.33 message, 3.41 parameter compatibility). */
#define ISUP_II_TRANSIT(o)	   ((o)&0x01)
#define ISUP_II_RELEASE(o)	   (((o) >> 1) & 0x01)
#define ISUP_II_NOTIFY(o)	   (((o) >> 2) & 0x01)
#define ISUP_II_DISCARD_MSG(o)	   (((o) >> 3) & 0x01)
#define ISUP_II_MCI_PASS_ON_NP(o)  (((o) >> 4) & 0x01) /* message: E = pass on not possible */
#define ISUP_II_PCI_DISCARD_PAR(o) (((o) >> 4) & 0x01) /* parameter: E = discard parameter */
#define ISUP_II_PCI_PASS_ON_NP(o)  (((o) >> 5) & 0x03) /* parameter: GF = pass on not possible */

#define ISUP_PCI_MAX 16
struct isup_par_compat {
	uint8_t n;
	struct {
		uint8_t code;
		struct isup_instr ii;
	} e[ISUP_PCI_MAX];
};

#define ISUP_CSI_MAX 32
struct isup_circ_state {
	uint8_t n;
	uint8_t st[ISUP_CSI_MAX];
};
#define ISUP_CSI_MAINT(o)    ((o)&0x03)
#define ISUP_CSI_CALLPROC(o) (((o) >> 2) & 0x03)
#define ISUP_CSI_HW(o)	     (((o) >> 4) & 0x03)

/* Bit-field parameters: every member below is one named field of Q.763; "spare" members keep the
 * spare bits so nothing is lost. */
struct isup_nci {
	uint8_t satellite, cot_ind, echo_dev, spare;
};
struct isup_fci {
	uint8_t nat_intl, e2e_method, interworking, e2e_info, isup_ind, isup_pref;
	uint8_t isdn_access, sccp_method, spare, ported_num, qor_attempt, national;
};
struct isup_bci {
	uint8_t charge, called_status, called_category, e2e_method;
	uint8_t interworking, e2e_info, isup_ind, holding, isdn_access, echo_dev, sccp_method;
};
struct isup_obci {
	uint8_t inband_info, diversion_may_occur, simple_seg, mlpp_user, spare;
};
struct isup_ofci {
	uint8_t cug_call, simple_seg, spare, connected_line_req;
};
struct isup_event_info {
	uint8_t event, pres_restricted;
};
struct isup_redir_info {
	uint8_t redirecting_ind, spare1, orig_reason, counter, spare2, reason;
};
struct isup_inr_ind {
	uint8_t calling_req, holding_req, spare1, cpc_req, charge_req, spare2, mci_req, spare3;
};
struct isup_inf_ind {
	uint8_t calling_resp, hold_provided, spare1, cpc_resp, charge_resp, solicited, spare2;
};
struct isup_cot_ind {
	uint8_t cot, spare;
};
struct isup_sus_res_ind {
	uint8_t ind, spare;
};
struct isup_cgsmt {
	uint8_t type, spare;
};
struct isup_u8 { /* single octet values: CPC, TMR, facility indicator, ACL, OLI, ... */
	uint8_t value;
};
struct isup_hop_counter {
	uint8_t count, spare;
};
struct isup_uu_ind {
	uint8_t type, service1, service2, service3, discard;
};
struct isup_echo_ctrl_info {
	uint8_t out_resp, in_resp, out_req, in_req;
};
struct isup_gen_notif {
	uint8_t notification, ext;
};
struct isup_u16 { /* two-octet integers: propagation delay, call history */
	uint16_t value;
};
struct isup_spc {
	uint16_t pc;
	uint8_t spare;
};
struct isup_cug_code {
	uint8_t ni_d1, ni_d2, ni_d3, ni_d4;
	uint16_t binary;
};
struct isup_call_ref {
	uint8_t id0, id1, id2;
	uint16_t pc;
	uint8_t spare;
};
struct isup_mlpp {
	uint8_t level, spare1, lfb, spare2, ni_d1, ni_d2, ni_d3, ni_d4;
	uint8_t dom0, dom1, dom2;
};
struct isup_call_div_info {
	uint8_t notif_options, reason, spare;
};
struct isup_mcid {
	uint8_t a, b, spare;
};
struct isup_loop_prev {
	uint8_t type, response, spare;
};
struct isup_cvr_resp { /* ANSI circuit validation response indicator */
	uint8_t response, spare;
};
struct isup_cg_char { /* ANSI circuit group characteristic indicator */
	uint8_t carrier, double_seizure, alarm_carrier, cot_check;
};
struct isup_conn_req {
	uint8_t lr0, lr1, lr2;
	uint16_t pc;
	uint8_t spare, protocol_class, credit;
};

/* Typed decode/encode. Each decode validates length and content; each encode writes into buf
 * (size checked) and returns the length or a negative isup_err. */
int isup_bits_decode(enum isup_variant v, uint8_t code, const uint8_t *d, uint8_t len, void *out);
int isup_bits_encode(enum isup_variant v, uint8_t code, const void *in, uint8_t *buf, size_t size);
int isup_number_decode(enum isup_variant v, uint8_t code, const uint8_t *d, uint8_t len, struct isup_number *n);
int isup_number_encode(enum isup_variant v, uint8_t code, const struct isup_number *n, uint8_t *buf, size_t size);
int isup_cause_decode(const uint8_t *d, uint8_t len, struct isup_cause *c);
int isup_cause_encode(const struct isup_cause *c, uint8_t *buf, size_t size);
int isup_rs_decode(const uint8_t *d, uint8_t len, struct isup_range_status *rs);
int isup_rs_encode(const struct isup_range_status *rs, uint8_t *buf, size_t size);
int isup_usi_decode(const uint8_t *d, uint8_t len, struct isup_usi *u);
int isup_usi_encode(const struct isup_usi *u, uint8_t *buf, size_t size);
int isup_gdigits_decode(const uint8_t *d, uint8_t len, struct isup_generic_digits *g);
int isup_gdigits_encode(const struct isup_generic_digits *g, uint8_t *buf, size_t size);
int isup_instr_decode(const uint8_t *d, uint8_t len, struct isup_instr *ii);
int isup_instr_encode(const struct isup_instr *ii, uint8_t *buf, size_t size);
int isup_pci_decode(const uint8_t *d, uint8_t len, struct isup_par_compat *pci);
int isup_pci_encode(const struct isup_par_compat *pci, uint8_t *buf, size_t size);
int isup_csi_decode(const uint8_t *d, uint8_t len, struct isup_circ_state *cs);
int isup_csi_encode(const struct isup_circ_state *cs, uint8_t *buf, size_t size);

/* Message-level conveniences: fetch and decode / encode and store a typed parameter. */
int isup_msg_get_number(const struct isup_msg *m, uint8_t code, struct isup_number *n);
int isup_msg_put_number(struct isup_msg *m, uint8_t code, const struct isup_number *n);
int isup_msg_get_cause(const struct isup_msg *m, struct isup_cause *c);
int isup_msg_put_cause(struct isup_msg *m, const struct isup_cause *c);
int isup_msg_get_rs(const struct isup_msg *m, struct isup_range_status *rs);
int isup_msg_put_rs(struct isup_msg *m, const struct isup_range_status *rs);
int isup_msg_get_bits(const struct isup_msg *m, uint8_t code, void *out);
int isup_msg_put_bits(struct isup_msg *m, uint8_t code, const void *in);

/* Cause convenience: ITU coding, location, value. */
static inline struct isup_cause isup_cause_make(uint8_t location, uint8_t value)
{
	struct isup_cause c = { .coding_std = 0, .location = location, .cause = value };
	return c;
}
