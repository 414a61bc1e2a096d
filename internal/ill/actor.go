package ill

// ActorKind says who is acting: a person, the system itself, or a partner.
type ActorKind string

// Actor kinds, as recorded on events.
const (
	ActorStaff   ActorKind = "staff"
	ActorPatron  ActorKind = "patron"
	ActorSystem  ActorKind = "system"  // timers, automation, the CLI
	ActorPartner ActorKind = "partner" // an ISO 18626 message from another library
)

// Actor is whoever is performing an action, with what they may do.
// Agency is the agency they are acting in.
type Actor struct {
	Kind    ActorKind
	UserID  int64
	Name    string // display name for timelines; never logged
	Agency  AgencyID
	Grants  Grants
	Partner AgencyID // for ActorPartner: the sending agency
}

// SystemActor acts for the deployment itself (CLI, timers): it may do
// everything.
func SystemActor() Actor {
	return Actor{Kind: ActorSystem, Name: "Interlend", Grants: Grants{{Role: RoleOperator}}}
}

// Can reports whether the actor may do p in its current agency.
func (a Actor) Can(p Permission) bool { return a.Grants.Can(a.Agency, p) }

// CanIn reports whether the actor may do p in agency ag.
func (a Actor) CanIn(ag AgencyID, p Permission) bool { return a.Grants.Can(ag, p) }

// Require returns a Forbidden error unless the actor may do p in ag.
func (a Actor) Require(ag AgencyID, p Permission) error {
	if a.Grants.Can(ag, p) {
		return nil
	}
	if a.Kind == ActorPatron || a.UserID == 0 && a.Kind != ActorSystem {
		return E(Forbidden, "you are not allowed to do that")
	}
	return Errorf(Forbidden, "your role in %s does not allow this (%s)", ag, PermissionDescriptions[p])
}
