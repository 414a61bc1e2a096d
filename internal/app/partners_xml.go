package app

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// XMLToken is one piece of pretty-printed XML: its kind says how to show
// it ("tag" for names and brackets, "attr" for attribute names, "value"
// for quoted attribute values, "text", "comment", "decl" for the XML
// declaration and other processing instructions, and "ws" for line
// breaks and indentation).
type XMLToken struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// XMLDoc is a message's XML, indented, as tokens.
type XMLDoc []XMLToken

// String is the indented XML as text.
func (d XMLDoc) String() string {
	var b strings.Builder
	for _, t := range d {
		b.WriteString(t.Text)
	}
	return b.String()
}

// maxXMLDepth bounds the nesting PrettyXML follows (ISO 18626 messages
// are five or six levels deep).
const maxXMLDepth = 100

// xmlNode is an element, or a run of text, a comment or a processing
// instruction, of the document being indented.
type xmlNode struct {
	kind     string // element, text, comment, decl, directive
	name     string
	attrs    []xml.Attr
	text     string
	children []*xmlNode
}

// PrettyXML indents a message's XML for people to read: one element per
// line, two spaces per level, leaf elements with their text on one line,
// whitespace between elements dropped. Names keep their prefixes and
// nothing else is changed; text and attribute values are escaped again.
// XML that cannot be read is an error (show it raw).
func PrettyXML(raw string) (XMLDoc, error) {
	d := xml.NewDecoder(strings.NewReader(raw))
	d.Strict = true
	root := &xmlNode{kind: "root"}
	stack := []*xmlNode{root}
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the XML cannot be read: %w", err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > maxXMLDepth {
				return nil, errors.New("the XML is nested too deeply to show")
			}
			n := &xmlNode{kind: "element", name: xmlQName(t.Name), attrs: append([]xml.Attr(nil), t.Attr...)}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 1 || top.name != xmlQName(t.Name) {
				return nil, fmt.Errorf("the XML cannot be read: unexpected </%s>", xmlQName(t.Name))
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 1 && len(bytes.TrimSpace(t)) > 0 {
				top.children = append(top.children, &xmlNode{kind: "text", text: string(t)})
			}
		case xml.Comment:
			top.children = append(top.children, &xmlNode{kind: "comment", text: string(t)})
		case xml.ProcInst:
			top.children = append(top.children, &xmlNode{kind: "decl", name: t.Target, text: string(t.Inst)})
		case xml.Directive:
			top.children = append(top.children, &xmlNode{kind: "directive", text: string(t)})
		}
	}
	if len(stack) != 1 {
		return nil, fmt.Errorf("the XML cannot be read: <%s> is not closed", stack[len(stack)-1].name)
	}
	var out XMLDoc
	for i, n := range root.children {
		if i > 0 {
			out = append(out, XMLToken{"ws", "\n"})
		}
		out = n.print(out, 0)
	}
	return out, nil
}

func xmlQName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func (n *xmlNode) print(out XMLDoc, depth int) XMLDoc {
	indent := strings.Repeat("  ", depth)
	switch n.kind {
	case "text":
		return append(out, XMLToken{"ws", indent}, XMLToken{"text", xmlEscapeText(strings.TrimSpace(n.text))})
	case "comment":
		return append(out, XMLToken{"ws", indent}, XMLToken{"comment", "<!--" + n.text + "-->"})
	case "decl":
		inst := ""
		if n.text != "" {
			inst = " " + n.text
		}
		return append(out, XMLToken{"ws", indent}, XMLToken{"decl", "<?" + n.name + inst + "?>"})
	case "directive":
		return append(out, XMLToken{"ws", indent}, XMLToken{"decl", "<!" + n.text + ">"})
	}
	out = append(out, XMLToken{"ws", indent}, XMLToken{"tag", "<" + n.name})
	for _, a := range n.attrs {
		out = append(out, XMLToken{"ws", " "}, XMLToken{"attr", xmlQName(a.Name) + "="}, XMLToken{"value", `"` + xmlEscapeAttr(a.Value) + `"`})
	}
	switch {
	case len(n.children) == 0:
		return append(out, XMLToken{"tag", "/>"})
	case len(n.children) == 1 && n.children[0].kind == "text":
		return append(out, XMLToken{"tag", ">"}, XMLToken{"text", xmlEscapeText(n.children[0].text)}, XMLToken{"tag", "</" + n.name + ">"})
	}
	out = append(out, XMLToken{"tag", ">"})
	for _, c := range n.children {
		out = append(out, XMLToken{"ws", "\n"})
		out = c.print(out, depth+1)
	}
	return append(out, XMLToken{"ws", "\n" + indent}, XMLToken{"tag", "</" + n.name + ">"})
}

var (
	xmlTextEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	xmlAttrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\n", "&#xA;", "\t", "&#x9;", "\r", "&#xD;")
)

func xmlEscapeText(s string) string { return xmlTextEscaper.Replace(s) }
func xmlEscapeAttr(s string) string { return xmlAttrEscaper.Replace(s) }
