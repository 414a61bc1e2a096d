package mail

import (
	"bytes"
	"errors"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"interlend/internal/i18n"
	"interlend/internal/ill"
)

// Template is the source of one kind of notice. Subject and Text use
// text/template syntax; HTML uses html/template syntax, so every value from
// the data is escaped for its context, and it is the content of <body> (the
// document around it is added). The function t looks a text up in the
// message catalog: {{t "mail.test.greeting"}}, {{t "key" .Arg}}.
// An empty HTML sends a plain text message.
type Template struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
}

// Rendered is a notice ready to queue.
type Rendered struct {
	Subject string
	Text    string
	HTML    string // a whole HTML document, or "" for text only
	// Custom is set when the agency's own template was used.
	Custom bool
	// Problem is why the agency's own template could not be used (the
	// default was used instead), or nil.
	Problem error
}

// Limits on one template and on what it may produce.
const (
	MaxTemplate = 64 << 10 // bytes per field
	maxOutput   = MaxBody
)

var errOutputTooLarge = errors.New("the template produced more than 1 MiB")

// limitWriter stops a template that writes without end.
type limitWriter struct {
	buf bytes.Buffer
	max int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.max {
		return 0, errOutputTooLarge
	}
	return w.buf.Write(p)
}

func funcs(locale string) map[string]any {
	cat := i18n.Load()
	return map[string]any{
		"t": func(key string, args ...any) string { return cat.Text(locale, key, args...) },
	}
}

// FieldError says which field of a template failed and why.
type FieldError struct {
	Field string // subject, text or html
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Render executes the template with data in a locale ("" is English).
// Errors are *FieldError naming the field that failed.
func (t Template) Render(data any, locale string) (Rendered, error) {
	if locale == "" {
		locale = i18n.Default
	}
	fm := funcs(locale)
	var r Rendered
	var err error
	if r.Subject, err = execText("subject", t.Subject, fm, data); err != nil {
		return Rendered{}, err
	}
	r.Subject = strings.Join(strings.Fields(r.Subject), " ")
	if r.Subject == "" {
		return Rendered{}, &FieldError{"subject", errors.New("the subject is empty")}
	}
	if r.Text, err = execText("text", t.Text, fm, data); err != nil {
		return Rendered{}, err
	}
	r.Text = tidyText(r.Text)
	if strings.TrimSpace(r.Text) == "" {
		return Rendered{}, &FieldError{"text", errors.New("the text is empty")}
	}
	if strings.TrimSpace(t.HTML) != "" {
		body, err := execHTML(t.HTML, fm, data)
		if err != nil {
			return Rendered{}, err
		}
		if r.HTML, err = wrapHTML(locale, r.Subject, body); err != nil {
			return Rendered{}, &FieldError{"html", err}
		}
	}
	return r, nil
}

func execText(field, src string, fm map[string]any, data any) (string, error) {
	if len(src) > MaxTemplate {
		return "", &FieldError{field, errors.New("the template is longer than 64 KiB")}
	}
	tpl, err := texttemplate.New(field).Funcs(fm).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", &FieldError{field, err}
	}
	w := &limitWriter{max: maxOutput}
	if err := tpl.Execute(w, data); err != nil {
		return "", &FieldError{field, err}
	}
	return w.buf.String(), nil
}

func execHTML(src string, fm map[string]any, data any) (htmltemplate.HTML, error) {
	if len(src) > MaxTemplate {
		return "", &FieldError{"html", errors.New("the template is longer than 64 KiB")}
	}
	tpl, err := htmltemplate.New("html").Funcs(fm).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", &FieldError{"html", err}
	}
	w := &limitWriter{max: maxOutput}
	if err := tpl.Execute(w, data); err != nil {
		return "", &FieldError{"html", err}
	}
	// The output of html/template is safe HTML by construction.
	return htmltemplate.HTML(w.buf.String()), nil //nolint:gosec // escaped by html/template above
}

// tidyText trims trailing spaces on each line (except the signature
// separator "-- ") and blank lines at both ends, and ends the text with
// one newline.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if l != "-- " { // the signature separator keeps its space
			lines[i] = strings.TrimRight(l, " \t")
		}
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n") + "\n"
}

// document is the HTML around every notice's body: fixed, so that an
// agency's template is only the content.
var document = htmltemplate.Must(htmltemplate.New("document").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
</head>
<body style="margin:0;padding:16px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:16px;line-height:1.5;color:#1b1b1b;background:#ffffff">
<div style="max-width:640px">
{{.Body}}
</div>
</body>
</html>
`))

func wrapHTML(locale, title string, body htmltemplate.HTML) (string, error) {
	lang := locale
	if lang == i18n.Pseudo {
		lang = i18n.Default
	}
	var b bytes.Buffer
	err := document.Execute(&b, struct {
		Lang, Title string
		Body        htmltemplate.HTML
	}{lang, title, body})
	return b.String(), err
}

// Check parses t and renders it with sample data, as an agency's template
// is checked before it is saved. The error is ill.Invalid with a message
// for each field that fails.
func (t Template) Check(sample any) error {
	fields := map[string]string{}
	for {
		_, err := t.Render(sample, i18n.Default)
		if err == nil {
			break
		}
		var fe *FieldError
		if !errors.As(err, &fe) {
			return err
		}
		fields[fe.Field] = fe.Err.Error()
		// Blank the failing field with something valid to find the others.
		switch fe.Field {
		case "subject":
			t.Subject = "x"
		case "text":
			t.Text = "x"
		case "html":
			t.HTML = ""
		}
	}
	if len(fields) > 0 {
		return ill.E(ill.Invalid, "the template has errors", fields)
	}
	return nil
}
