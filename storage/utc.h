/*
 * utc.h - forwarding header: the time module is util/utc.h. It stays only
 * while the ledger sources (being rewritten) still include "utc.h"; delete it
 * when they include "util/utc.h".
 */
#ifndef TFA_STORAGE_UTC_H
#define TFA_STORAGE_UTC_H

#include "util/utc.h"

#endif
