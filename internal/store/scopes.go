package store

// AgencyData reaches agency-owned data: every method takes the agency as its
// first argument and reads or changes only that agency's rows. The isolation
// test in storetest calls every method of this type (found by reflection) as
// agency A with B's data present and fails if a method has no test case.
type AgencyData struct{ t *Tx }

// NetworkData reaches data shared by the network: the directory, the union
// catalog, lender statistics.
type NetworkData struct{ t *Tx }

// SystemData reaches the deployment's own records: agencies, accounts,
// sessions, API tokens, jobs, system settings.
type SystemData struct{ t *Tx }

// Agency returns the agency-owned data accessor.
func (t *Tx) Agency() AgencyData { return AgencyData{t} }

// Network returns the network data accessor.
func (t *Tx) Network() NetworkData { return NetworkData{t} }

// System returns the system data accessor.
func (t *Tx) System() SystemData { return SystemData{t} }
