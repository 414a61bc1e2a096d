package ill

import "slices"

// AgencyID identifies a library hosted by (or known to) this deployment: its
// primary symbol, usually an ISIL such as "US-EXREQ". Agency-owned data is
// always stored and queried with its AgencyID.
type AgencyID string

// Role is what a person may do in one agency. One person may hold roles in
// several agencies; the operator role is deployment-wide.
type Role string

// The roles, from most to least powerful.
const (
	RoleOperator        Role = "operator"         // runs the deployment: every agency, jobs, accounts
	RoleConsortiumAdmin Role = "consortium_admin" // manages several member agencies and the network directory
	RoleManager         Role = "manager"          // ILL manager: policies, partners, fees, copyright, staff, statistics
	RoleBorrowing       Role = "borrowing"        // borrowing staff
	RoleLending         Role = "lending"          // lending staff
	RoleStudent         Role = "student"          // student assistant: scan, receive, ship; no fees or copyright decisions
	RoleReadOnly        Role = "readonly"         // sees everything in the agency, changes nothing
	RolePatron          Role = "patron"           // asks for items and follows their own requests
)

// Roles lists every role in display order.
var Roles = []Role{RoleOperator, RoleConsortiumAdmin, RoleManager, RoleBorrowing, RoleLending, RoleStudent, RoleReadOnly, RolePatron}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// IsStaff reports whether r works at a desk (anything but patron).
func (r Role) IsStaff() bool { return r.Valid() && r != RolePatron }

// Permission is one thing a role may do. The role × permission matrix below is
// the only place that decides; docs/roles.md is printed from it.
type Permission string

// Permissions, grouped by area.
const (
	PermRequestView    Permission = "request.view"     // see the agency's requests, timelines and messages
	PermBorrowAct      Permission = "borrow.act"       // borrowing desk: review, route, send, cancel, renew, return
	PermLendAct        Permission = "lend.act"         // lending desk: answer, conditions, renewals, recall
	PermScan           Permission = "desk.scan"        // receive, ship, check in, pull slips, labels
	PermFees           Permission = "fees.manage"      // accept costs, charges ledger, invoices
	PermCopyright      Permission = "copyright.decide" // copyright clearance decisions
	PermPatronView     Permission = "patron.view"      // look patrons up
	PermPatronManage   Permission = "patron.manage"    // edit, block and import patrons
	PermSettings       Permission = "settings.manage"  // agency settings, policies, notices
	PermUsers          Permission = "users.manage"     // staff accounts and roles of the agency
	PermStats          Permission = "stats.view"       // statistics and reports
	PermExportIdentity Permission = "export.identity"  // exports that include patron identity
	PermJobs           Permission = "jobs.manage"      // jobs page: dead letters, re-drive
	PermDirectory      Permission = "directory.manage" // the network directory (partners, endpoints)
	PermAgencies       Permission = "agencies.manage"  // create agencies in the deployment
	PermPatronSelf     Permission = "patron.self"      // the patron portal: own requests only
	PermAPITokens      Permission = "tokens.own"       // create and revoke one's own API tokens
)

// Permissions lists every permission in display order.
var Permissions = []Permission{
	PermRequestView, PermBorrowAct, PermLendAct, PermScan, PermFees, PermCopyright,
	PermPatronView, PermPatronManage, PermSettings, PermUsers, PermStats, PermExportIdentity,
	PermJobs, PermDirectory, PermAgencies, PermPatronSelf, PermAPITokens,
}

// PermissionDescriptions explains each permission for docs and admin pages.
var PermissionDescriptions = map[Permission]string{
	PermRequestView:    "see the agency's requests, timelines and protocol messages",
	PermBorrowAct:      "borrowing desk: review, route, send, cancel, renew, return",
	PermLendAct:        "lending desk: answer, set conditions, renewals, recalls",
	PermScan:           "receive, ship and check in by scan; print pull slips and labels",
	PermFees:           "accept costs, edit the charges ledger, invoices",
	PermCopyright:      "copyright clearance decisions",
	PermPatronView:     "look patrons up",
	PermPatronManage:   "edit, block and import patrons",
	PermSettings:       "agency settings, policies and notices",
	PermUsers:          "staff accounts and their roles in the agency",
	PermStats:          "statistics and reports",
	PermExportIdentity: "exports that include patron identity",
	PermJobs:           "jobs page: failures, dead letters, re-drive",
	PermDirectory:      "the network directory of partner libraries",
	PermAgencies:       "create and configure agencies in the deployment",
	PermPatronSelf:     "the patron portal: one's own requests",
	PermAPITokens:      "create and revoke one's own API tokens",
}

// RolePermissions is the role × permission matrix.
var RolePermissions = map[Role][]Permission{
	RoleOperator: {PermRequestView, PermBorrowAct, PermLendAct, PermScan, PermFees, PermCopyright,
		PermPatronView, PermPatronManage, PermSettings, PermUsers, PermStats, PermExportIdentity,
		PermJobs, PermDirectory, PermAgencies, PermAPITokens},
	RoleConsortiumAdmin: {PermRequestView, PermPatronView, PermSettings, PermUsers, PermStats,
		PermJobs, PermDirectory, PermAPITokens},
	RoleManager: {PermRequestView, PermBorrowAct, PermLendAct, PermScan, PermFees, PermCopyright,
		PermPatronView, PermPatronManage, PermSettings, PermUsers, PermStats, PermExportIdentity,
		PermJobs, PermAPITokens},
	RoleBorrowing: {PermRequestView, PermBorrowAct, PermScan, PermFees, PermCopyright,
		PermPatronView, PermPatronManage, PermStats, PermAPITokens},
	RoleLending:  {PermRequestView, PermLendAct, PermScan, PermFees, PermPatronView, PermStats, PermAPITokens},
	RoleStudent:  {PermRequestView, PermScan, PermPatronView},
	RoleReadOnly: {PermRequestView, PermPatronView, PermStats},
	RolePatron:   {PermPatronSelf},
}

// Can reports whether role r has permission p.
func (r Role) Can(p Permission) bool { return slices.Contains(RolePermissions[r], p) }

// Grant is one role held by one user in one agency. The operator role is
// deployment-wide and has an empty Agency.
type Grant struct {
	Agency AgencyID `json:"agency,omitempty"`
	Role   Role     `json:"role"`
}

// Grants is everything a user may do.
type Grants []Grant

// IsOperator reports whether the grants include the deployment-wide operator.
func (gs Grants) IsOperator() bool {
	return slices.ContainsFunc(gs, func(g Grant) bool { return g.Role == RoleOperator })
}

// Can reports whether the grants allow p in agency a. The operator may do
// everything everywhere.
func (gs Grants) Can(a AgencyID, p Permission) bool {
	for _, g := range gs {
		if g.Role == RoleOperator && RoleOperator.Can(p) {
			return true
		}
		if g.Agency == a && g.Role.Can(p) {
			return true
		}
	}
	return false
}

// Agencies lists the agencies the grants name, in order of first appearance.
func (gs Grants) Agencies() []AgencyID {
	var out []AgencyID
	for _, g := range gs {
		if g.Agency != "" && !slices.Contains(out, g.Agency) {
			out = append(out, g.Agency)
		}
	}
	return out
}

// RolesIn lists the roles held in agency a.
func (gs Grants) RolesIn(a AgencyID) []Role {
	var out []Role
	for _, g := range gs {
		if g.Agency == a || g.Role == RoleOperator {
			out = append(out, g.Role)
		}
	}
	return out
}
