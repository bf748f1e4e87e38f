/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP parameter descriptors (Q.763 section 3, T1.113.3) and the bit-field codec. */

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "isup_param.h"

#define BF(S, m, o, s, w, ws)                                                             \
	{                                                                                 \
#m, offsetof(struct S, m), sizeof(((struct S *)0)->m), o, s, w, false, ws \
	}
#define BFBE(S, m, o, w, ws)                                                             \
	{                                                                                \
#m, offsetof(struct S, m), sizeof(((struct S *)0)->m), o, 0, w, true, ws \
	}
#define NF(a) (sizeof(a) / sizeof((a)[0]))

/* Q.763 3.35 */
static const struct isup_bits_field f_nci[] = {
	BF(isup_nci, satellite, 0, 0, 2, "isup.satellite_indicator"),
	BF(isup_nci, cot_ind, 0, 2, 2, "isup.continuity_check_indicator"),
	BF(isup_nci, echo_dev, 0, 4, 1, "isup.echo_control_device_indicator"),
	BF(isup_nci, spare, 0, 5, 3, NULL),
};
/* Q.763 3.23 */
static const struct isup_bits_field f_fci[] = {
	BF(isup_fci, nat_intl, 0, 0, 1, "isup.forw_call_natnl_inatnl_call_indicator"),
	BF(isup_fci, e2e_method, 0, 1, 2, "isup.forw_call_end_to_end_method_indicator"),
	BF(isup_fci, interworking, 0, 3, 1, "isup.forw_call_interworking_indicator"),
	BF(isup_fci, e2e_info, 0, 4, 1, "isup.forw_call_end_to_end_information_indicator"),
	BF(isup_fci, isup_ind, 0, 5, 1, "isup.forw_call_isdn_user_part_indicator"),
	BF(isup_fci, isup_pref, 0, 6, 2, "isup.forw_call_preferences_indicator"),
	BF(isup_fci, isdn_access, 1, 0, 1, "isup.forw_call_isdn_access_indicator"),
	BF(isup_fci, sccp_method, 1, 1, 2, "isup.forw_call_sccp_method_indicator"),
	BF(isup_fci, spare, 1, 3, 1, NULL),						/* bit L */
	BF(isup_fci, ported_num, 1, 4, 1, "isup.forw_call_ported_num_trans_indicator"), /* bit M */
	BF(isup_fci, qor_attempt, 1, 5, 1, "isup.forw_call_qor_attempt_indicator"),	/* bit N */
	BF(isup_fci, national, 1, 6, 2, NULL), /* bits O-P, reserved for national use */
};
/* Q.763 3.5 */
static const struct isup_bits_field f_bci[] = {
	BF(isup_bci, charge, 0, 0, 2, "isup.charge_indicator"),
	BF(isup_bci, called_status, 0, 2, 2, "isup.called_partys_status_indicator"),
	BF(isup_bci, called_category, 0, 4, 2, "isup.called_partys_category_indicator"),
	BF(isup_bci, e2e_method, 0, 6, 2, "isup.backw_call_end_to_end_method_indicator"),
	BF(isup_bci, interworking, 1, 0, 1, "isup.backw_call_interworking_indicator"),
	BF(isup_bci, e2e_info, 1, 1, 1, "isup.backw_call_end_to_end_information_indicator"),
	BF(isup_bci, isup_ind, 1, 2, 1, "isup.backw_call_isdn_user_part_indicator"),
	BF(isup_bci, holding, 1, 3, 1, "isup.backw_call_holding_indicator"),
	BF(isup_bci, isdn_access, 1, 4, 1, "isup.backw_call_isdn_access_indicator"),
	BF(isup_bci, echo_dev, 1, 5, 1, "isup.backw_call_echo_control_device_indicator"),
	BF(isup_bci, sccp_method, 1, 6, 2, "isup.backw_call_sccp_method_indicator"),
};
/* Q.763 3.37 */
static const struct isup_bits_field f_obci[] = {
	BF(isup_obci, inband_info, 0, 0, 1, "isup.inband_information_ind"),
	BF(isup_obci, diversion_may_occur, 0, 1, 1, "isup.call_diversion_may_occur_ind"),
	BF(isup_obci, simple_seg, 0, 2, 1, "isup.simple_segmentation_ind"),
	BF(isup_obci, mlpp_user, 0, 3, 1, "isup.mlpp_user"),
	BF(isup_obci, spare, 0, 4, 4, NULL),
};
/* Q.763 3.38 */
static const struct isup_bits_field f_ofci[] = {
	BF(isup_ofci, cug_call, 0, 0, 2, "isup.clg_call_ind"),
	BF(isup_ofci, simple_seg, 0, 2, 1, "isup.simple_segmentation_ind"),
	BF(isup_ofci, spare, 0, 3, 4, NULL),
	BF(isup_ofci, connected_line_req, 0, 7, 1, "isup.connected_line_identity_request_ind"),
};
/* Q.763 3.21 */
static const struct isup_bits_field f_event[] = {
	BF(isup_event_info, event, 0, 0, 7, "isup.event_ind"),
	BF(isup_event_info, pres_restricted, 0, 7, 1, "isup.event_presentation_restr_ind"),
};
/* Q.763 3.45 */
static const struct isup_bits_field f_redir_info[] = {
	BF(isup_redir_info, redirecting_ind, 0, 0, 3, "isup.redirecting_ind"),
	BF(isup_redir_info, spare1, 0, 3, 1, NULL),
	BF(isup_redir_info, orig_reason, 0, 4, 4, "isup.original_redirection_reason"),
	BF(isup_redir_info, counter, 1, 0, 3, "isup.redirection_counter"),
	BF(isup_redir_info, spare2, 1, 3, 1, NULL),
	BF(isup_redir_info, reason, 1, 4, 4, "isup.redirection_reason"),
};
/* Q.763 3.29 */
static const struct isup_bits_field f_inr[] = {
	BF(isup_inr_ind, calling_req, 0, 0, 1, "isup.calling_party_address_request_indicator"),
	BF(isup_inr_ind, holding_req, 0, 1, 1, "isup.info_req_holding_indicator"),
	BF(isup_inr_ind, spare1, 0, 2, 1, NULL),
	BF(isup_inr_ind, cpc_req, 0, 3, 1, "isup.calling_partys_category_request_indicator"),
	BF(isup_inr_ind, charge_req, 0, 4, 1, "isup.charge_information_request_indicator"),
	BF(isup_inr_ind, spare2, 0, 5, 2, NULL),
	BF(isup_inr_ind, mci_req, 0, 7, 1, "isup.malicious_call_ident_request_indicator"),
	BF(isup_inr_ind, spare3, 1, 0, 8, NULL),
};
/* Q.763 3.28 */
static const struct isup_bits_field f_inf[] = {
	BF(isup_inf_ind, calling_resp, 0, 0, 2, "isup.calling_party_address_response_indicator"),
	BF(isup_inf_ind, hold_provided, 0, 2, 1, "isup.hold_provided_indicator"),
	BF(isup_inf_ind, spare1, 0, 3, 2, NULL),
	BF(isup_inf_ind, cpc_resp, 0, 5, 1, "isup.calling_partys_category_response_indicator"),
	BF(isup_inf_ind, charge_resp, 0, 6, 1, "isup.charge_information_response_indicator"),
	BF(isup_inf_ind, solicited, 0, 7, 1, "isup.solicited_indicator"),
	BF(isup_inf_ind, spare2, 1, 0, 8, NULL),
};
static const struct isup_bits_field f_cot[] = {
	BF(isup_cot_ind, cot, 0, 0, 1, "isup.continuity_indicator"),
	BF(isup_cot_ind, spare, 0, 1, 7, NULL),
};
static const struct isup_bits_field f_susres[] = {
	BF(isup_sus_res_ind, ind, 0, 0, 1, "isup.suspend_resume_indicator"),
	BF(isup_sus_res_ind, spare, 0, 1, 7, NULL),
};
static const struct isup_bits_field f_cgsmt[] = {
	BF(isup_cgsmt, type, 0, 0, 2, "isup.cgs_message_type"),
	BF(isup_cgsmt, spare, 0, 2, 6, NULL),
};
static const struct isup_bits_field f_cpc[] = { BF(isup_u8, value, 0, 0, 8, "isup.calling_partys_category") };
static const struct isup_bits_field f_tmr[] = { BF(isup_u8, value, 0, 0, 8, "isup.transmission_medium_requirement") };
static const struct isup_bits_field f_tmr_prime[] = {
	BF(isup_u8, value, 0, 0, 8, "isup.transmission_medium_requirement_prime"),
};
static const struct isup_bits_field f_acl[] = { BF(isup_u8, value, 0, 0, 8, "isup.automatic_congestion_level") };
static const struct isup_bits_field f_oli[] = { BF(isup_u8, value, 0, 0, 8, "isup.originating_line_info") };
static const struct isup_bits_field f_u8[] = { BF(isup_u8, value, 0, 0, 8, NULL) };
static const struct isup_bits_field f_hop[] = {
	BF(isup_hop_counter, count, 0, 0, 5, "isup.hop_counter"),
	BF(isup_hop_counter, spare, 0, 5, 3, NULL),
};
/* Q.763 3.60 */
static const struct isup_bits_field f_uu_ind[] = {
	BF(isup_uu_ind, type, 0, 0, 1, "isup.UUI_type"), BF(isup_uu_ind, service1, 0, 1, 2, NULL),
	BF(isup_uu_ind, service2, 0, 3, 2, NULL),	 BF(isup_uu_ind, service3, 0, 5, 2, NULL),
	BF(isup_uu_ind, discard, 0, 7, 1, NULL),
};
/* Q.763 3.19 */
static const struct isup_bits_field f_echo[] = {
	BF(isup_echo_ctrl_info, out_resp, 0, 0, 2, "isup.OECD_inf_ind_vals"),
	BF(isup_echo_ctrl_info, in_resp, 0, 2, 2, "isup.IECD_inf_ind_vals"),
	BF(isup_echo_ctrl_info, out_req, 0, 4, 2, "isup.OECD_req_ind_vals"),
	BF(isup_echo_ctrl_info, in_req, 0, 6, 2, "isup.IECD_req_ind_vals"),
};
static const struct isup_bits_field f_gen_notif[] = {
	BF(isup_gen_notif, notification, 0, 0, 7, "isup.notification_indicator"),
	BF(isup_gen_notif, ext, 0, 7, 1, NULL),
};
static const struct isup_bits_field f_prop_delay[] = {
	BFBE(isup_u16, value, 0, 16, "isup.propagation_delay_counter"),
};
static const struct isup_bits_field f_call_hist[] = { BFBE(isup_u16, value, 0, 16, "isup.call_history_info") };
static const struct isup_bits_field f_spc[] = {
	BF(isup_spc, pc, 0, 0, 14, "isup.signalling_point_code"),
	BF(isup_spc, spare, 1, 6, 2, NULL),
};
static const struct isup_bits_field f_isc_pc[] = {
	BF(isup_spc, pc, 0, 0, 14, "isup.origination_isc_point_code"),
	BF(isup_spc, spare, 1, 6, 2, NULL),
};
/* Q.763 3.13: network identity as 4 BCD digits, then a 16-bit binary code */
static const struct isup_bits_field f_cug[] = {
	BF(isup_cug_code, ni_d1, 0, 4, 4, NULL),
	BF(isup_cug_code, ni_d2, 0, 0, 4, NULL),
	BF(isup_cug_code, ni_d3, 1, 4, 4, NULL),
	BF(isup_cug_code, ni_d4, 1, 0, 4, NULL),
	BFBE(isup_cug_code, binary, 2, 16, "isup.binary_code"),
};
/* Q.763 3.8 */
static const struct isup_bits_field f_call_ref[] = {
	BF(isup_call_ref, id0, 0, 0, 8, NULL),	 BF(isup_call_ref, id1, 1, 0, 8, NULL),
	BF(isup_call_ref, id2, 2, 0, 8, NULL),	 BF(isup_call_ref, pc, 3, 0, 14, NULL),
	BF(isup_call_ref, spare, 4, 6, 2, NULL),
};
/* Q.763 3.34 */
static const struct isup_bits_field f_mlpp[] = {
	BF(isup_mlpp, level, 0, 0, 4, "isup.precedence_level"),
	BF(isup_mlpp, spare1, 0, 4, 1, NULL),
	BF(isup_mlpp, lfb, 0, 5, 2, "isup.look_forward_busy"),
	BF(isup_mlpp, spare2, 0, 7, 1, NULL),
	BF(isup_mlpp, ni_d1, 1, 4, 4, NULL),
	BF(isup_mlpp, ni_d2, 1, 0, 4, NULL),
	BF(isup_mlpp, ni_d3, 2, 4, 4, NULL),
	BF(isup_mlpp, ni_d4, 2, 0, 4, NULL),
	BF(isup_mlpp, dom0, 3, 0, 8, NULL),
	BF(isup_mlpp, dom1, 4, 0, 8, NULL),
	BF(isup_mlpp, dom2, 5, 0, 8, NULL),
};
static const struct isup_bits_field f_call_div[] = {
	BF(isup_call_div_info, notif_options, 0, 0, 3, NULL),
	BF(isup_call_div_info, reason, 0, 3, 4, NULL),
	BF(isup_call_div_info, spare, 0, 7, 1, NULL),
};
static const struct isup_bits_field f_mcid[] = {
	BF(isup_mcid, a, 0, 0, 1, NULL),
	BF(isup_mcid, b, 0, 1, 1, NULL),
	BF(isup_mcid, spare, 0, 2, 6, NULL),
};
static const struct isup_bits_field f_loop_prev[] = {
	BF(isup_loop_prev, type, 0, 0, 1, "isup.loop_prevention_indicator_type"),
	BF(isup_loop_prev, response, 0, 1, 2, NULL),
	BF(isup_loop_prev, spare, 0, 3, 5, NULL),
};
static const struct isup_bits_field f_cvr_resp[] = {
	BF(isup_cvr_resp, response, 0, 0, 2, "isup.conn_rsp_ind"),
	BF(isup_cvr_resp, spare, 0, 2, 6, NULL),
};
static const struct isup_bits_field f_cg_char[] = {
	BF(isup_cg_char, carrier, 0, 0, 2, "isup.cg_carrier_ind"),
	BF(isup_cg_char, double_seizure, 0, 2, 2, "isup.cg_char_ind.doubleSeize"),
	BF(isup_cg_char, alarm_carrier, 0, 4, 2, "isup.cg_alarm_car_ind"),
	BF(isup_cg_char, cot_check, 0, 6, 2, "isup.cg_alarm_cnt_chk"),
};
/* Q.763 3.17 */
static const struct isup_bits_field f_conn_req[] = {
	BF(isup_conn_req, lr0, 0, 0, 8, NULL),
	BF(isup_conn_req, lr1, 1, 0, 8, NULL),
	BF(isup_conn_req, lr2, 2, 0, 8, NULL),
	BF(isup_conn_req, pc, 3, 0, 14, NULL),
	BF(isup_conn_req, spare, 4, 6, 2, NULL),
	BF(isup_conn_req, protocol_class, 5, 0, 8, "isup.protocol_class"),
	BF(isup_conn_req, credit, 6, 0, 8, "isup.credit"),
};

#define B ISUP_VM_BOTH
#define I ISUP_VM_ITU
#define A ISUP_VM_ANSI
#define PRAW(c, vm, ab, nm, mn, mx)                                                                                  \
	{                                                                                                            \
		.code = c, .variants = vm, .kind = ISUP_PK_RAW, .abbr = ab, .name = nm, .min_len = mn, .max_len = mx \
	}
#define PBITS(c, vm, ab, nm, len, f)                                                                     \
	{                                                                                                \
		.code = c, .variants = vm, .kind = ISUP_PK_BITS, .abbr = ab, .name = nm, .min_len = len, \
		.max_len = len, .fields = f, .n_fields = NF(f)                                           \
	}
#define PNUM(c, vm, k, ab, nm, mn, flg, ws)                                                                  \
	{                                                                                                    \
		.code = c, .variants = vm, .kind = k, .abbr = ab, .name = nm, .min_len = mn, .max_len = 255, \
		.num_flags = flg, .ws_digits = ws                                                            \
	}
#define PK(c, vm, k, ab, nm, mn, mx)                                                                       \
	{                                                                                                  \
		.code = c, .variants = vm, .kind = k, .abbr = ab, .name = nm, .min_len = mn, .max_len = mx \
	}

static const struct isup_par_desc pars[] = {
	PBITS(0x01, B, "callref", "Call reference", 5, f_call_ref),
	PBITS(0x02, B, "tmr", "Transmission medium requirement", 1, f_tmr),
	PRAW(0x03, B, "at", "Access transport", 0, 255),
	PNUM(0x04, B, ISUP_PK_NUMBER, "cdpn", "Called party number", 2, ISUP_NF_INN, "isup.called"),
	PNUM(0x05, B, ISUP_PK_SUBSEQ, "sn", "Subsequent number", 1, 0, "isup.subsequent_number"),
	PBITS(0x06, B, "nci", "Nature of connection indicators", 1, f_nci),
	PBITS(0x07, B, "fci", "Forward call indicators", 2, f_fci),
	PBITS(0x08, B, "ofci", "Optional forward call indicators", 1, f_ofci),
	PBITS(0x09, B, "cpc", "Calling party's category", 1, f_cpc),
	PNUM(0x0a, B, ISUP_PK_NUMBER, "cgpn", "Calling party number", 2, ISUP_NF_NI | ISUP_NF_APRI | ISUP_NF_SI,
	     "isup.calling"),
	PNUM(0x0b, B, ISUP_PK_NUMBER, "rgn", "Redirecting number", 2, ISUP_NF_APRI, "isup.redirecting"),
	PNUM(0x0c, B, ISUP_PK_NUMBER, "rnn", "Redirection number", 2, ISUP_NF_INN, "isup.redirection_number"),
	PBITS(0x0d, B, "connreq", "Connection request", 7, f_conn_req),
	PBITS(0x0e, B, "inri", "Information request indicators", 2, f_inr),
	PBITS(0x0f, B, "infi", "Information indicators", 2, f_inf),
	PBITS(0x10, B, "coti", "Continuity indicators", 1, f_cot),
	PBITS(0x11, B, "bci", "Backward call indicators", 2, f_bci),
	PK(0x12, B, ISUP_PK_CAUSE, "cause", "Cause indicators", 2, 255),
	PBITS(0x13, B, "rinfo", "Redirection information", 2, f_redir_info),
	PBITS(0x15, B, "cgsmt", "Circuit group supervision message type", 1, f_cgsmt),
	PK(0x16, B, ISUP_PK_RANGE, "rs", "Range and status", 1, 33),
	PBITS(0x18, B, "fi", "Facility indicator", 1, f_u8),
	PBITS(0x1a, B, "cug", "Closed user group interlock code", 4, f_cug),
	PK(0x1d, B, ISUP_PK_USI, "usi", "User service information", 2, 255),
	PBITS(0x1e, B, "spc", "Signalling point code", 2, f_spc),
	PRAW(0x20, B, "uui", "User-to-user information", 1, 255),
	PNUM(0x21, B, ISUP_PK_NUMBER, "conn", "Connected number", 2, ISUP_NF_APRI | ISUP_NF_SI,
	     "isup.connected_number"),
	PBITS(0x22, B, "sri", "Suspend/resume indicators", 1, f_susres),
	PRAW(0x23, B, "tns", "Transit network selection", 1, 255),
	PBITS(0x24, B, "ei", "Event information", 1, f_event),
	PRAW(0x25, B, "cam", "Circuit assignment map", 1, 255),
	PK(0x26, B, ISUP_PK_CIRC_STATE, "csi", "Circuit state indicator", 1, 32),
	PBITS(0x27, B, "acl", "Automatic congestion level", 1, f_acl),
	PNUM(0x28, B, ISUP_PK_NUMBER, "ocn", "Original called number", 2, ISUP_NF_APRI, "isup.original_called_number"),
	PBITS(0x29, B, "obci", "Optional backward call indicators", 1, f_obci),
	PBITS(0x2a, B, "uuind", "User-to-user indicators", 1, f_uu_ind),
	PBITS(0x2b, I, "iscpc", "Origination ISC point code", 2, f_isc_pc),
	PBITS(0x2c, B, "gni", "Generic notification indicator", 1, f_gen_notif),
	PBITS(0x2d, I, "chi", "Call history information", 2, f_call_hist),
	PBITS(0x2e, I, "adi", "Access delivery information", 1, f_u8),
	PRAW(0x2f, I, "nsf", "Network specific facility", 1, 255),
	PK(0x30, B, ISUP_PK_USI, "usip", "User service information prime", 2, 255),
	PBITS(0x31, I, "pdc", "Propagation delay counter", 2, f_prop_delay),
	PRAW(0x32, B, "rops", "Remote operations", 1, 255),
	PRAW(0x33, B, "sa", "Service activation", 1, 255),
	PRAW(0x34, I, "uti", "User teleservice information", 2, 255),
	PBITS(0x35, I, "tmu", "Transmission medium used", 1, f_u8),
	PBITS(0x36, I, "cdi", "Call diversion information", 1, f_call_div),
	PBITS(0x37, I, "eci", "Echo control information", 1, f_echo),
	PK(0x38, I, ISUP_PK_MCI, "mci", "Message compatibility information", 1, 3),
	PK(0x39, I, ISUP_PK_PCI, "pci", "Parameter compatibility information", 2, 255),
	PBITS(0x3a, B, "mlpp", "MLPP precedence", 6, f_mlpp),
	PBITS(0x3b, I, "mcidreq", "MCID request indicators", 1, f_mcid),
	PBITS(0x3c, I, "mcidrsp", "MCID response indicators", 1, f_mcid),
	PBITS(0x3d, B, "hop", "Hop counter", 1, f_hop),
	PBITS(0x3e, I, "tmrp", "Transmission medium requirement prime", 1, f_tmr_prime),
	PNUM(0x3f, I, ISUP_PK_NUMBER, "loc", "Location number", 2, ISUP_NF_INN | ISUP_NF_APRI | ISUP_NF_SI,
	     "isup.location_number"),
	PBITS(0x40, I, "rnr", "Redirection number restriction", 1, f_u8),
	PBITS(0x43, I, "ctr", "Call transfer reference", 1, f_u8),
	PBITS(0x44, I, "lpi", "Loop prevention indicators", 1, f_loop_prev),
	PNUM(0x45, I, ISUP_PK_NUMBER, "ctn", "Call transfer number", 2, ISUP_NF_APRI | ISUP_NF_SI,
	     "isup.call_transfer_number"),
	PBITS(0x4b, I, "ccss", "CCSS", 1, f_u8),
	PRAW(0x4c, I, "fgvns", "Forward GVNS", 1, 255),
	PRAW(0x4d, I, "bgvns", "Backward GVNS", 1, 255),
	PRAW(0x4e, I, "rcap", "Redirect capability", 1, 255),
	PRAW(0x5b, I, "nmc", "Network management controls", 1, 255),
	PRAW(0x65, I, "corrid", "Correlation id", 1, 255),
	PRAW(0x66, I, "scfid", "SCF id", 1, 255),
	PBITS(0x6e, I, "cdti", "Call diversion treatment indicators", 1, f_u8),
	PNUM(0x6f, I, ISUP_PK_NUMBER, "cin", "Called IN number", 2, ISUP_NF_APRI, "isup.called_in_number"),
	PBITS(0x70, I, "coti2", "Call offering treatment indicators", 1, f_u8),
	PRAW(0x71, I, "cpid", "Charged party identification", 1, 255),
	PBITS(0x72, I, "cti", "Conference treatment indicators", 1, f_u8),
	PRAW(0x73, I, "disp", "Display information", 1, 255),
	PBITS(0x74, I, "uida", "UID action indicators", 1, f_u8),
	PBITS(0x75, I, "uidc", "UID capability indicators", 1, f_u8),
	PBITS(0x77, I, "rctr", "Redirect counter", 1, f_u8),
	PRAW(0x78, I, "apt", "Application transport", 3, 255),
	PBITS(0x79, I, "ccr", "Collect call request", 1, f_u8),
	PBITS(0x7a, I, "ccnr", "CCNR possible indicator", 1, f_u8),
	PBITS(0x7b, I, "pcap", "Pivot capability", 1, f_u8),
	PBITS(0x7c, I, "pri", "Pivot routing indicators", 1, f_u8),
	PNUM(0x7d, I, ISUP_PK_NUMBER, "cdn", "Called directory number", 2, ISUP_NF_INN, NULL),
	PNUM(0x7e, I, ISUP_PK_NUMBER, "ocin", "Original called IN number", 2, ISUP_NF_APRI, NULL),
	PRAW(0x81, I, "cgl", "Calling geodetic location", 2, 255),
	PNUM(0x82, I, ISUP_PK_NUMBER, "htr", "HTR information", 2, 0, NULL),
	PRAW(0x84, I, "nrn", "Network routing number", 2, 255),
	PBITS(0x85, I, "qorc", "Query on release capability", 1, f_u8),
	PBITS(0x86, I, "pst", "Pivot status", 1, f_u8),
	PBITS(0x87, I, "pctr", "Pivot counter", 1, f_u8),
	PRAW(0x88, I, "prfi", "Pivot routing forward information", 1, 255),
	PRAW(0x89, I, "prbi", "Pivot routing backward information", 1, 255),
	PBITS(0x8a, I, "rst", "Redirect status", 1, f_u8),
	PRAW(0x8b, I, "rfi", "Redirect forward information", 1, 255),
	PRAW(0x8c, I, "rbi", "Redirect backward information", 1, 255),
	PBITS(0x8d, I, "npfi", "Number portability forward information", 1, f_u8),
	PNUM(0xc0, B, ISUP_PK_GENNUM, "gn", "Generic number", 3, ISUP_NF_NI | ISUP_NF_APRI | ISUP_NF_SI,
	     "isup.generic_number"),
	PK(0xc1, B, ISUP_PK_GDIGITS, "gd", "Generic digits", 1, 255),
	/* ANSI T1.113.3 */
	PRAW(0xc2, A, "osi", "Operator services information", 1, 255),
	PRAW(0xc3, A, "egress", "Egress service", 1, 255),
	PRAW(0xc4, A, "jur", "Jurisdiction information", 1, 255),
	PRAW(0xc5, A, "cid", "Carrier identification", 1, 255),
	PRAW(0xc6, A, "bg", "Business group", 1, 255),
	PRAW(0xc7, A, "gname", "Generic name", 1, 255),
	PRAW(0xe1, A, "ni", "Notification indicator", 1, 255),
	PRAW(0xe3, A, "tr", "Transaction request", 1, 255),
	PBITS(0xe5, A, "cgci", "Circuit group characteristic indicator", 1, f_cg_char),
	PBITS(0xe6, A, "cvri", "Circuit validation response indicator", 1, f_cvr_resp),
	PRAW(0xe7, A, "otgn", "Outgoing trunk group number", 1, 255),
	PRAW(0xe8, A, "cidn", "Circuit identification name", 1, 255),
	PRAW(0xe9, A, "clli", "Common language location identification", 1, 255),
	PBITS(0xea, A, "oli", "Originating line information", 1, f_oli),
	PNUM(0xeb, A, ISUP_PK_NUMBER, "chn", "Charge number", 2, 0, "isup.charge_number"),
	PRAW(0xec, A, "sci", "Service code indicator", 1, 255),
	PRAW(0xed, A, "spr", "Special processing request", 1, 255),
	PBITS(0xee, A, "csi2", "Carrier selection information", 1, f_u8),
	PRAW(0xef, A, "nt", "Network transport", 1, 255),
};

static uint8_t par_index[2][256]; /* code -> index+1 into pars */

__attribute__((constructor)) static void isup_par_index_init(void)
{
	for (unsigned i = 0; i < NF(pars); i++)
		for (unsigned v = 0; v < 2; v++)
			if (pars[i].variants & ISUP_VAR_MASK(v))
				par_index[v][pars[i].code] = (uint8_t)(i + 1);
}

const struct isup_par_desc *isup_par_desc(enum isup_variant v, uint8_t code)
{
	unsigned i = par_index[v & 1][code];
	return i ? &pars[i - 1] : NULL;
}

const struct isup_par_desc *isup_par_desc_at(unsigned idx)
{
	return idx < NF(pars) ? &pars[idx] : NULL;
}

const struct isup_par_desc *isup_par_desc_by_abbr(enum isup_variant v, const char *abbr)
{
	for (unsigned c = 0; c < 256; c++) {
		const struct isup_par_desc *d = isup_par_desc(v, (uint8_t)c);
		if (d && !strcasecmp(d->abbr, abbr))
			return d;
	}
	return NULL;
}

bool isup_par_known(enum isup_variant v, uint8_t code)
{
	return isup_par_desc(v, code) != NULL;
}

/* ---- bit fields ---- */

static unsigned field_get(const uint8_t *d, const struct isup_bits_field *f)
{
	unsigned v = 0;
	if (f->be) {
		for (unsigned i = 0; i < f->width / 8u; i++)
			v = (v << 8) | d[f->octet + i];
		return v;
	}
	unsigned pos = f->octet * 8u + f->shift;
	for (unsigned i = 0; i < f->width; i++, pos++)
		v |= (unsigned)((d[pos / 8] >> (pos % 8)) & 1) << i;
	return v;
}

static void field_put(uint8_t *d, const struct isup_bits_field *f, unsigned v)
{
	if (f->be) {
		unsigned n = f->width / 8u;
		for (unsigned i = 0; i < n; i++)
			d[f->octet + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
		return;
	}
	unsigned pos = f->octet * 8u + f->shift;
	for (unsigned i = 0; i < f->width; i++, pos++)
		if ((v >> i) & 1)
			d[pos / 8] |= (uint8_t)(1u << (pos % 8));
}

static unsigned member_get(const void *s, const struct isup_bits_field *f)
{
	const uint8_t *p = (const uint8_t *)s + f->off;
	if (f->size == 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	return *p;
}

static void member_put(void *s, const struct isup_bits_field *f, unsigned v)
{
	uint8_t *p = (uint8_t *)s + f->off;
	if (f->size == 2) {
		uint16_t w = (uint16_t)v;
		memcpy(p, &w, 2);
	} else {
		*p = (uint8_t)v;
	}
}

int isup_bits_decode(enum isup_variant v, uint8_t code, const uint8_t *d, uint8_t len, void *out)
{
	const struct isup_par_desc *pd = isup_par_desc(v, code);
	if (!pd || pd->kind != ISUP_PK_BITS)
		return ISUP_ERR_BAD_VALUE;
	if (len != pd->min_len)
		return ISUP_ERR_BAD_LENGTH;
	for (unsigned i = 0; i < pd->n_fields; i++)
		member_put(out, &pd->fields[i], field_get(d, &pd->fields[i]));
	return ISUP_OK;
}

int isup_bits_encode(enum isup_variant v, uint8_t code, const void *in, uint8_t *buf, size_t size)
{
	const struct isup_par_desc *pd = isup_par_desc(v, code);
	if (!pd || pd->kind != ISUP_PK_BITS)
		return ISUP_ERR_BAD_VALUE;
	if (size < pd->min_len)
		return ISUP_ERR_NOSPACE;
	memset(buf, 0, pd->min_len);
	for (unsigned i = 0; i < pd->n_fields; i++) {
		const struct isup_bits_field *f = &pd->fields[i];
		unsigned val = member_get(in, f);
		if (f->width < 16 && val >> f->width)
			return ISUP_ERR_BAD_VALUE;
		field_put(buf, f, val);
	}
	return pd->min_len;
}

int isup_msg_get_bits(const struct isup_msg *m, uint8_t code, void *out)
{
	const struct isup_param *p = isup_msg_get(m, code);
	if (!p)
		return ISUP_ERR_MISSING_MANDATORY;
	return isup_bits_decode(m->variant, code, isup_msg_pdata(m, p), (uint8_t)p->len, out);
}

int isup_msg_put_bits(struct isup_msg *m, uint8_t code, const void *in)
{
	uint8_t buf[16];
	int rc = isup_bits_encode(m->variant, code, in, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	return isup_msg_set(m, code, buf, (uint8_t)rc);
}
