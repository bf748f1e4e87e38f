/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every message type of both variants, with many parameter combinations. */

#include "isup_samples.h"

#define ITU  ISUP_VAR_ITU
#define ANSI ISUP_VAR_ANSI

#define IAM_FIX "nci.echo_dev=1 fci.isup_ind=1 fci.isup_pref=0 fci.isdn_access=1 cpc.value=10 "

const struct isup_sample isup_samples[] = {
	/* ---- ITU-T Q.763 ---- */
	{ ITU, "IAM cic=1 " IAM_FIX "tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=12345 "
	       "cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=98" },
	{ ITU, "IAM cic=4095 nci.satellite=1 nci.cot_ind=1 fci.nat_intl=1 fci.e2e_method=3 fci.interworking=1 "
	       "fci.e2e_info=1 fci.isup_ind=1 fci.isup_pref=2 fci.sccp_method=3 fci.ported_num=1 fci.qor_attempt=1 "
	       "cpc.value=224 tmr.value=0 cdpn.nai=4 cdpn.inn=1 cdpn.npi=1 cdpn.digits=4930123456F "
	       "cgpn.nai=4 cgpn.ni=1 cgpn.npi=1 cgpn.apri=1 cgpn.si=1 cgpn.digits=4930999888 "
	       "ofci.cug_call=2 ofci.connected_line_req=1 hop.count=31" },
	{ ITU, "IAM cic=77 " IAM_FIX "tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=0B1C "
	       "cgpn.nai=0 cgpn.apri=2 cgpn.digits= rgn.nai=3 rgn.npi=1 rgn.apri=0 rgn.digits=2125551000 "
	       "ocn.nai=3 ocn.npi=1 ocn.apri=1 ocn.digits=2125551001 rinfo.redirecting_ind=3 rinfo.orig_reason=1 "
	       "rinfo.counter=2 rinfo.reason=2 hop.count=20" },
	{ ITU, "IAM cic=100 " IAM_FIX "tmr.value=0 cdpn.nai=1 cdpn.npi=1 cdpn.digits=5551234 "
	       "usi.coding=0 usi.itc=0 usi.mode=0 usi.rate=16 usi.l1=3 at=a1b2 "
	       "gn.nqi=6 gn.nai=3 gn.ni=0 gn.npi=1 gn.apri=0 gn.si=3 gn.digits=1800123 "
	       "gn#2.nqi=1 gn#2.nai=4 gn#2.npi=1 gn#2.digits=441234567890 "
	       "gd.encoding=0 gd.type=1 gd.digits=1234 loc.nai=3 loc.inn=1 loc.npi=1 loc.apri=0 loc.si=3 "
	       "loc.digits=493012 pdc.value=300 0x99=0102" },
	{ ITU, "IAM cic=2 " IAM_FIX "tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=30 "
	       "mci=91 pci=3980 uui=0401020304 mlpp.level=2 mlpp.lfb=1 mlpp.ni_d1=1 mlpp.dom2=7 "
	       "cug.ni_d1=1 cug.ni_d2=2 cug.ni_d3=3 cug.ni_d4=4 cug.binary=258 callref.id0=1 callref.pc=100 "
	       "chi.value=10 cdi.reason=3 eci.out_req=1 tmrp.value=2" },
	{ ITU, "SAM cic=1 sn.digits=678" },
	{ ITU, "SAM cic=1 sn.digits=9F" },
	{ ITU, "SAM cic=1 sn.digits=F" },
	{ ITU, "INR cic=3 inri.calling_req=1 inri.cpc_req=1" },
	{ ITU, "INF cic=3 infi.calling_resp=3 infi.cpc_resp=1 infi.solicited=0 cpc.value=10 cgpn.nai=3 cgpn.npi=1 "
	       "cgpn.digits=2125551212" },
	{ ITU, "COT cic=9 coti.cot=1" },
	{ ITU, "COT cic=9 coti.cot=0" },
	{ ITU, "ACM cic=1 bci.charge=2 bci.called_status=1 bci.called_category=1 bci.isup_ind=1 bci.isdn_access=1" },
	{ ITU, "ACM cic=1 bci.charge=1 bci.called_status=2 bci.e2e_method=0 bci.interworking=1 bci.holding=1 "
	       "bci.echo_dev=1 bci.sccp_method=2 obci.inband_info=1 obci.diversion_may_occur=1 gni.notification=123 "
	       "gni.ext=1" },
	{ ITU, "CON cic=1 bci.charge=2 bci.called_status=1 bci.isup_ind=1 conn.nai=3 conn.npi=1 conn.apri=0 "
	       "conn.si=3 conn.digits=2125559999" },
	{ ITU, "FOT cic=1" },
	{ ITU, "ANM cic=1" },
	{ ITU, "ANM cic=1 bci.charge=2 bci.isup_ind=1 obci.inband_info=0 conn.nai=4 conn.npi=1 conn.apri=1 "
	       "conn.si=1 conn.digits=442071234567" },
	{ ITU, "REL cic=5 cause.location=0 cause.cause=16" },
	{ ITU, "REL cic=5 cause.location=2 cause.cause=17 acl.value=1" },
	{ ITU, "REL cic=6 cause.coding=0 cause.location=4 cause.cause=1 cause.diag=84 rnn.nai=3 rnn.npi=1 "
	       "rnn.digits=2125550000" },
	{ ITU, "REL cic=6 cause.location=10 cause.rec=0 cause.cause=127" },
	{ ITU, "REL cic=6 cause.location=3 cause.cause=34 pci=3981" },
	{ ITU, "SUS cic=7 sri.ind=0" },
	{ ITU, "RES cic=7 sri.ind=1" },
	{ ITU, "RLC cic=5" },
	{ ITU, "RLC cic=5 cause.location=0 cause.cause=31" },
	{ ITU, "CCR cic=8" },
	{ ITU, "RSC cic=8" },
	{ ITU, "BLO cic=8" },
	{ ITU, "UBL cic=8" },
	{ ITU, "BLA cic=8" },
	{ ITU, "UBA cic=8" },
	{ ITU, "GRS cic=1 rs.range=31" },
	{ ITU, "GRS cic=33 rs.range=3" },
	{ ITU, "CGB cic=1 cgsmt.type=0 rs.range=7 rs.status=ff" },
	{ ITU, "CGB cic=1 cgsmt.type=1 rs.range=31 rs.status=0f00ff01" },
	{ ITU, "CGU cic=1 cgsmt.type=0 rs.range=15 rs.status=0f0f" },
	{ ITU, "CGBA cic=1 cgsmt.type=0 rs.range=7 rs.status=ff" },
	{ ITU, "CGUA cic=1 cgsmt.type=1 rs.range=9 rs.status=ff03" },
	{ ITU, "FAR cic=11 fi.value=2" },
	{ ITU, "FAA cic=11 fi.value=2" },
	{ ITU, "FRJ cic=11 fi.value=2 cause.location=0 cause.cause=29" },
	{ ITU, "LPA cic=12" },
	{ ITU, "PAM cic=13 body=06141600" },
	{ ITU, "GRA cic=1 rs.range=31 rs.status=00000000" },
	{ ITU, "GRA cic=1 rs.range=3 rs.status=05" },
	{ ITU, "CQM cic=1 rs.range=4" },
	{ ITU, "CQR cic=1 rs.range=2 csi=010d1c" },
	{ ITU, "CPG cic=1 ei.event=1" },
	{ ITU, "CPG cic=1 ei.event=2 ei.pres_restricted=1 obci.inband_info=1 bci.charge=2 bci.called_status=1" },
	{ ITU, "CPG cic=1 ei.event=4 rnn.nai=3 rnn.npi=1 rnn.digits=3000 rinfo.redirecting_ind=3 rinfo.counter=1 "
	       "rinfo.reason=1" },
	{ ITU, "USR cic=1 uui=0448656c6c6f" },
	{ ITU, "UCIC cic=4000" },
	{ ITU, "CFN cic=1 cause.location=0 cause.cause=97 cause.diag=ee" },
	{ ITU, "OLM cic=1" },
	{ ITU, "CRG cic=1 0xfe=0102" },
	{ ITU, "NRM cic=1 eci.out_resp=1 eci.in_resp=2" },
	{ ITU, "FAC cic=1 rops=a1020304 sa=01" },
	{ ITU, "UPT cic=1" },
	{ ITU, "UPA cic=1" },
	{ ITU, "IDR cic=1 mcidreq.a=1 mcidreq.b=1" },
	{ ITU, "IRS cic=1 mcidrsp.a=1 cgpn.nai=3 cgpn.npi=1 cgpn.digits=2125551212" },
	{ ITU, "SGM cic=1 at=a1 uui=01" },
	{ ITU, "LOP cic=1 ctr.value=3 lpi.type=1 lpi.response=2" },
	{ ITU, "APM cic=1 apt=800001020304" },
	{ ITU, "PRI cic=1 0x9a=00" },
	{ ITU, "SDM cic=1 cdn.nai=3 cdn.npi=1 cdn.digits=5551000" },
	/* ---- ANSI T1.113 ---- */
	{ ANSI, "IAM cic=1 nci.echo_dev=1 fci.isup_ind=1 fci.isup_pref=0 cpc.value=10 usi.coding=0 usi.itc=0 "
		"usi.mode=0 usi.rate=16 usi.l1=2 cdpn.nai=3 cdpn.npi=1 cdpn.digits=2125551212 "
		"cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=7035551000" },
	{ ANSI, "IAM cic=16383 nci.satellite=0 fci.nat_intl=0 fci.e2e_method=0 fci.isup_ind=1 cpc.value=10 "
		"usi.coding=0 usi.itc=8 usi.mode=0 usi.rate=16 cdpn.nai=4 cdpn.npi=1 cdpn.digits=44207123456 "
		"chn.nai=3 chn.npi=1 chn.digits=7035551000 oli.value=0 hop.count=15 jur=210355 cid=022880 "
		"gn.nqi=192 gn.nai=3 gn.npi=1 gn.digits=8005551234" },
	{ ANSI, "SAM cic=2 sn.digits=12" },
	{ ANSI, "INR cic=3 inri.calling_req=1" },
	{ ANSI, "INF cic=3 infi.calling_resp=3 cgpn.nai=3 cgpn.npi=1 cgpn.digits=7035551000" },
	{ ANSI, "COT cic=3 coti.cot=1" },
	{ ANSI, "ACM cic=300 bci.charge=2 bci.called_status=1 bci.called_category=1 bci.isup_ind=1" },
	{ ANSI, "CON cic=300 bci.charge=2 bci.isup_ind=1" },
	{ ANSI, "ANM cic=300" },
	{ ANSI, "REL cic=300 cause.location=0 cause.cause=16" },
	{ ANSI, "REL cic=300 cause.coding=2 cause.location=3 cause.cause=23" },
	{ ANSI, "RLC cic=300" },
	{ ANSI, "SUS cic=300 sri.ind=1" },
	{ ANSI, "RES cic=300 sri.ind=1" },
	{ ANSI, "FOT cic=300" },
	{ ANSI, "CCR cic=4" },
	{ ANSI, "RSC cic=4" },
	{ ANSI, "BLO cic=4" },
	{ ANSI, "UBL cic=4" },
	{ ANSI, "BLA cic=4" },
	{ ANSI, "UBA cic=4" },
	{ ANSI, "LPA cic=4" },
	{ ANSI, "UCIC cic=4" },
	{ ANSI, "OLM cic=4" },
	{ ANSI, "GRS cic=1 rs.range=23" },
	{ ANSI, "GRA cic=1 rs.range=23 rs.status=000000" },
	{ ANSI, "CGB cic=1 cgsmt.type=1 rs.range=23 rs.status=ffffff" },
	{ ANSI, "CGU cic=1 cgsmt.type=1 rs.range=23 rs.status=ffffff" },
	{ ANSI, "CGBA cic=1 cgsmt.type=0 rs.range=1 rs.status=03" },
	{ ANSI, "CGUA cic=1 cgsmt.type=0 rs.range=1 rs.status=03" },
	{ ANSI, "CQM cic=1 rs.range=3" },
	{ ANSI, "CQR cic=1 rs.range=1 csi=0101" },
	{ ANSI, "CPG cic=300 ei.event=2" },
	{ ANSI, "CFN cic=300 cause.location=0 cause.cause=97" },
	{ ANSI, "FAC cic=300" },
	{ ANSI, "FAR cic=300 fi.value=2" },
	{ ANSI, "FAA cic=300 fi.value=2" },
	{ ANSI, "FRJ cic=300 fi.value=2 cause.location=0 cause.cause=29" },
	{ ANSI, "USR cic=300 uui=0401" },
	{ ANSI, "CRG cic=300" },
	{ ANSI, "PAM cic=300 body=0900" },
	{ ANSI, "CRM cic=5 nci.satellite=0 nci.cot_ind=1" },
	{ ANSI, "CRA cic=5" },
	{ ANSI, "CVT cic=5" },
	{ ANSI, "CVR cic=5 cvri.response=1 cgci.carrier=2 cgci.double_seizure=1 cgci.alarm_carrier=0 "
		"cgci.cot_check=2" },
	{ ANSI, "EXM cic=5 otgn=3031" },
};

const unsigned isup_n_samples = sizeof(isup_samples) / sizeof(isup_samples[0]);
