// Package mail composes and sends Interlend's email: notices to patrons,
// staff digests, password resets, test messages.
//
// Three parts:
//   - Message and Compose build a MIME message (plain text and HTML
//     alternatives, UTF-8 subjects and names) whose Message-ID is derived
//     from a stable key, the sending job's idempotency key, so that a
//     message delivered twice after a crash carries the same Message-ID;
//   - Sender delivers one message over SMTP (plain, STARTTLS or TLS, with
//     timeouts) and classifies failures as temporary (4xx, network) or
//     permanent (5xx) in a *SendError that never prints the addresses;
//   - notice templates: Template is the source of one kind of notice
//     (subject and text in text/template, HTML in html/template so that data
//     is escaped); defaults are embedded per notice key and take their
//     English wording from the message catalog (mail.json); an agency may
//     override a template, and a broken override falls back to the default
//     with the problem reported.
//
// Nothing here touches the database: queuing, the mail log and retries live
// in internal/app (mail.go) and the job runner. Tests use the in-process SMTP
// server in mail/mailtest.
package mail
