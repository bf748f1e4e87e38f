/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP message codec (ITU-T Q.763, ANSI T1.113): message level. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum isup_variant {
	ISUP_VAR_ITU = 0,
	ISUP_VAR_ANSI = 1,
};
#define ISUP_VAR_MASK(v) (1u << (v))
#define ISUP_VM_ITU	 ISUP_VAR_MASK(ISUP_VAR_ITU)
#define ISUP_VM_ANSI	 ISUP_VAR_MASK(ISUP_VAR_ANSI)
#define ISUP_VM_BOTH	 (ISUP_VM_ITU | ISUP_VM_ANSI)

/* Q.763 Table 4 message type codes; the 0xE9-0xED block is ANSI T1.113 only. */
enum isup_msg_type {
	ISUP_MT_IAM = 0x01,
	ISUP_MT_SAM = 0x02,
	ISUP_MT_INR = 0x03,
	ISUP_MT_INF = 0x04,
	ISUP_MT_COT = 0x05,
	ISUP_MT_ACM = 0x06,
	ISUP_MT_CON = 0x07,
	ISUP_MT_FOT = 0x08,
	ISUP_MT_ANM = 0x09,
	ISUP_MT_REL = 0x0c,
	ISUP_MT_SUS = 0x0d,
	ISUP_MT_RES = 0x0e,
	ISUP_MT_RLC = 0x10,
	ISUP_MT_CCR = 0x11,
	ISUP_MT_RSC = 0x12,
	ISUP_MT_BLO = 0x13,
	ISUP_MT_UBL = 0x14,
	ISUP_MT_BLA = 0x15,
	ISUP_MT_UBA = 0x16,
	ISUP_MT_GRS = 0x17,
	ISUP_MT_CGB = 0x18,
	ISUP_MT_CGU = 0x19,
	ISUP_MT_CGBA = 0x1a,
	ISUP_MT_CGUA = 0x1b,
	ISUP_MT_FAR = 0x1f,
	ISUP_MT_FAA = 0x20,
	ISUP_MT_FRJ = 0x21,
	ISUP_MT_LPA = 0x24,
	ISUP_MT_PAM = 0x28,
	ISUP_MT_GRA = 0x29,
	ISUP_MT_CQM = 0x2a,
	ISUP_MT_CQR = 0x2b,
	ISUP_MT_CPG = 0x2c,
	ISUP_MT_USR = 0x2d,
	ISUP_MT_UCIC = 0x2e,
	ISUP_MT_CFN = 0x2f,
	ISUP_MT_OLM = 0x30,
	ISUP_MT_CRG = 0x31,
	ISUP_MT_NRM = 0x32,
	ISUP_MT_FAC = 0x33,
	ISUP_MT_UPT = 0x34,
	ISUP_MT_UPA = 0x35,
	ISUP_MT_IDR = 0x36,
	ISUP_MT_IRS = 0x37,
	ISUP_MT_SGM = 0x38,
	ISUP_MT_LOP = 0x40,
	ISUP_MT_APM = 0x41,
	ISUP_MT_PRI = 0x42,
	ISUP_MT_SDM = 0x43,
	/* ANSI T1.113 */
	ISUP_MT_CRA = 0xe9,
	ISUP_MT_CRM = 0xea,
	ISUP_MT_CVR = 0xeb,
	ISUP_MT_CVT = 0xec,
	ISUP_MT_EXM = 0xed,
};

/* Decoder/encoder results. Each is specific enough for Q.764 2.9.5 handling or a SIP 400. */
enum isup_err {
	ISUP_OK = 0,
	ISUP_ERR_SHORT = -1,		 /* shorter than CIC + message type */
	ISUP_ERR_UNKNOWN_MSG = -2,	 /* message type not defined for this variant (msg holds a best-effort parse) */
	ISUP_ERR_FIXED_SHORT = -3,	 /* mandatory fixed part truncated */
	ISUP_ERR_BAD_POINTER = -4,	 /* pointer beyond the message or into the pointer area */
	ISUP_ERR_MISSING_MANDATORY = -5, /* mandatory variable parameter absent (zero pointer or zero length) */
	ISUP_ERR_BAD_LENGTH = -6,	 /* length runs past the end, or outside the parameter's allowed range */
	ISUP_ERR_NO_EOP = -7,		 /* optional part not closed by end-of-optional-parameters */
	ISUP_ERR_TOO_MANY_PARAMS = -8,
	ISUP_ERR_NO_OPT_PTR = -9, /* message type has an optional part but the pointer is missing */
	ISUP_ERR_NOSPACE = -10,	  /* encoder: output buffer too small */
	ISUP_ERR_BAD_VALUE = -11, /* typed encode/decode: value out of range or malformed content */
};

const char *isup_err_str(int err);

#define ISUP_MAX_PARAMS	  64
#define ISUP_MSG_MAX_DATA 512 /* parameter bytes; an MTP3 SIF carries at most 272 octets */
/* Longest input the decoder takes: more than the canonical encoding of any message whose parameters
 * fit ISUP_MSG_MAX_DATA (pointers, codes and lengths add at most 2 octets a parameter), so whatever
 * decodes re-encodes to something that decodes again. */
#define ISUP_MSG_MAX_WIRE 1024

struct isup_param {
	uint8_t code; /* Q.763 parameter name code (implied by position for mandatory ones) */
	uint16_t len; /* at most 255 except for a raw body */
	uint16_t off; /* into isup_msg.data */
};

#define ISUP_MSGF_UNKNOWN	0x01 /* message type not in the variant's table: parsed as optional-part only */
#define ISUP_MSGF_UNPARSED	0x02 /* unknown type whose body could not be parsed: data holds it raw in params[0] */
#define ISUP_MSGF_RAW_BODY	0x04 /* whole body kept in params[0] (PAM, national-format messages) */
#define ISUP_MSGF_OPT_EMPTY_EOP 0x08 /* optional part present but holds only the end octet */
#define ISUP_MSGF_NO_OPT_PTR	0x10 /* sender left out the (empty) optional part's pointer at the end */
/* wire-level quirks kept for exact re-encoding; they carry no information */
#define ISUP_MSGF_WIRE_QUIRKS (ISUP_MSGF_OPT_EMPTY_EOP | ISUP_MSGF_NO_OPT_PTR)

/* A decoded message. Mandatory parameters come first, in format order (n_mand of them),
 * then optional parameters in the order received. Parameters are raw bytes; the typed
 * accessors in isup_param.h interpret them. Nothing is lost, so re-encoding is exact. */
struct isup_msg {
	uint8_t variant;
	uint8_t type;
	uint16_t cic;
	uint8_t flags;
	uint8_t n_mand;
	uint8_t n_params;
	uint16_t data_len;
	struct isup_param params[ISUP_MAX_PARAMS];
	uint8_t data[ISUP_MSG_MAX_DATA];
};

/* Format of one message type (Q.763 Tables 32-53, T1.113 Section 4). */
struct isup_msg_fmt {
	uint8_t type;
	uint8_t variants; /* ISUP_VM_* */
	const char *abbr;
	const char *name;
	uint8_t n_fixed;
	uint8_t n_var;
	uint8_t fixed[4]; /* parameter codes of the mandatory fixed part */
	uint8_t var[3];	  /* parameter codes of the mandatory variable part */
	bool opt;	  /* has an optional part */
	bool raw_body;	  /* body is kept as one raw blob (PAM) */
};

const struct isup_msg_fmt *isup_msg_fmt(enum isup_variant v, uint8_t type);
/* Iterate all known formats of a variant: returns NULL past the end. */
const struct isup_msg_fmt *isup_msg_fmt_at(enum isup_variant v, unsigned idx);
const char *isup_msg_abbr(enum isup_variant v, uint8_t type);
int isup_msg_type_by_abbr(enum isup_variant v, const char *abbr);

/* CIC field: ITU 12 bits, ANSI 14 bits; the remaining bits of the two octets are spare. */
static inline uint16_t isup_cic_max(enum isup_variant v)
{
	return v == ISUP_VAR_ANSI ? 0x3fff : 0x0fff;
}

/* Decode an ISUP message starting at the CIC (as carried in an MTP3 SIF after the routing label).
 * Returns ISUP_OK or a negative enum isup_err. On ISUP_ERR_UNKNOWN_MSG, msg holds what could be
 * parsed (optional part per Q.763 rules for new messages) so message compatibility information
 * can be acted on. */
int isup_msg_decode(struct isup_msg *msg, enum isup_variant v, const uint8_t *buf, size_t len);
/* Same, for a body that starts at the message type (RFC 3204 application/ISUP). */
int isup_msg_decode_body(struct isup_msg *msg, enum isup_variant v, uint16_t cic, const uint8_t *buf, size_t len);

/* Encode; returns the number of bytes written or a negative enum isup_err. */
int isup_msg_encode(const struct isup_msg *msg, uint8_t *out, size_t out_size);
int isup_msg_encode_body(const struct isup_msg *msg, uint8_t *out, size_t out_size);

/* Building: init creates empty mandatory slots; set fills a mandatory slot or adds/replaces an
 * optional parameter. */
int isup_msg_init(struct isup_msg *msg, enum isup_variant v, uint8_t type, uint16_t cic);
int isup_msg_set(struct isup_msg *msg, uint8_t code, const uint8_t *data, uint8_t len);
/* Append an optional parameter even if one with the same code exists (generic number/digits/notification repeat). */
int isup_msg_add(struct isup_msg *msg, uint8_t code, const uint8_t *data, uint8_t len);
/* Store a raw body (PAM, or an unknown message kept opaque). */
int isup_msg_set_raw_body(struct isup_msg *msg, const uint8_t *data, uint16_t len);
int isup_msg_del(struct isup_msg *msg, uint8_t code);
const struct isup_param *isup_msg_get(const struct isup_msg *msg, uint8_t code);
static inline const uint8_t *isup_msg_pdata(const struct isup_msg *msg, const struct isup_param *p)
{
	return msg->data + p->off;
}
bool isup_msg_equal(const struct isup_msg *a, const struct isup_msg *b);
