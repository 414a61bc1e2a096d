package mail_test

import (
	"errors"
	"strings"
	"testing"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/mail"
)

type item struct {
	Title  string
	Patron string
}

func TestHTMLEscapesData(t *testing.T) {
	t.Parallel()
	tpl := mail.Template{
		Subject: "Arrived: {{.Title}}",
		Text:    "Dear {{.Patron}},\n\n{{.Title}} has arrived.",
		HTML:    `<p>Dear {{.Patron}},</p><p><a href="https://x.example/?q={{.Title}}">{{.Title}}</a> has arrived.</p>`,
	}
	data := item{Title: `<script>alert("x")</script> & Sons`, Patron: "Zoë"}
	r, err := tpl.Render(data, "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>") {
		t.Errorf("HTML part holds a live <script>:\n%s", r.HTML)
	}
	if !strings.Contains(r.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Sons") {
		t.Errorf("HTML part does not show the title as text:\n%s", r.HTML)
	}
	if strings.Contains(r.HTML, `q=<script>`) || !strings.Contains(r.HTML, "q=%3cscript%3e") {
		t.Errorf("the URL attribute is not escaped for a URL:\n%s", r.HTML)
	}
	if want := "Dear Zoë,\n\n" + data.Title + " has arrived.\n"; r.Text != want {
		t.Errorf("text: got %q, want %q (plain text is not escaped)", r.Text, want)
	}
	if !strings.HasPrefix(r.HTML, "<!DOCTYPE html>") || !strings.Contains(r.HTML, `<html lang="en">`) {
		t.Errorf("the body is not wrapped in a document:\n%s", r.HTML)
	}
	if !strings.Contains(r.HTML, "<title>Arrived: &lt;script&gt;") {
		t.Errorf("the document title is not the escaped subject:\n%s", r.HTML)
	}
}

func TestRenderShapesText(t *testing.T) {
	t.Parallel()
	tpl := mail.Template{Subject: "\n  Two\nlines  {{.}}\n", Text: "\n\nBody   \n-- \nsig\n\n\n"}
	r, err := tpl.Render("x", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Two lines x" {
		t.Errorf("subject: got %q", r.Subject)
	}
	if r.Text != "Body\n-- \nsig\n" {
		t.Errorf("text: got %q", r.Text)
	}
	if r.HTML != "" {
		t.Errorf("no HTML template, got an HTML part %q", r.HTML)
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tpl   mail.Template
		data  any
		field string
	}{
		{"unknown field", mail.Template{Subject: "x", Text: "{{.Nope}}"}, item{}, "text"},
		{"missing map key", mail.Template{Subject: "{{.nope}}", Text: "x"}, map[string]any{"title": "t"}, "subject"},
		{"parse error", mail.Template{Subject: "x", Text: "x", HTML: "<p>{{if}}</p>"}, nil, "html"},
		{"empty subject", mail.Template{Subject: "{{/* nothing */}}", Text: "x"}, nil, "subject"},
		{"endless output", mail.Template{Subject: "x", Text: "{{range .}}0123456789{{end}}"}, make([]int, 200_000), "text"},
		{"too long", mail.Template{Subject: "x", Text: strings.Repeat("x", mail.MaxTemplate+1)}, nil, "text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.tpl.Render(tc.data, "")
			var fe *mail.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want a problem in %s", err, tc.field)
			}
		})
	}
}

func TestDefaultNoticesRender(t *testing.T) {
	t.Parallel()
	ns := mail.Notices()
	if len(ns) == 0 {
		t.Fatal("no notices registered")
	}
	for _, n := range ns {
		for _, locale := range []string{i18n.Default, i18n.Pseudo} {
			r, err := mail.Render(n.Key, nil, n.Sample, locale)
			if err != nil {
				t.Fatalf("%s (%s): %v", n.Key, locale, err)
			}
			all := r.Subject + r.Text + r.HTML
			if locale == i18n.Default && strings.Contains(all, "⟦") {
				t.Errorf("%s: a catalog key is missing:\n%s", n.Key, all)
			}
			if locale == i18n.Pseudo && !strings.Contains(r.Subject, "⟦") {
				t.Errorf("%s: the subject %q bypasses the catalog", n.Key, r.Subject)
			}
			if r.Custom || r.Problem != nil {
				t.Errorf("%s: custom %v problem %v without an override", n.Key, r.Custom, r.Problem)
			}
		}
	}
	r, err := mail.Render(mail.TestNotice, nil, mail.TestData{Agency: "Bücherei Süd", SentBy: "Ada"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Test message from Bücherei Süd" || !strings.Contains(r.Text, "at the request of Ada") {
		t.Errorf("got subject %q text %q", r.Subject, r.Text)
	}
}

func TestOverrides(t *testing.T) {
	t.Parallel()
	data := mail.TestData{Agency: "Lib", SentBy: "Ada"}
	good := &mail.Template{Subject: "Hallo von {{.Agency}}", Text: "Test von {{.SentBy}}", HTML: "<p>Test von {{.SentBy}}</p>"}
	r, err := mail.Render(mail.TestNotice, good, data, "")
	if err != nil || !r.Custom || r.Problem != nil || r.Subject != "Hallo von Lib" {
		t.Fatalf("good override: got %+v, %v", r, err)
	}
	broken := &mail.Template{Subject: "Hallo {{.Bibliothek}}", Text: "x"}
	r, err = mail.Render(mail.TestNotice, broken, data, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Custom || r.Problem == nil || r.Subject != "Test message from Lib" {
		t.Errorf("broken override: got custom %v problem %v subject %q; want the default and a problem", r.Custom, r.Problem, r.Subject)
	}
	if _, err := mail.Render("no.such.notice", nil, data, ""); !ill.Is(err, ill.NotFound) {
		t.Errorf("unknown notice: got %v, want NotFound", err)
	}
	err = mail.CheckOverride(mail.TestNotice, mail.Template{Subject: "{{.Nope}}", Text: "fine", HTML: "<p>{{end}}</p>"})
	fields := ill.FieldErrors(err)
	if !ill.Is(err, ill.Invalid) || fields["subject"] == "" || fields["html"] == "" || fields["text"] != "" {
		t.Errorf("check: got %v with fields %v; want subject and html named", err, fields)
	}
	if err := mail.CheckOverride(mail.TestNotice, *good); err != nil {
		t.Errorf("check of a good template: %v", err)
	}
}

func TestRegisterRefusesBrokenDefaults(t *testing.T) {
	t.Parallel()
	for name, n := range map[string]mail.Notice{
		"duplicate":      {Key: mail.TestNotice, Default: mail.Template{Subject: "x", Text: "x"}},
		"no key":         {Default: mail.Template{Subject: "x", Text: "x"}},
		"does not parse": {Key: "test.broken", Default: mail.Template{Subject: "{{", Text: "x"}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Register did not panic", name)
				}
			}()
			mail.Register(n)
		}()
	}
}
