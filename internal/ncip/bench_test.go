package ncip_test

import (
	"context"
	"testing"

	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
)

func BenchmarkMarshalAcceptItem(b *testing.B) {
	m := &ncip.Message{Body: acceptItem("ILL-1", "TMP-1")}
	for b.Loop() {
		if _, err := ncip.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalLookupUserResponse(b *testing.B) {
	doc := readExample(b, "02-LookupUserResponse.xml")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := ncip.Unmarshal(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientLookupUser is one full call over loopback HTTP to the
// test responder: marshal, POST, the responder's parse and answer, parse.
func BenchmarkClientLookupUser(b *testing.B) {
	srv := nciptest.NewServer(b, "US-EXREQ")
	srv.AddUser(nciptest.User{ID: "P1", GivenName: "Jane", Surname: "Doe", Email: "j@example.edu", Category: "Faculty"})
	c := srv.Client("ILL")
	req := &ncip.LookupUser{UserID: ncip.UserBarcode("P1"), UserElementType: ncip.UserElementTypes(ncip.UserElementNameInformation, ncip.UserElementUserAddressInformation, ncip.UserElementUserPrivilege)}
	for b.Loop() {
		if _, err := c.LookupUser(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
