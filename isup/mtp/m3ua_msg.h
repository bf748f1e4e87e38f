/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA messages (RFC 4666 section 3): common header, tag-length-value parameters, the protocol data of
 * DATA, and framing of a TCP byte stream by the header's length. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define M3UA_VERSION	1
#define M3UA_HDR_LEN	8
#define M3UA_MAX_MSG	4096 /* larger messages are refused (an MSU is at most 272 octets) */
#define M3UA_MAX_PARAMS 24

enum m3ua_class {
	M3UA_CL_MGMT = 0,
	M3UA_CL_XFER = 1,
	M3UA_CL_SSNM = 2,
	M3UA_CL_ASPSM = 3,
	M3UA_CL_ASPTM = 4,
	M3UA_CL_RKM = 9,
};

/* message types per class */
#define M3UA_MGMT_ERR		0
#define M3UA_MGMT_NTFY		1
#define M3UA_XFER_DATA		1
#define M3UA_SSNM_DUNA		1
#define M3UA_SSNM_DAVA		2
#define M3UA_SSNM_DAUD		3
#define M3UA_SSNM_SCON		4
#define M3UA_SSNM_DUPU		5
#define M3UA_SSNM_DRST		6
#define M3UA_ASPSM_UP		1
#define M3UA_ASPSM_DOWN		2
#define M3UA_ASPSM_BEAT		3
#define M3UA_ASPSM_UP_ACK	4
#define M3UA_ASPSM_DOWN_ACK	5
#define M3UA_ASPSM_BEAT_ACK	6
#define M3UA_ASPTM_ACTIVE	1
#define M3UA_ASPTM_INACTIVE	2
#define M3UA_ASPTM_ACTIVE_ACK	3
#define M3UA_ASPTM_INACTIVE_ACK 4
#define M3UA_RKM_REG_REQ	1
#define M3UA_RKM_REG_RSP	2
#define M3UA_RKM_DEREG_REQ	3
#define M3UA_RKM_DEREG_RSP	4

/* parameter tags (RFC 4666 3.2: common 0x0001-0x00ff, M3UA specific 0x0200-) */
enum m3ua_tag {
	M3UA_TAG_INFO_STRING = 0x0004,
	M3UA_TAG_ROUTING_CTX = 0x0006,
	M3UA_TAG_DIAG_INFO = 0x0007,
	M3UA_TAG_HEARTBEAT_DATA = 0x0009,
	M3UA_TAG_TRAFFIC_MODE = 0x000b,
	M3UA_TAG_ERROR_CODE = 0x000c,
	M3UA_TAG_STATUS = 0x000d,
	M3UA_TAG_ASP_ID = 0x0011,
	M3UA_TAG_AFFECTED_PC = 0x0012,
	M3UA_TAG_CORRELATION_ID = 0x0013,
	M3UA_TAG_NETWORK_APPEARANCE = 0x0200,
	M3UA_TAG_USER_CAUSE = 0x0204,
	M3UA_TAG_CONGESTION_IND = 0x0205,
	M3UA_TAG_CONCERNED_DEST = 0x0206,
	M3UA_TAG_ROUTING_KEY = 0x0207,
	M3UA_TAG_REG_RESULT = 0x0208,
	M3UA_TAG_DEREG_RESULT = 0x0209,
	M3UA_TAG_LOCAL_RK_ID = 0x020a,
	M3UA_TAG_DPC = 0x020b,
	M3UA_TAG_SI = 0x020c,
	M3UA_TAG_OPC_LIST = 0x020e,
	M3UA_TAG_CIC_RANGE = 0x020f,
	M3UA_TAG_PROTOCOL_DATA = 0x0210,
	M3UA_TAG_REG_STATUS = 0x0212,
	M3UA_TAG_DEREG_STATUS = 0x0213,
};

/* ERR error codes (RFC 4666 3.8.1) */
enum m3ua_err_code {
	M3UA_ERR_INVALID_VERSION = 0x01,
	M3UA_ERR_UNSUPP_MSG_CLASS = 0x03,
	M3UA_ERR_UNSUPP_MSG_TYPE = 0x04,
	M3UA_ERR_UNSUPP_TRAFFIC_MODE = 0x05,
	M3UA_ERR_UNEXPECTED_MSG = 0x06,
	M3UA_ERR_PROTOCOL_ERROR = 0x07,
	M3UA_ERR_INVALID_STREAM_ID = 0x09,
	M3UA_ERR_REFUSED_MGMT_BLOCKING = 0x0d,
	M3UA_ERR_ASP_ID_REQUIRED = 0x0e,
	M3UA_ERR_INVALID_ASP_ID = 0x0f,
	M3UA_ERR_INVALID_PARAM_VALUE = 0x11,
	M3UA_ERR_PARAM_FIELD_ERROR = 0x12,
	M3UA_ERR_UNEXPECTED_PARAM = 0x13,
	M3UA_ERR_DEST_STATUS_UNKNOWN = 0x14,
	M3UA_ERR_INVALID_NETWORK_APPEARANCE = 0x15,
	M3UA_ERR_MISSING_PARAM = 0x16,
	M3UA_ERR_INVALID_ROUTING_CTX = 0x19,
	M3UA_ERR_NO_CONFGD_AS_FOR_ASP = 0x1a,
};

/* NTFY status (RFC 4666 3.8.2) */
#define M3UA_NTFY_TYPE_AS_STATE_CHG    1
#define M3UA_NTFY_TYPE_OTHER	       2
#define M3UA_NTFY_AS_INACTIVE	       2
#define M3UA_NTFY_AS_ACTIVE	       3
#define M3UA_NTFY_AS_PENDING	       4
#define M3UA_NTFY_OTHER_INSUFF_ASP     1
#define M3UA_NTFY_OTHER_ALT_ASP_ACTIVE 2
#define M3UA_NTFY_OTHER_ASP_FAILURE    3

#define M3UA_TMT_OVERRIDE  1
#define M3UA_TMT_LOADSHARE 2
#define M3UA_TMT_BROADCAST 3

struct m3ua_param {
	uint16_t tag;
	uint16_t len;	    /* value length, without the 4-octet TLV header and padding */
	const uint8_t *val; /* points into the decoded buffer */
};

/* A decoded message. Parameters point into the buffer it was decoded from. */
struct m3ua_msg {
	uint8_t cls, type;
	uint32_t len;
	unsigned n_params;
	struct m3ua_param params[M3UA_MAX_PARAMS];
};

/* Protocol Data (RFC 4666 3.3.1): the MTP3 routing label fields and the user part's octets. */
struct m3ua_pdata {
	uint32_t opc, dpc;
	uint8_t si, ni, mp, sls;
	const uint8_t *data;
	uint16_t data_len;
};

/* Decode a whole message. Returns 0 or a negative M3UA error code (-M3UA_ERR_*): the code an ERR to
 * the peer carries (RFC 4666 3.8.1). */
int m3ua_msg_decode(struct m3ua_msg *m, const uint8_t *buf, size_t len);
bool m3ua_msg_known(uint8_t cls, uint8_t type);
const struct m3ua_param *m3ua_msg_param(const struct m3ua_msg *m, uint16_t tag);
int m3ua_param_u32(const struct m3ua_msg *m, uint16_t tag, uint32_t *v);
int m3ua_pdata_decode(const struct m3ua_param *p, struct m3ua_pdata *pd);
const char *m3ua_msg_name(uint8_t cls, uint8_t type);
const char *m3ua_err_name(unsigned code);

/* Building: a message is written into the caller's buffer. */
struct m3ua_builder {
	uint8_t *buf;
	size_t size, len;
	bool overflow;
};
void m3ua_build_start(struct m3ua_builder *b, uint8_t *buf, size_t size, uint8_t cls, uint8_t type);
void m3ua_build_param(struct m3ua_builder *b, uint16_t tag, const void *val, uint16_t len);
void m3ua_build_u32(struct m3ua_builder *b, uint16_t tag, uint32_t v);
void m3ua_build_pdata(struct m3ua_builder *b, const struct m3ua_pdata *pd);
/* Fixes the length field; returns the message length or -1 when it did not fit. */
int m3ua_build_end(struct m3ua_builder *b);

/* TCP framing (RFC 4666 over TCP as osmo-stp >= 1.9 does it): how long the message at the start of
 * buf is. Returns its length when complete, 0 when more octets are needed, or a negative M3UA error
 * code when the header cannot start a message (the connection must be dropped). */
int m3ua_frame_len(const uint8_t *buf, size_t avail);
