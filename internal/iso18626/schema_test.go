package iso18626

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"interlend/internal/testenv"
)

// fill sets every field reachable from v: strings, codes with a scheme,
// valid closed codes, dates, one element per slice. Addresses alternate
// between electronic and physical so that the XSD choice holds and both
// kinds appear.
type filler struct{ addresses int }

var fillValues = map[reflect.Type]reflect.Value{
	reflect.TypeFor[Status]():           reflect.ValueOf(StatusLoaned),
	reflect.TypeFor[Action]():           reflect.ValueOf(ActionRenew),
	reflect.TypeFor[ReasonForMessage](): reflect.ValueOf(ReasonStatusChange),
	reflect.TypeFor[ServiceType]():      reflect.ValueOf(ServiceLoan),
	reflect.TypeFor[RequestType]():      reflect.ValueOf(RequestRetry),
	reflect.TypeFor[RequestSubType]():   reflect.ValueOf(SubTypePatronRequest),
	reflect.TypeFor[PreferredEdition](): reflect.ValueOf(EditionAny),
	reflect.TypeFor[MessageStatus]():    reflect.ValueOf(MessageError),
	reflect.TypeFor[ErrorType]():        reflect.ValueOf(ErrBadlyFormedMessage),
	reflect.TypeFor[YesNo]():            reflect.ValueOf(Yes),
	reflect.TypeFor[Decimal]():          reflect.ValueOf(Decimal("1.50")),
	reflect.TypeFor[DateTime]():         reflect.ValueOf(At(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))),
	reflect.TypeFor[Code]():             reflect.ValueOf(Code{Value: "x", Scheme: "urn:x"}),
}

func (f *filler) fill(v reflect.Value) {
	if x, ok := fillValues[v.Type()]; ok {
		v.Set(x)
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		f.fill(v.Index(0))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[Address]() {
			f.addresses++
			if f.addresses%2 == 0 {
				v.Set(reflect.ValueOf(Address{ElectronicAddress: &ElectronicAddress{C("Email"), "a@b.example"}}))
			} else {
				f.fill(v.FieldByName("PhysicalAddress"))
			}
			return
		}
		for i := range v.NumField() {
			f.fill(v.Field(i))
		}
	}
}

// fullMessages returns one message of each type with every field set.
func fullMessages() []*Message {
	var out []*Message
	mt := reflect.TypeFor[Message]()
	for i := range mt.NumField() {
		if mt.Field(i).Type.Kind() != reflect.Pointer {
			continue
		}
		m := &Message{}
		(&filler{}).fill(reflect.ValueOf(m).Elem().Field(i))
		out = append(out, m)
	}
	return out
}

// xsdElementNames lists every element name an XSD declares.
func xsdElementNames(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "element" {
			for _, a := range se.Attr {
				if a.Name.Local == "name" && !slices.Contains(names, a.Value) {
					names = append(names, a.Value)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

func elementNames(t *testing.T, doc []byte, into map[string]bool) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			into[se.Name.Local] = true
		}
	}
}

// TestSchemaCoverage writes a message of each type with every field set, in
// each version: the output validates against the version's XSD, and
// together the six messages use every element name the XSD declares. So
// the model covers every element, and the order of each is right.
func TestSchemaCoverage(t *testing.T) {
	t.Parallel()
	for _, v := range []Version{V1_2, V2021} {
		t.Run(v.String(), func(t *testing.T) {
			t.Parallel()
			seen := map[string]bool{}
			for _, m := range fullMessages() {
				m.Version = v
				out := encode(m)
				testenv.ValidateXSD(t, xsdFor(t, v), out)
				elementNames(t, out, seen)
				back, _, err := ParseWith(out, ParseOptions{Version: v})
				if err != nil {
					t.Fatalf("re-parse %s: %v", m.Kind(), err)
				}
				if again := encode(back); !bytes.Equal(again, out) {
					t.Errorf("%s: encode(Parse(encode(m))) differs:\n%s\n%s", m.Kind(), out, again)
				}
			}
			var got []string
			for n := range seen {
				got = append(got, n)
			}
			slices.Sort(got)
			if want := xsdElementNames(t, xsdFor(t, v)); !slices.Equal(got, want) {
				t.Errorf("elements written %v\nXSD declares     %v", got, want)
			}
		})
	}
}
