/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libisup public interface: the one header other folders include. */
#pragma once

#include "q850.h"
#include "isup_msg.h"
#include "isup_param.h"
#include "isup_text.h"
#include "isup_cc.h"
#include "isup_net.h"
#include "isup_timers.h"
#include "mtp/mtp3.h"
#include "mtp/ss7_pcap.h"
