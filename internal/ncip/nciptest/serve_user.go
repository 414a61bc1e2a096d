package nciptest

import (
	"interlend/internal/ncip"
)

// authUserID picks the identifier (Barcode Id or User Id input) and the
// secret (PIN or Password input) out of AuthenticationInput.
func authUserID(auth []ncip.AuthenticationInput) (id, secret string) {
	for _, a := range auth {
		switch {
		case a.Type.Is(ncip.AuthBarcodeID), a.Type.Is(ncip.AuthUserID):
			id = a.Data
		case a.Type.Is(ncip.AuthPIN), a.Type.Is(ncip.AuthPassword):
			secret = a.Data
		}
	}
	return id, secret
}

// resolveUser finds the user a message names, checking the PIN when the
// user is identified by AuthenticationInput.
func (r *Responder) resolveUser(x *exchange, id *ncip.UserID, auth []ncip.AuthenticationInput) (*User, *ncip.Problem) {
	if id != nil {
		u := r.users[id.Value]
		if u == nil {
			return nil, x.fail(ncip.UnknownUser, "UserIdentifierValue", id.Value, "no patron with this identifier")
		}
		return u, nil
	}
	uid, secret := authUserID(auth)
	if uid == "" {
		return nil, x.fail(ncip.NeededDataMissing, "AuthenticationInput", "", "no Barcode Id or User Id input")
	}
	u := r.users[uid]
	if u == nil {
		return nil, x.fail(ncip.UnknownUser, "AuthenticationInputData", uid, "no patron with this identifier")
	}
	if u.PIN != "" && secret != u.PIN {
		return nil, x.fail(ncip.UserAuthenticationFailed, "AuthenticationInputData", "", "")
	}
	return u, nil
}

// blocked refuses a blocked user.
func (x *exchange) blocked(u *User) *ncip.Problem {
	if !u.Blocked {
		return nil
	}
	return x.fail(ncip.UserBlocked, "UserIdentifierValue", u.ID, "")
}

// userID is the UserId to answer with: the type the initiator used, or
// Barcode.
func userID(sent *ncip.UserID, u *User) *ncip.UserID {
	if sent != nil {
		return &ncip.UserID{AgencyID: sent.AgencyID, Type: sent.Type, Value: u.ID}
	}
	return ncip.UserBarcode(u.ID)
}

func (r *Responder) lookupUser(x *exchange, m *ncip.LookupUser) (ncip.Body, *ncip.Problem) {
	u, p := r.resolveUser(x, m.UserID, m.AuthenticationInput)
	if p != nil {
		return nil, p
	}
	return &ncip.LookupUserResponse{
		ResponseHeader:     x.h,
		UserID:             userID(m.UserID, u),
		UserOptionalFields: r.userFields(u, m.UserElementType),
	}, nil
}

// userFields is what the element types ask to know about u, or nil.
func (r *Responder) userFields(u *User, types []ncip.SchemeValuePair) *ncip.UserOptionalFields {
	if u == nil || len(types) == 0 {
		return nil
	}
	f := &ncip.UserOptionalFields{}
	found := false
	if wants(types, ncip.UserElementNameInformation) && (u.Surname != "" || u.GivenName != "") {
		name := &ncip.PersonalNameInformation{}
		if u.Surname != "" {
			name.StructuredPersonalUserName = &ncip.StructuredPersonalUserName{GivenName: u.GivenName, Surname: u.Surname}
		} else {
			name.UnstructuredPersonalUserName = u.GivenName
		}
		f.NameInformation = &ncip.NameInformation{PersonalNameInformation: name}
		found = true
	}
	if wants(types, ncip.UserElementUserAddressInformation) && u.Email != "" {
		f.UserAddressInformation = []ncip.UserAddressInformation{{
			UserAddressRoleType: ncip.NewUserAddressRoleType("Home"),
			ElectronicAddress:   &ncip.ElectronicAddress{Type: ncip.Value("mailto"), Data: u.Email},
		}}
		found = true
	}
	if wants(types, ncip.UserElementUserPrivilege) && u.Category != "" {
		status := "Active"
		if !u.Expires.IsZero() && r.now().After(u.Expires) {
			status = "Expired"
		}
		f.UserPrivilege = []ncip.UserPrivilege{{
			AgencyID:                ncip.Value(r.agency()),
			AgencyUserPrivilegeType: ncip.Value(u.Category),
			ValidToDate:             ncip.At(u.Expires),
			UserPrivilegeStatus:     &ncip.UserPrivilegeStatus{Type: ncip.Value(status)},
		}}
		found = true
	}
	if wants(types, ncip.UserElementBlockOrTrap) && u.Blocked {
		reason := u.BlockReason
		if reason == "" {
			reason = "Blocked"
		}
		f.BlockOrTrap = []ncip.BlockOrTrap{{AgencyID: ncip.Value(r.agency()), Type: ncip.Value(reason)}}
		found = true
	}
	if wants(types, ncip.UserElementUserID) {
		f.UserID = []ncip.UserID{*ncip.UserBarcode(u.ID)}
		found = true
	}
	if !found {
		return nil
	}
	return f
}

// agency is the agency id to put in AgencyId elements (never empty).
func (r *Responder) agency() string {
	if r.Agency == "" {
		return "ILS"
	}
	return r.Agency
}
