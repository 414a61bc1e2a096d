package openurl

import (
	"fmt"
	"sort"
	"strings"
)

// Parse reads an OpenURL: a query string ("url_ver=Z39.88-2004&..."),
// optionally with a leading '?', or a whole http(s) URL, whose query is
// used. It returns an error wrapping ErrTooLarge for input over
// MaxInputBytes and ErrNoCitation when no bibliographic field or
// identifier was found; anything else odd becomes a Warning.
func Parse(rawQuery string) (*Result, error) {
	return parse(rawQuery, charsetUnset)
}

// level says which OpenURL version a key belongs to; 1.0 keys win.
type level int

const (
	lvl10 level = iota
	lvl01
)

// entry is one decoded value with the key it was sent under.
type entry struct{ key, val string }

// parser collects the decoded pairs of one OpenURL.
type parser struct {
	meta      [2]map[string][]entry // by level: metadata key (no rft.) -> values
	ids       [2][]entry            // rft_id / id
	referrer  [2][]entry            // rfr_id / sid
	private   [2][]entry            // rft_dat / pid
	valFmt    []entry               // rft_val_fmt
	requester string
	services  []string
	extra     map[string][]string
	unknown   []string // keys put in extra, for one warning
	seen      [2]bool  // a key of that level carried a value
	warnings  []Warning
	dropped   int // warnings not kept
	pairs     int // pairs read
	// noCitation is set by build when no bibliographic field was found.
	noCitation bool
}

func parse(s string, hint charset) (*Result, error) {
	if len(s) > MaxInputBytes {
		return nil, fmt.Errorf("openurl: %d bytes, limit %d: %w", len(s), MaxInputBytes, ErrTooLarge)
	}
	raws, over := splitKEV(queryPart(s), MaxPairs)
	p := &parser{meta: [2]map[string][]entry{{}, {}}}
	if over > 0 {
		p.warn("", fmt.Sprintf("%d pairs beyond the limit of %d ignored", over, MaxPairs))
	}
	cs := p.charset(raws, hint)
	malformed := 0
	for _, rp := range raws {
		key, ok := decodeKey(rp.key, cs)
		if !ok || !validKey(key) {
			malformed++
			continue
		}
		val := p.decodeValue(rp.val, cs, key)
		if val == "" {
			continue
		}
		p.pairs++
		p.add(key, val)
	}
	if malformed > 0 {
		p.warn("", fmt.Sprintf("%d pairs with malformed keys ignored", malformed))
	}
	if len(p.unknown) > 0 {
		p.warn("", "unrecognised keys kept in Extra: "+listKeys(p.unknown))
	}
	r := p.build()
	if p.noCitation {
		return nil, fmt.Errorf("openurl: %w in %d non-empty pairs", ErrNoCitation, p.pairs)
	}
	return r, nil
}

// queryPart strips a URL down to its query, or a leading '?'.
func queryPart(s string) string {
	s = strings.TrimSpace(s)
	if hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://") {
		i := strings.IndexByte(s, '?')
		if i < 0 {
			return ""
		}
		q := s[i+1:]
		if j := strings.IndexByte(q, '#'); j >= 0 {
			q = q[:j]
		}
		return q
	}
	return strings.TrimPrefix(s, "?")
}

// charset finds the declared encoding before any value is decoded, as
// ctx_enc may come last.
func (p *parser) charset(raws []rawPair, hint charset) charset {
	for _, rp := range raws {
		k, _ := unescape(rp.key)
		k = strings.ToLower(k)
		if k != "ctx_enc" && k != "__char_set" {
			continue
		}
		v, _ := unescape(rp.val)
		if cs, ok := charsetOf(v); ok {
			return cs
		}
		if strings.TrimSpace(v) != "" {
			p.warn(rp.key, "unknown character encoding; UTF-8 assumed")
		}
	}
	if hint != charsetUnset {
		return hint
	}
	return charsetUTF8
}

// decodeKey decodes a key; ok is false when it had a malformed escape or
// bytes that are not text, which make it unusable.
func decodeKey(s string, cs charset) (key string, ok bool) {
	b, ok := unescape(s)
	t, repaired := toText(b, cs)
	return clean(t), ok && !repaired
}

// decodeValue unescapes, converts, cleans and caps one value, warning
// under key about what it had to repair.
func (p *parser) decodeValue(s string, cs charset, key string) string {
	b, ok := unescape(s)
	if !ok {
		p.warn(key, "malformed percent escape kept literally")
	}
	t, repaired := toText(b, cs)
	if repaired {
		p.warn(key, "not valid UTF-8; bytes read as Windows-1252")
	}
	t = clean(t)
	if len(t) > MaxValueBytes {
		t = truncate(t, MaxValueBytes)
		p.warn(key, fmt.Sprintf("value cut to %d bytes", MaxValueBytes))
	}
	return t
}

func (p *parser) warn(key, msg string) {
	if lk := strings.ToLower(key); strings.HasPrefix(lk, "req_") || strings.HasPrefix(lk, "req.") {
		key = "req_id" // a requester key may itself be odd; never echo it
	}
	for _, w := range p.warnings {
		if w.Key == key && w.Message == msg {
			return
		}
	}
	if len(p.warnings) >= MaxWarnings {
		p.dropped++
		return
	}
	p.warnings = append(p.warnings, Warning{Key: key, Message: msg})
}

// metaKeys are the metadata keys of the journal, book and dissertation
// matrices (without "rft."), plus doi, pmid and language, which vendors
// send. Bare (0.1-style) forms of all of them are read too.
var metaKeys = map[string]bool{
	"genre": true, "atitle": true, "jtitle": true, "stitle": true, "btitle": true, "title": true,
	"au": true, "aulast": true, "aufirst": true, "auinit": true, "auinit1": true, "auinitm": true,
	"ausuffix": true, "aucorp": true, "date": true, "chron": true, "ssn": true, "quarter": true,
	"volume": true, "part": true, "issue": true, "spage": true, "epage": true, "pages": true,
	"artnum": true, "issn": true, "eissn": true, "isbn": true, "coden": true, "sici": true,
	"bici": true, "place": true, "pub": true, "edition": true, "tpages": true, "series": true,
	"inst": true, "degree": true, "advisor": true, "co": true, "cc": true, "language": true,
	"doi": true, "pmid": true,
}

// adminKeys are ContextObject and transport keys that carry no citation
// data but mark OpenURL 1.0.
var adminKeys = map[string]bool{
	"url_ver": true, "url_ctx_fmt": true, "url_tim": true, "url_ctx_val": true, "url_ctx_ref": true,
	"ctx_ver": true, "ctx_enc": true, "ctx_id": true, "ctx_tim": true, "svc_val_fmt": true,
}

// add files one decoded pair.
func (p *parser) add(key, val string) {
	k := strings.ToLower(key)
	switch {
	case adminKeys[k]:
		p.seen[lvl10] = true
	case k == "__char_set":
	case k == "rft_val_fmt":
		p.seen[lvl10] = true
		p.valFmt = append(p.valFmt, entry{key, val})
	case k == "rft_id" || k == "id":
		l := levelOf(k == "id")
		p.ids[l] = append(p.ids[l], entry{key, val})
		p.seen[l] = true
	case k == "rfr_id" || k == "sid":
		l := levelOf(k == "sid")
		p.referrer[l] = append(p.referrer[l], entry{key, val})
		p.seen[l] = true
	case k == "rft_dat" || k == "pid":
		l := levelOf(k == "pid")
		p.private[l] = append(p.private[l], entry{key, val})
		p.seen[l] = true
	case k == "req_id":
		p.seen[lvl10] = true
		if p.requester == "" {
			p.requester = val
		}
	case strings.HasPrefix(k, "req_") || strings.HasPrefix(k, "req."):
		p.seen[lvl10] = true
		p.warn("req_id", "requester data other than req_id dropped")
	case strings.HasPrefix(k, "svc."):
		p.seen[lvl10] = true
		if v := strings.ToLower(val); v == "yes" || v == "y" || v == "1" || v == "true" {
			p.services = append(p.services, k[4:])
		}
	case strings.HasPrefix(k, "rft.") && metaKeys[k[4:]]:
		p.seen[lvl10] = true
		p.meta[lvl10][k[4:]] = append(p.meta[lvl10][k[4:]], entry{key, val})
	case metaKeys[k]:
		p.seen[lvl01] = true
		p.meta[lvl01][k] = append(p.meta[lvl01][k], entry{key, val})
	default:
		if p.extra == nil {
			p.extra = map[string][]string{}
		}
		if _, ok := p.extra[key]; !ok {
			p.unknown = append(p.unknown, key)
		}
		p.extra[key] = append(p.extra[key], val)
	}
}

func levelOf(is01 bool) level {
	if is01 {
		return lvl01
	}
	return lvl10
}

// get is the first value of a metadata key, the 1.0 form first.
func (p *parser) get(k string) entry {
	for _, l := range []level{lvl10, lvl01} {
		if e := p.meta[l][k]; len(e) > 0 {
			return e[0]
		}
	}
	return entry{}
}

// all is every value of a metadata key at the best level present.
func (p *parser) all(k string) []entry {
	if e := p.meta[lvl10][k]; len(e) > 0 {
		return e
	}
	return p.meta[lvl01][k]
}

func (p *parser) version() Version {
	switch {
	case p.seen[lvl10] && p.seen[lvl01]:
		return VersionHybrid
	case p.seen[lvl10]:
		return Version10
	case p.seen[lvl01]:
		return Version01
	}
	return VersionUnknown
}

func listKeys(keys []string) string {
	const show = 10
	s := append([]string(nil), keys...)
	sort.Strings(s)
	if len(s) > show {
		return strings.Join(s[:show], ", ") + fmt.Sprintf(" and %d more", len(s)-show)
	}
	return strings.Join(s, ", ")
}
