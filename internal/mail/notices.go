package mail

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"interlend/internal/ill"
)

// Notice is one kind of email Interlend sends, with its default template
// and sample data (used to check an agency's edited template and to show
// a preview).
type Notice struct {
	Key         string // e.g. "test", "patron.item_arrived"
	Description string // for the admin page (English; the page translates by key)
	Default     Template
	Sample      any
}

var (
	noticesMu sync.RWMutex
	notices   = map[string]Notice{}
)

// Register adds a kind of notice. Features call it from an init function
// with their own embedded default (see RegisterFS). It panics on a
// duplicate key or a default that does not render with its sample: both
// are programming errors found by the first test run.
func Register(n Notice) {
	if n.Key == "" {
		panic("mail: notice without a key")
	}
	if _, err := n.Default.Render(n.Sample, ""); err != nil {
		panic(fmt.Sprintf("mail: default template of notice %q does not render with its sample: %v", n.Key, err))
	}
	noticesMu.Lock()
	defer noticesMu.Unlock()
	if _, dup := notices[n.Key]; dup {
		panic("mail: notice registered twice: " + n.Key)
	}
	notices[n.Key] = n
}

// LoadTemplate reads the default template of notice key from fsys:
// <dir>/<key>.subject, <key>.txt and, optionally, <key>.html.
func LoadTemplate(fsys fs.FS, dir, key string) (Template, error) {
	read := func(ext string, optional bool) (string, error) {
		b, err := fs.ReadFile(fsys, path.Join(dir, key+ext))
		if err != nil && optional {
			return "", nil
		}
		return string(b), err
	}
	var t Template
	var err error
	if t.Subject, err = read(".subject", false); err != nil {
		return Template{}, fmt.Errorf("mail: notice %s: %w", key, err)
	}
	if t.Text, err = read(".txt", false); err != nil {
		return Template{}, fmt.Errorf("mail: notice %s: %w", key, err)
	}
	if t.HTML, err = read(".html", true); err != nil {
		return Template{}, err
	}
	return t, nil
}

// RegisterFS registers notice key with its default template read from
// fsys (see LoadTemplate). For init functions: it panics on error.
func RegisterFS(fsys fs.FS, dir, key, description string, sample any) {
	t, err := LoadTemplate(fsys, dir, key)
	if err != nil {
		panic(err)
	}
	Register(Notice{Key: key, Description: description, Default: t, Sample: sample})
}

// Lookup finds a registered notice.
func Lookup(key string) (Notice, bool) {
	noticesMu.RLock()
	defer noticesMu.RUnlock()
	n, ok := notices[key]
	return n, ok
}

// Notices lists the registered notices by key.
func Notices() []Notice {
	noticesMu.RLock()
	defer noticesMu.RUnlock()
	out := make([]Notice, 0, len(notices))
	for _, n := range notices {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Render renders notice key with data in a locale. When override (an
// agency's own template, nil if it has none) renders, it is used;
// otherwise the default is used and Rendered.Problem says what was wrong
// with the override, to be reported to the agency. The error is NotFound
// for an unknown key, or the default's own failure (wrong data).
func Render(key string, override *Template, data any, locale string) (Rendered, error) {
	n, ok := Lookup(key)
	if !ok {
		return Rendered{}, ill.Errorf(ill.NotFound, "no mail notice %q", key)
	}
	var problem error
	if override != nil {
		r, err := override.Render(data, locale)
		if err == nil {
			r.Custom = true
			return r, nil
		}
		problem = fmt.Errorf("the library's own %q template failed, the default was used: %w", key, err)
	}
	r, err := n.Default.Render(data, locale)
	if err != nil {
		return Rendered{}, fmt.Errorf("mail: notice %s: %w", key, err)
	}
	r.Problem = problem
	return r, nil
}

// CheckOverride checks an agency's template for notice key against the
// notice's sample data before it is saved (ill.Invalid per field).
func CheckOverride(key string, t Template) error {
	n, ok := Lookup(key)
	if !ok {
		return ill.Errorf(ill.NotFound, "no mail notice %q", key)
	}
	return t.Check(n.Sample)
}

//go:embed templates
var builtin embed.FS

// TestNotice is the key of the test message sent from the admin area.
const TestNotice = "test"

// TestData is the data of the test message.
type TestData struct {
	Agency string // name of the library sending it
	SentBy string // name of the person who asked for it
}

func init() {
	entries, err := fs.ReadDir(builtin, "templates")
	if err != nil {
		panic(err)
	}
	samples := map[string]any{
		TestNotice: TestData{Agency: "Example University Library", SentBy: "Ada Lovelace"},
	}
	descriptions := map[string]string{
		TestNotice: "a test message that checks the mail settings",
	}
	for _, e := range entries {
		key, ok := strings.CutSuffix(e.Name(), ".subject")
		if !ok {
			continue
		}
		sample, ok := samples[key]
		if !ok {
			panic("mail: built-in notice " + key + " has no sample data")
		}
		RegisterFS(builtin, "templates", key, descriptions[key], sample)
	}
}
