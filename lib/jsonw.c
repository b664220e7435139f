/*
 * jsonw.c - JSON value writers over sbuf.
 */
#include "jsonw.h"

#include <stdio.h>
#include <string.h>

#include "sbuf.h"

void jw_str(struct sbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;

    sbuf_addn(sb, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20) {
            memcpy(u, "\\u00", 4);
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            esc = u;
        }
        if (esc != NULL) {
            sbuf_addn(sb, s + start, i - start);
            sbuf_add(sb, esc);
            start = i + 1;
        }
    }
    sbuf_addn(sb, s + start, n - start);
    sbuf_addn(sb, "\"", 1);
}

/* Writes the decimal digits of v ending at end; returns the start (no snprintf: hot path). */
static char *digits(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

void jw_int(struct sbuf *sb, int64_t v)
{
    char buf[24];
    char *end = buf + sizeof(buf);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *p = digits(end, u);
    if (v < 0)
        *--p = '-';
    sbuf_addn(sb, p, (size_t)(end - p));
}

/* n digits of v, zero-padded, at out. */
static void fixed(char *out, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void jw_bool(struct sbuf *sb, int v)
{
    sbuf_add(sb, v ? "true" : "false");
}

void jw_null(struct sbuf *sb)
{
    sbuf_addn(sb, "null", 4);
}

void jw_key(struct sbuf *sb, const char *key)
{
    sbuf_addn(sb, "\"", 1);
    sbuf_add(sb, key);
    sbuf_addn(sb, "\":", 2);
}

/* Days since 1970-01-01 to a proleptic Gregorian date (after Howard Hinnant). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

void jw_timestamp(struct sbuf *sb, int64_t us)
{
    char buf[48];
    int n;

    if (us == INT64_MAX || us == INT64_MIN) {
        sbuf_add(sb, us == INT64_MAX ? "\"infinity\"" : "\"-infinity\"");
        return;
    }
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs--;
    }
    secs += 946684800; /* 2000-01-01 in Unix time */
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        n = snprintf(buf, sizeof(buf), "\"%lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    } else {
        /* "YYYY-MM-DDTHH:MM:SS" without printf (hundreds of these per list page). */
        buf[0] = '"';
        fixed(buf + 1, (unsigned)y, 4);
        buf[5] = '-';
        fixed(buf + 6, m, 2);
        buf[8] = '-';
        fixed(buf + 9, d, 2);
        buf[11] = 'T';
        fixed(buf + 12, (unsigned)(rem / 3600), 2);
        buf[14] = ':';
        fixed(buf + 15, (unsigned)(rem / 60 % 60), 2);
        buf[17] = ':';
        fixed(buf + 18, (unsigned)(rem % 60), 2);
        n = 20;
    }
    if (frac != 0) {
        int nd = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            nd--;
        }
        buf[n++] = '.';
        fixed(buf + n, (unsigned)frac, nd);
        n += nd;
    }
    memcpy(buf + n, "+00:00\"", 7);
    n += 7;
    sbuf_addn(sb, buf, (size_t)n);
}
