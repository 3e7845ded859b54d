/* Copyright (c) tunnelworks
 * GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
 *
 * LD_PRELOAD shim that moves a process's wall clock OVPN6_SHIM_TIME_SHIFT seconds ahead, so a test
 * can run a real OpenVPN server as it will run years from now, against the certificates and CRL
 * made today. OpenSSL checks a certificate's and a CRL's dates against time(NULL) (X509_cmp_time
 * with no time given); OpenVPN's own clock reads time, gettimeofday and clock_gettime. The three
 * are shifted by the same amount, so OpenVPN's timers keep their rhythm. CLOCK_MONOTONIC and the
 * other clocks are left alone. The first call reports the shift on stderr, for the test to see.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long shift_seconds(void)
{
    static int known;
    static long shift;
    if (!known) {
        const char *text = getenv("OVPN6_SHIM_TIME_SHIFT");
        known = 1;
        shift = text ? strtol(text, NULL, 10) : 0;
        fprintf(stderr, "time_shift: wall clock shifted by %ld s\n", shift);
    }
    return shift;
}

time_t time(time_t *out)
{
    struct timespec now;
    static int (*real_clock_gettime)(clockid_t, struct timespec *);
    if (!real_clock_gettime)
        real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    real_clock_gettime(CLOCK_REALTIME, &now);
    time_t value = now.tv_sec + shift_seconds();
    if (out)
        *out = value;
    return value;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    static int (*real_gettimeofday)(struct timeval *, void *);
    if (!real_gettimeofday)
        real_gettimeofday = (int (*)(struct timeval *, void *))dlsym(RTLD_NEXT, "gettimeofday");
    int result = real_gettimeofday(tv, tz);
    if (result == 0)
        tv->tv_sec += shift_seconds();
    return result;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    static int (*real_clock_gettime)(clockid_t, struct timespec *);
    if (!real_clock_gettime)
        real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real_clock_gettime(clock, ts);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE))
        ts->tv_sec += shift_seconds();
    return result;
}
