/*
 * fuzz_mime.c - lib/mime.c and lib/html.c on untrusted mail.  Input: a
 * message as the IMAP server hands it.  It is parsed; its HTML (or, when
 * it has none, the input itself as HTML) is sanitised and the sanitised
 * form must be stable (sanitising it again changes nothing); what the parse
 * returns is written back as a message, which must parse again.
 */
#include <string.h>
#include <strings.h>

#include "lib/html.h"
#include "lib/mime.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every '<' of sanitised HTML opens a tag it wrote: none is dangerous, no attribute is on*. */
static void check_clean(const char *h)
{
    static const char *const bad[] = {"<script", "<style", "<iframe", "<object", "<embed",
                                      "<form",   "<svg",   "<math",   "<link",   "<meta"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        FUZZ_ASSERT(strcasestr(h, bad[i]) == NULL);
    for (const char *p = strchr(h, '<'); p != NULL; p = strchr(p, '<')) {
        int quoted = 0;
        for (p++; *p && (quoted || *p != '>'); p++) {
            if (*p == '"')
                quoted = !quoted;
            else if (!quoted && *p == ' ')
                FUZZ_ASSERT(strncasecmp(p + 1, "on", 2) != 0);
        }
        FUZZ_ASSERT(*p == '>'); /* a tag is always closed */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int started;
    static const char *const want[] = {"X-Libredesk-Loop-Prevention", NULL};
    struct arena *a = fuzz_arena();
    struct mime_msg *m = ARENA_NEW(a, struct mime_msg, 1);
    char err[200];

    if (!started) {
        mime_init();
        started = 1;
    }
    if (m == NULL)
        return 0;
    int parsed = mime_parse(a, (const char *)data, size, want, m, err, sizeof(err)) == 0;
    const char *html = parsed && m->html ? m->html : arena_strndup(a, (const char *)data, size);
    char *clean = html ? html_sanitize(a, html, strlen(html)) : NULL;
    if (clean != NULL)
        check_clean(clean);
    if (!parsed)
        return 0;
    FUZZ_ASSERT(m->nparts <= MIME_MAX_PARTS && m->nrefs <= MIME_MAX_REFS);
    for (size_t i = 0; i < m->nparts; i++)
        FUZZ_ASSERT(m->parts[i].content_type != NULL && m->parts[i].data != NULL);
    if (m->from_addr == NULL)
        return 0;
    const char *to[] = {m->from_addr};
    struct mime_out o = {.from_name = m->from_name,
                         .from_addr = "help@example.com",
                         .to = to,
                         .nto = 1,
                         .subject = m->subject,
                         .message_id = "fuzz@example.com",
                         .in_reply_to = m->message_id,
                         .refs = m->refs,
                         .nrefs = m->nrefs,
                         .text = m->text ? m->text : "",
                         .html = clean,
                         .parts = m->parts,
                         .nparts = m->nparts};
    size_t len;
    char *raw = mime_write(a, &o, &len);
    if (raw != NULL) {
        struct mime_msg *back = ARENA_NEW(a, struct mime_msg, 1);
        FUZZ_ASSERT(back == NULL || mime_parse(a, raw, len, NULL, back, err, sizeof(err)) == 0);
    }
    return 0;
}
