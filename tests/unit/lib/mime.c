/* lib/mime.c and lib/html.c - parsing and writing messages, sanitising their HTML. */
#include <string.h>

#include "lib/arena.h"
#include "lib/html.h"
#include "lib/mime.h"
#include "tests/suite_of.h"
#include "tests/unit/suites.h"

static struct arena *ar;

static void setup(void)
{
    mime_init();
    ar = arena_new(8 << 20);
}

static void teardown(void)
{
    arena_free(ar);
}

static const char sample[] =
    "From: =?utf-8?q?Ren=C3=A9e?= Dupont <Renee@Example.ORG>\r\n"
    "To: help@example.com\r\n"
    "Subject: =?utf-8?b?Q2Fmw6k=?= broken - #123\r\n"
    "Message-ID: <m2@example.org>\r\n"
    "In-Reply-To: <m1@example.com>\r\n"
    "References: <m0@example.com> <m1@example.com>\r\n"
    "X-Custom: yes\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=OUT\r\n\r\n"
    "--OUT\r\nContent-Type: multipart/alternative; boundary=ALT\r\n\r\n"
    "--ALT\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 au lait\r\n"
    "--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Caf\xc3\xa9</p>\r\n"
    "--ALT--\r\n"
    "--OUT\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"a.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
    "--OUT\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n"
    "--OUT--\r\n";

START_TEST(test_parse)
{
    static const char *const want[] = {"X-Custom", "X-Missing", NULL};
    struct mime_msg m;
    char err[100];
    ck_assert_int_eq(mime_parse(ar, sample, sizeof(sample) - 1, want, &m, err, sizeof(err)), 0);
    ck_assert_str_eq(m.from_addr, "renee@example.org");
    ck_assert_str_eq(m.from_name, "Ren\xc3\xa9"
                                  "e Dupont");
    ck_assert_str_eq(m.subject, "Caf\xc3\xa9 broken - #123");
    ck_assert_str_eq(m.message_id, "m2@example.org");
    ck_assert_str_eq(m.in_reply_to, "m1@example.com");
    ck_assert_uint_eq(m.nrefs, 2);
    ck_assert_str_eq(m.refs[0], "m0@example.com");
    ck_assert_str_eq(m.refs[1], "m1@example.com");
    ck_assert_str_eq(m.text, "Caf\xc3\xa9 au lait"); /* the CRLF before a boundary is its own */
    ck_assert_str_eq(m.html, "<p>Caf\xc3\xa9</p>");
    ck_assert_uint_eq(m.nparts, 2);
    ck_assert_str_eq(m.parts[0].filename, "a.pdf");
    ck_assert_str_eq(m.parts[0].content_type, "application/pdf");
    ck_assert_int_eq(m.parts[0].is_inline, 0);
    ck_assert_uint_eq(m.parts[0].len, 9);
    ck_assert_int_eq(memcmp(m.parts[0].data, "%PDF-1.4\n", 9), 0);
    ck_assert_ptr_null(m.parts[1].filename);
    ck_assert_str_eq(m.parts[1].content_id, "img1");
    ck_assert_int_eq(m.parts[1].is_inline, 1);
    ck_assert_int_eq(m.auto_reply, 0);
    ck_assert_int_eq(m.bounce, 0);
    ck_assert_str_eq(m.want[0], "yes");
    ck_assert_ptr_null(m.want[1]);
}
END_TEST

START_TEST(test_auto_and_bounce)
{
    static const char a[] = "From: x@example.org\r\nAuto-Submitted: auto-replied\r\n\r\naway\r\n";
    static const char b[] = "From: MAILER-DAEMON@example.org\r\nSubject: failure\r\n\r\nno\r\n";
    static const char c[] = "From: x@example.org\r\nAuto-Submitted: no\r\n\r\nhi\r\n";
    struct mime_msg m;
    char err[100];
    ck_assert_int_eq(mime_parse(ar, a, sizeof(a) - 1, NULL, &m, err, sizeof(err)), 0);
    ck_assert_int_eq(m.auto_reply, 1);
    ck_assert_int_eq(mime_parse(ar, b, sizeof(b) - 1, NULL, &m, err, sizeof(err)), 0);
    ck_assert_int_eq(m.bounce, 1);
    ck_assert_int_eq(mime_parse(ar, c, sizeof(c) - 1, NULL, &m, err, sizeof(err)), 0);
    ck_assert_int_eq(m.auto_reply, 0);
}
END_TEST

START_TEST(test_report)
{
    static const char r[] =
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        "Subject: Undelivered\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n"
        "--R\r\nContent-Type: text/plain\r\n\r\nIt failed.\r\n"
        "--R\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; a@b.c\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n"
        "--R\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: help@example.com\r\nMessage-ID: <u1@example.com>\r\nSubject: Re: x\r\n"
        "--R--\r\n";
    struct mime_msg m;
    char err[100];
    ck_assert_int_eq(mime_parse(ar, r, sizeof(r) - 1, NULL, &m, err, sizeof(err)), 0);
    ck_assert_int_eq(m.bounce, 1);
    ck_assert_str_eq(m.report_id, "u1@example.com");
    ck_assert_str_eq(m.report_reason, "smtp; 550 5.1.1 no such user");
}
END_TEST

START_TEST(test_write_round_trip)
{
    const char *to[] = {"ann@example.org"}, *cc[] = {"bob@example.org"};
    const char *refs[] = {"r1@x", "r2@x"};
    const char *hn[] = {"X-Loop"}, *hv[] = {"abc"};
    struct mime_part f = {"n\xc3\xb6tes.pdf", "application/pdf", NULL, 0, "%PDF-1.4\n", 9};
    struct mime_out o = {.from_name = "Help Desk",
                         .from_addr = "help@example.com",
                         .to = to,
                         .nto = 1,
                         .cc = cc,
                         .ncc = 1,
                         .subject = "Re: Caf\xc3\xa9 - #5",
                         .message_id = "u1@example.com",
                         .in_reply_to = "r2@x",
                         .refs = refs,
                         .nrefs = 2,
                         .hdr_names = hn,
                         .hdr_values = hv,
                         .nhdrs = 1,
                         .text = "Hello",
                         .html = "<p>Hello</p>",
                         .parts = &f,
                         .nparts = 1};
    size_t len;
    char *raw = mime_write(ar, &o, &len);
    ck_assert_ptr_nonnull(raw);
    ck_assert_ptr_nonnull(strstr(raw, "\r\nIn-Reply-To: <r2@x>\r\n"));
    ck_assert_ptr_nonnull(strstr(raw, "\r\nReferences: <r1@x> <r2@x>\r\n"));
    ck_assert_ptr_nonnull(strstr(raw, "\r\nX-Loop: abc\r\n"));
    ck_assert_ptr_null(strstr(raw, "\n\n")); /* CRLF only */
    struct mime_msg m;
    char err[100];
    static const char *const want[] = {"X-Loop", NULL};
    ck_assert_int_eq(mime_parse(ar, raw, len, want, &m, err, sizeof(err)), 0);
    ck_assert_str_eq(m.from_addr, "help@example.com");
    ck_assert_str_eq(m.from_name, "Help Desk");
    ck_assert_str_eq(m.subject, "Re: Caf\xc3\xa9 - #5");
    ck_assert_str_eq(m.message_id, "u1@example.com");
    ck_assert_str_eq(m.text, "Hello");
    ck_assert_str_eq(m.html, "<p>Hello</p>");
    ck_assert_uint_eq(m.nparts, 1);
    ck_assert_str_eq(m.parts[0].filename, "n\xc3\xb6tes.pdf");
    ck_assert_uint_eq(m.parts[0].len, 9);
    ck_assert_str_eq(m.want[0], "abc");
}
END_TEST

START_TEST(test_sanitize)
{
    const char *in =
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<p class=x onclick=\"evil()\">A &amp; <b>B</b></p><script>alert(1)</script>"
        "<a href=\"javascript:alert(1)\">j</a><a href=\"https://e.org/?a=1&b=2\">ok</a>"
        "<img src=\"cid:logo\" onerror=\"x()\"><img src=\"data:image/png;base64,AA\">"
        "<custom><i>kept</i></custom><iframe src=\"https://e.org\">gone</iframe>"
        "<table><tr><td colspan=\"2\">c</td></tr></table></body></html>";
    char *out = html_sanitize(ar, in, strlen(in));
    ck_assert_str_eq(out, "<p>A &amp; <b>B</b></p>"
                          "<a rel=\"noopener noreferrer nofollow\" target=\"_blank\">j</a>"
                          "<a href=\"https://e.org/?a=1&amp;b=2\" rel=\"noopener noreferrer "
                          "nofollow\" target=\"_blank\">ok</a><img src=\"cid:logo\"><img>"
                          "<i>kept</i><table><tr><td colspan=\"2\">c</td></tr></table>");
    ck_assert_str_eq(html_sanitize(ar, "", 0), "");
    ck_assert_str_eq(html_from_text(ar, "a < b\nc"), "<p>a &lt; b<br>c</p>");
}
END_TEST

Suite *mime_suite(void)
{
    return SUITE_OF("mime", 10, setup, teardown, test_parse, test_auto_and_bounce, test_report,
                    test_write_round_trip, test_sanitize);
}
