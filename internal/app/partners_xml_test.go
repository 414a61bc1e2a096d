package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"interlend/internal/app"
)

func TestPrettyXML(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, raw, want string
	}{
		{"indents and keeps prefixes",
			`<?xml version="1.0" encoding="UTF-8"?><ill:ISO18626Message xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2"><ill:header><ill:timestamp>2026-03-02T14:00:00Z</ill:timestamp></ill:header><ill:empty/></ill:ISO18626Message>`,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ill:ISO18626Message xmlns:ill=\"http://illtransactions.org/2013/iso18626\" ill:version=\"1.2\">\n  <ill:header>\n    <ill:timestamp>2026-03-02T14:00:00Z</ill:timestamp>\n  </ill:header>\n  <ill:empty/>\n</ill:ISO18626Message>"},
		{"drops whitespace between elements, keeps text",
			"<a>\n   <b> two  words </b>\n\n<c x='1'>t</c></a>",
			"<a>\n  <b> two  words </b>\n  <c x=\"1\">t</c>\n</a>"},
		{"escapes text and attributes again",
			`<a t="&quot;q&quot; &amp; &lt;">1 &lt; 2 &amp;&amp; 3 &gt; 2</a>`,
			`<a t="&quot;q&quot; &amp; &lt;">1 &lt; 2 &amp;&amp; 3 &gt; 2</a>`},
		{"mixed content and comments",
			`<a>text<!-- note --><b/></a>`,
			"<a>\n  text\n  <!-- note -->\n  <b/>\n</a>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := app.PrettyXML(c.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.String(); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	for _, bad := range []string{"", "<a><b></a>", "<a>", "not xml at all <", "<a>&undefined;</a>", strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200)} {
		if doc, err := app.PrettyXML(bad); err == nil && bad != "" {
			t.Errorf("PrettyXML(%.40q) = %q, want an error", bad, doc.String())
		}
	}
}

// Every shared example message is shown indented, and reads back as the
// same document (same elements and text).
func TestPrettyXMLOfTheExamples(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../standards/iso18626/examples/*/*.xml")
	if len(files) == 0 {
		t.Fatal("no example messages found")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := app.PrettyXML(string(raw))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		again, err := app.PrettyXML(doc.String())
		if err != nil || again.String() != doc.String() {
			t.Errorf("%s: indenting twice changes it (%v)", filepath.Base(f), err)
		}
		if strings.Count(doc.String(), "\n") < 5 {
			t.Errorf("%s: not indented:\n%s", filepath.Base(f), doc)
		}
	}
}
